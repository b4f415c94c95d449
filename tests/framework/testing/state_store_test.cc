// Stores through the Processor API under the TopologyTestDriver: getStateStore in processors,
// the changelog as an output topic, the driver's store getters and the commit after each record.
#include <gtest/gtest.h>

#include <filesystem>

#include "framework/api/processor.h"
#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "tests/framework/test_store_builder.h"

namespace brook::streams {
namespace {

using framework::testing::TestKeyValueStore;
using framework::testing::TestKeyValueStoreBuilder;
using S = std::string;

// Counts records per key in the store "counts" and forwards the new count.
class Counter : public ContextualProcessor<S, S, S, int64_t> {
 public:
  explicit Counter(std::string store = "counts") : store_name_(std::move(store)) {}
  void init(ProcessorContext<S, int64_t>& context) override {
    ContextualProcessor::init(context);
    store_ = &context.getStateStore<KeyValueStore<S, int64_t>>(store_name_);
  }
  void process(const Record<S, S>& record) override {
    const int64_t count = store_->get(record.key()).value_or(0) + 1;
    store_->put(record.key(), count);
    context().forward(record.withValue(count));
  }

 private:
  std::string store_name_;
  KeyValueStore<S, int64_t>* store_ = nullptr;
};

Topology CountingTopology(const AbstractStoreBuilder& store, bool connect = true) {
  Topology topology;
  topology.addSource<S, S>("src", {"in"}, Serdes::String(), Serdes::String());
  topology.addProcessor<S, S, S, int64_t>(
      "count", [] { return std::make_unique<Counter>(); }, {"src"});
  topology.addStateStore(store, connect ? std::vector<std::string>{"count"}
                                        : std::vector<std::string>{});
  topology.addSink<S, int64_t>("out", "counts-out", Serdes::String(), Serdes::Int64(), {"count"});
  return topology;
}

StreamsConfig AppConfig() {
  StreamsConfig config;
  config.set(StreamsConfig::kApplicationId, "app");
  return config;
}

TEST(StateStoreDriverTest, ProcessorCountsThroughItsStore) {
  TopologyTestDriver driver(
      CountingTopology(TestKeyValueStoreBuilder<S, int64_t>("counts", Serdes::String(),
                                                            Serdes::Int64())),
      AppConfig());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("counts-out", Serdes::String(), Serdes::Int64());
  in.pipeInput("a", "x", 1);
  in.pipeInput("b", "x", 2);
  in.pipeInput("a", "x", 3);
  EXPECT_EQ(out.readValuesToList(), (std::vector<int64_t>{1, 1, 2}));
  KeyValueStore<S, int64_t>* store = driver.getKeyValueStore<S, int64_t>("counts");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get("a"), 2);
  EXPECT_EQ(store->get("b"), 1);
  EXPECT_EQ(store->approximateNumEntries(), 2);
}

TEST(StateStoreDriverTest, ChangelogIsAnOutputTopicWithTheRecordTimestamps) {
  TopologyTestDriver driver(
      CountingTopology(TestKeyValueStoreBuilder<S, int64_t>("counts", Serdes::String(),
                                                            Serdes::Int64())),
      AppConfig());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto changelog = driver.createOutputTopic("app-counts-changelog", Serdes::String(),
                                            Serdes::Int64());
  in.pipeInput("a", "x", 10);
  in.pipeInput("a", "x", 20);
  const auto records = changelog.readRecordsToList();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].key, "a");
  EXPECT_EQ(records[0].value, 1);
  EXPECT_EQ(records[0].timestamp, 10);
  EXPECT_EQ(records[1].value, 2);
  EXPECT_EQ(records[1].timestamp, 20);
}

TEST(StateStoreDriverTest, StoreWithLoggingDisabledWritesNoChangelog) {
  TestKeyValueStoreBuilder<S, int64_t> builder("counts", Serdes::String(), Serdes::Int64());
  builder.withLoggingDisabled();
  TopologyTestDriver driver(CountingTopology(builder), AppConfig());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("a", "x", 1);
  EXPECT_EQ(driver.producedTopicNames(), (std::set<std::string>{"counts-out"}));
}

TEST(StateStoreDriverTest, StoreCachesFlushAfterEveryPipedRecordButNotTheStores) {
  TopologyTestDriver driver(
      CountingTopology(TestKeyValueStoreBuilder<S, int64_t>("counts", Serdes::String(),
                                                            Serdes::Int64())),
      AppConfig());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto* store = dynamic_cast<TestKeyValueStore<S, int64_t>*>(driver.getStateStore("counts"));
  ASSERT_NE(store, nullptr);
  const int cache_flushes = store->cache_flushes;
  const int flushes = store->flushes;
  in.pipeInput("a", "x", 1);
  in.pipeInput("a", "x", 2);
  // A commit per record, as Kafka's driver: caches flush; the backend (RocksDB's memtables)
  // only with a checkpoint, which the driver never writes.
  EXPECT_EQ(store->cache_flushes, cache_flushes + 2);
  EXPECT_EQ(store->flushes, flushes);
}

TEST(StateStoreDriverTest, ProcessorNotConnectedToTheStoreFailsAtInit) {
  try {
    TopologyTestDriver driver(
        CountingTopology(
            TestKeyValueStoreBuilder<S, int64_t>("counts", Serdes::String(), Serdes::Int64()),
            /*connect=*/false),
        AppConfig());
    FAIL() << "init should fail";
  } catch (const StreamsException& e) {
    EXPECT_NE(std::string(e.what()).find("Processor count has no access to StateStore counts as "
                                         "the store is not connected to the processor"),
              std::string::npos)
        << e.what();
  }
}

TEST(StateStoreDriverTest, AskingForTheWrongStoreTypeFailsNamingBothTypes) {
  try {
    TopologyTestDriver driver(
        CountingTopology(TestKeyValueStoreBuilder<S, S>("counts", Serdes::String(),
                                                        Serdes::String())),
        AppConfig());
    FAIL() << "init should fail";
  } catch (const StreamsException& e) {
    EXPECT_NE(std::string(e.what()).find("asked for StateStore counts as"), std::string::npos)
        << e.what();
  }
}

TEST(StateStoreDriverTest, GettersAnswerNullForUnknownStoresAndOtherTypes) {
  TopologyTestDriver driver(
      CountingTopology(TestKeyValueStoreBuilder<S, int64_t>("counts", Serdes::String(),
                                                            Serdes::Int64())),
      AppConfig());
  EXPECT_EQ(driver.getStateStore("nope"), nullptr);
  EXPECT_EQ((driver.getKeyValueStore<S, S>("counts")), nullptr);
  EXPECT_EQ((driver.getWindowStore<S, int64_t>("counts")), nullptr);
  EXPECT_EQ((driver.getSessionStore<S, int64_t>("counts")), nullptr);
  EXPECT_NE(driver.getStateStore("counts"), nullptr);
}

TEST(StateStoreDriverTest, TimestampedStoreIsReadThroughAPlainFacade) {
  Topology topology;
  topology.addSource<S, S>("src", {"in"}, Serdes::String(), Serdes::String());
  class Stamp : public ContextualProcessor<S, S, Void, Void> {
   public:
    void init(ProcessorContext<Void, Void>& context) override {
      store_ = &context.getStateStore<KeyValueStore<S, ValueAndTimestamp<S>>>("latest");
    }
    void process(const Record<S, S>& record) override {
      store_->put(record.key(), ValueAndTimestamp<S>{record.value(), record.timestamp()});
    }
    KeyValueStore<S, ValueAndTimestamp<S>>* store_ = nullptr;
  };
  topology.addProcessor<S, S, Void, Void>(
      "stamp", [] { return std::make_unique<Stamp>(); }, {"src"});
  // The typed store over ValueAndTimestamp<S>: a serde that writes value then timestamp.
  class StampedSerde : public Serde<ValueAndTimestamp<S>> {
   public:
    std::string name() const override { return "Stamped"; }
    bool serialize(std::string_view, const ValueAndTimestamp<S>& data,
                   std::string& out) const override {
      out = std::to_string(data.timestamp) + "|" + data.value;
      return true;
    }
    ValueAndTimestamp<S> deserialize(std::string_view,
                                     std::optional<std::string_view> bytes) const override {
      const std::string text(*bytes);
      const size_t bar = text.find('|');
      return {text.substr(bar + 1), std::stoll(text.substr(0, bar))};
    }
  };
  topology.addStateStore(TestKeyValueStoreBuilder<S, ValueAndTimestamp<S>>(
                             "latest", Serdes::String(), std::make_shared<StampedSerde>()),
                         {"stamp"});
  TopologyTestDriver driver(topology, AppConfig());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("k", "v1", 5);
  auto* stamped = driver.getTimestampedKeyValueStore<S, S>("latest");
  ASSERT_NE(stamped, nullptr);
  EXPECT_EQ(stamped->get("k"), (ValueAndTimestamp<S>{"v1", 5}));
  auto* plain = driver.getKeyValueStore<S, S>("latest");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->get("k"), "v1");
  plain->put("j", "w");
  EXPECT_EQ(stamped->get("j"), (ValueAndTimestamp<S>{"w", -1}));
}

TEST(StateStoreDriverTest, StateDirectoryIsRemovedWhenTheDriverCloses) {
  std::filesystem::path dir;
  {
    TopologyTestDriver driver(
        CountingTopology(TestKeyValueStoreBuilder<S, int64_t>("counts", Serdes::String(),
                                                              Serdes::Int64(), true)),
        AppConfig());
    auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
    in.pipeInput("a", "x", 1);
    auto* store = driver.getStateStore("counts");
    ASSERT_NE(store, nullptr);
    dir = std::filesystem::path(driver.stateDirectory());
    EXPECT_TRUE(std::filesystem::exists(dir / "app" / "0_0"));
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace brook::streams
