// docs/guides/state-stores.md: a store built with Stores and attached to a processor, DSL
// stores chosen with Materialized, a restore listener, a RocksDB config setter and an
// interactive query. Runs the topology through TopologyTestDriver (which checks the store and
// its changelog) and exits 1 naming what differed; runs as a unit test. The restore listener,
// the config setter and the query need a running KafkaStreams: here they are only compiled.
#include <rocksdb/options.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/api/kafka_streams.h"
#include "framework/api/processor.h"
#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "statestore/api/rocksdb_config_setter.h"
#include "statestore/api/state_restore_listener.h"
#include "statestore/api/stores.h"

using namespace brook::streams;

// Adds each record's quantity (a delta) to the item's stock and forwards the new stock.
class ApplyDelta : public ContextualProcessor<std::string, int64_t, std::string, int64_t> {
 public:
  void init(ProcessorContext<std::string, int64_t>& context) override {
    ContextualProcessor::init(context);
    stock_ = &context.getStateStore<KeyValueStore<std::string, int64_t>>("stock");
  }
  void process(const Record<std::string, int64_t>& record) override {
    const int64_t stock = stock_->get(record.key()).value_or(0) + record.value();
    stock_->put(record.key(), stock);
    context().forward(record.withValue(stock));
  }

 private:
  KeyValueStore<std::string, int64_t>* stock_ = nullptr;
};

// [snippet:restore-listener]
// Told about each changelog partition a store restores from (on the restoring stream thread).
class RestoreProgress : public StateRestoreListener {
 public:
  void onRestoreStart(const std::string& topic, int32_t partition, const std::string& store,
                      int64_t starting_offset, int64_t ending_offset) override {
    std::printf("%s: restoring %s-%d from %lld to %lld\n", store.c_str(), topic.c_str(), partition,
                static_cast<long long>(starting_offset), static_cast<long long>(ending_offset));
  }
  void onBatchRestored(const std::string&, int32_t, const std::string&, int64_t, int64_t) override {
  }
  void onRestoreEnd(const std::string& topic, int32_t partition, const std::string& store,
                    int64_t total_restored) override {
    std::printf("%s: restored %lld records of %s-%d\n", store.c_str(),
                static_cast<long long>(total_restored), topic.c_str(), partition);
  }
};
// [snippet-end:restore-listener]

// [snippet:config-setter]
// Called before each RocksDB instance of a store opens (once per segment of a window store).
// Leave the block cache and write_buffer_manager alone: they hold rocksdb.memory.max.bytes.
class FewerMemtables : public RocksDBConfigSetter {
 public:
  void setConfig(const std::string& store_name, rocksdb::Options& options,
                 const std::map<std::string, std::string>&) override {
    if (store_name == "stock") options.max_write_buffer_number = 2;
  }
};
// [snippet-end:config-setter]

// [snippet:query]
// Interactive query: the instance's own copy of a DSL table's store (every local task's
// instance of it), while the instance is RUNNING.
std::optional<int64_t> ClicksOf(KafkaStreams& streams, const std::string& user) {
  auto store =
      streams.store<ReadOnlyKeyValueStore<std::string, ValueAndTimestamp<int64_t>>>("clicks");
  std::optional<ValueAndTimestamp<int64_t>> count = store->get(user);
  if (!count) return std::nullopt;
  return count->value;
}
// [snippet-end:query]

int main() {
  // [snippet:builder]
  Topology topology;
  topology
      .addSource<std::string, int64_t>("deltas", {"stock-deltas"}, Serdes::String(),
                                       Serdes::Int64())
      .addProcessor<std::string, int64_t, std::string, int64_t>(
          "apply-delta", [] { return std::make_unique<ApplyDelta>(); }, {"deltas"})
      .addStateStore(Stores::keyValueStoreBuilder(Stores::persistentKeyValueStore("stock"),
                                                  Serdes::String(), Serdes::Int64())
                         .withCachingEnabled()
                         .withLoggingEnabled({{"min.insync.replicas", "2"}}),
                     {"apply-delta"})
      .addSink<std::string, int64_t>("stock-levels", "stock-levels", Serdes::String(),
                                     Serdes::Int64(), {"apply-delta"});
  // [snippet-end:builder]

  // [snippet:materialized]
  StreamsBuilder builder;
  KGroupedStream<std::string, std::string> clicks =
      builder.stream<std::string, std::string>("clicks").groupByKey();
  // RocksDB, cached and logged (the defaults), queryable as "clicks".
  clicks.count(Materialized<std::string, int64_t>::as("clicks"));
  // In memory, not logged: empty after every restart.
  clicks.count(
      Materialized<std::string, int64_t>::as(Stores::inMemoryKeyValueStore("recent-clicks"))
          .withLoggingDisabled());
  // Chosen by type, without caching: every update goes downstream and to the changelog.
  clicks.count(Materialized<std::string, int64_t>::as("clicks-uncached")
                   .withStoreType(StoreType::kInMemory)
                   .withCachingDisabled());
  // [snippet-end:materialized]

  // [snippet:config]
  StreamsConfig config;
  config.set("application.id", "inventory")
      .set("state.dir", "/var/lib/inventory")         // <state.dir>/<application.id>/<task>/
      .set("statestore.cache.max.bytes", "52428800")  // 50 MiB per stream thread
      .set("rocksdb.memory.max.bytes", "268435456")   // 256 MiB for every RocksDB store
      .setRocksDBConfigSetter(std::make_shared<FewerMemtables>());
  // [snippet-end:config]
  (void)ClicksOf;  // needs a running KafkaStreams
  RestoreProgress listener;
  (void)listener;

  StreamsConfig test_config;
  test_config.set("application.id", "inventory");
  TopologyTestDriver driver(topology, test_config);
  TopologyTestDriver dsl_driver(builder.build(), StreamsConfig()
                                                     .set("application.id", "shop")
                                                     .set("default.key.serde", "string")
                                                     .set("default.value.serde", "string"));

  // [snippet:test]
  auto deltas = driver.createInputTopic("stock-deltas", Serdes::String(), Serdes::Int64());
  auto changelog =
      driver.createOutputTopic("inventory-stock-changelog", Serdes::String(), Serdes::Int64());
  deltas.pipeInput("pen", 10, 1000);
  deltas.pipeInput("pen", -3, 2000);
  deltas.pipeInput("ink", 5, 3000);
  // changelog: (pen, 10), (pen, 7), (ink, 5): the driver commits after every record, so the
  // cache holds nothing back. The store: pen 7, ink 5.
  KeyValueStore<std::string, int64_t>* stock =
      driver.getKeyValueStore<std::string, int64_t>("stock");
  // [snippet-end:test]

  using KV = KeyValue<std::string, int64_t>;
  bool ok = true;
  if (changelog.readKeyValuesToList() != std::vector<KV>{{"pen", 10}, {"pen", 7}, {"ink", 5}}) {
    std::fprintf(stderr, "state_stores: the changelog differs\n");
    ok = false;
  }
  if (stock == nullptr || stock->get("pen") != 7 || stock->get("ink") != 5) {
    std::fprintf(stderr, "state_stores: the store differs\n");
    ok = false;
  }
  auto clicks_topic = dsl_driver.createInputTopic("clicks", Serdes::String(), Serdes::String());
  clicks_topic.pipeInput("ann", "home", 1000);
  clicks_topic.pipeInput("ann", "cart", 2000);
  for (const char* name : {"clicks", "recent-clicks", "clicks-uncached"}) {
    auto* store = dsl_driver.getKeyValueStore<std::string, int64_t>(name);
    if (store == nullptr || store->get("ann") != 2) {
      std::fprintf(stderr, "state_stores: the store %s differs\n", name);
      ok = false;
    }
  }
  if (dsl_driver.producedTopicNames().count("shop-recent-clicks-changelog") != 0) {
    std::fprintf(stderr, "state_stores: recent-clicks should have no changelog\n");
    ok = false;
  }
  if (!ok) return 1;
  std::printf("state_stores: stores and changelog as expected\n");
  return 0;
}
