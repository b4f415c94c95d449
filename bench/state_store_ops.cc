#include "bench/state_store_ops.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "bench/bench_util.h"
#include "framework/api/serdes.h"
#include "framework/api/streams_config.h"
#include "framework/client/record_collector.h"
#include "framework/state/processor_state_manager.h"
#include "framework/state/state_directory.h"
#include "framework/topology/topology_builder.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/stores.h"
#include "statestore/layers/thread_cache.h"
#include "statestore/rocksdb/rocksdb_resources.h"

namespace brook::bench {
namespace {

using streams::StreamsConfig;

// The work both sides do: the key of each step, and the value written at each step.
class Workload {
 public:
  explicit Workload(const StoreOpsOptions& options) : value_bytes_(options.value_bytes) {
    std::mt19937_64 random(42);
    std::uniform_int_distribution<uint64_t> pick(0, options.keys - 1);
    keys_.reserve(options.keys);
    for (uint64_t k = 0; k < options.keys; ++k) keys_.push_back(fmt::format("key-{:010d}", k));
    order_.reserve(options.steps);
    for (uint64_t i = 0; i < options.steps; ++i) order_.push_back(static_cast<uint32_t>(pick(random)));
  }
  uint64_t steps() const { return order_.size(); }
  const std::string& Key(uint64_t step) const { return keys_[order_[step]]; }
  uint64_t KeyIndex(uint64_t step) const { return order_[step]; }
  // The value of step `step`: its number in decimal, then filler.
  void Value(uint64_t step, std::string& out) const {
    out = fmt::format("{:020d}", step);
    out.resize(std::max(value_bytes_, out.size()), 'v');
  }

 private:
  size_t value_bytes_;
  std::vector<std::string> keys_;
  std::vector<uint32_t> order_;
};

// Counts the changelog records; acknowledges each at once, as a broker would.
class CountingCollector : public framework::client::RecordCollector {
 public:
  void Send(const streams::TaskId&, const streams::detail::OutgoingRecord& record) override {
    ++sent;
    if (record.track_offset) {
      framework::client::TopicPartition partition{std::string(record.topic), record.partition};
      acked_[partition] = next_[partition]++;
    }
  }
  std::map<framework::client::TopicPartition, int64_t> offsets() const override { return acked_; }
  uint64_t sent = 0;

 private:
  std::map<framework::client::TopicPartition, int64_t> next_;
  std::map<framework::client::TopicPartition, int64_t> acked_;
};

// The options of statestore/rocksdb/rocksdb_instance.cc's BrookOptions (kept in step by hand).
rocksdb::Options BrookLikeOptions(const statestore::RocksDBResources& resources) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.info_log_level = rocksdb::InfoLogLevel::ERROR_LEVEL;
  options.keep_log_file_num = 2;
  options.IncreaseParallelism(std::max(2, static_cast<int>(std::thread::hardware_concurrency())));
  options.write_buffer_size = size_t{16} << 20;
  options.max_write_buffer_number = 3;
  options.arena_block_size = 256 * 1024;
  options.write_buffer_manager = resources.writeBufferManager();
  options.level_compaction_dynamic_level_bytes = true;
  auto supported = rocksdb::GetSupportedCompressions();
  options.compression =
      std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end()
          ? rocksdb::kLZ4Compression
          : rocksdb::kNoCompression;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = resources.cache();
  table.block_size = 4096;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_top_level_index_and_filter = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

Status CheckRead(const std::optional<std::string>& got, uint64_t step, const Workload& work,
                 std::vector<int64_t>& last_step, uint64_t key_index, std::string& expected) {
  const int64_t last = last_step[key_index];
  if (last < 0) {
    if (got.has_value()) return Status::Internal(fmt::format("step {}: a value for a new key", step));
    return Status::Ok();
  }
  work.Value(static_cast<uint64_t>(last), expected);
  if (!got.has_value() || *got != expected) {
    return Status::Internal(fmt::format("step {}: read back a wrong value", step));
  }
  return Status::Ok();
}

// Every 64th read is checked against the model (the last step that wrote the key).
Result<double> RunBrook(const StoreOpsOptions& options, const Workload& work,
                        const std::filesystem::path& dir) {
  using namespace brook::streams;
  StreamsConfig config;
  config.set(StreamsConfig::kApplicationId, "state-bench-store");
  config.set(StreamsConfig::kStateDir, dir.string());
  statestore::ThreadCache cache(config.statestoreCacheMaxBytes());
  statestore::RocksDBResources resources(static_cast<size_t>(config.rocksDBMemoryMaxBytes()), 0.5,
                                         config.rocksDBConfigSetter());
  CountingCollector collector;
  framework::state::StateDirectory directory(dir, "state-bench-store");
  const TaskId task{0, 0};
  auto lock = directory.Lock(task);
  if (!lock.ok()) return lock.status();
  auto builder = Stores::keyValueStoreBuilder(Stores::persistentKeyValueStore("store"),
                                              Serdes::String(), Serdes::String());
  builder.withCachingEnabled();
  framework::topology::StoreInfo info;
  info.builder = builder.clone();
  info.changelog_topic = "state-bench-store-store-changelog";
  info.subtopology = 0;
  framework::state::StateManagerOptions state_options;
  state_options.application_id = "state-bench-store";
  state_options.task_id = task;
  state_options.exactly_once = true;
  state_options.collector = &collector;
  state_options.app_configs = config.values();
  state_options.thread_cache = &cache;
  state_options.rocksdb_resources = &resources;
  framework::state::ProcessorStateManager manager(std::move(state_options),
                                                  std::move(lock).value(), {&info});
  manager.InitializeStores();
  auto* store = dynamic_cast<KeyValueStore<std::string, std::string>*>(manager.GetStore("store"));
  if (store == nullptr) return Status::Internal("the store is not a KeyValueStore<string, string>");

  std::vector<int64_t> last_step(options.keys, -1);
  std::string value;
  std::string expected;
  Stopwatch watch;
  for (uint64_t step = 0; step < work.steps(); ++step) {
    const std::string& key = work.Key(step);
    std::optional<std::string> got = store->get(key);
    if ((step & 63) == 0) {
      BROOK_RETURN_IF_ERROR(CheckRead(got, step, work, last_step, work.KeyIndex(step),
                                      expected));
    }
    work.Value(step, value);
    store->put(key, value);
    last_step[work.KeyIndex(step)] = static_cast<int64_t>(step);
    if ((step + 1) % options.commit_every == 0) manager.FlushCache();
  }
  manager.FlushCache();
  const double seconds = watch.Seconds();
  manager.Close(true, collector.offsets());
  fmt::print("    brook   {} ops in {:.3f} s  {:.0f} ops/s  ({} changelog records)\n",
             2 * work.steps(), seconds, 2 * work.steps() / seconds, collector.sent);
  return 2 * work.steps() / seconds;
}

Result<double> RunRocksDB(const StoreOpsOptions& options, const Workload& work,
                          const std::filesystem::path& dir) {
  StreamsConfig config;
  statestore::RocksDBResources resources(static_cast<size_t>(config.rocksDBMemoryMaxBytes()), 0.5,
                                         config.rocksDBConfigSetter());
  rocksdb::Options db_options = BrookLikeOptions(resources);
  std::filesystem::create_directories(dir);
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status opened = rocksdb::DB::Open(db_options, dir.string(), &raw_db);
  if (!opened.ok()) return Status::Internal("rocksdb open: " + opened.ToString());
  std::unique_ptr<rocksdb::DB> db(raw_db);
  rocksdb::WriteOptions write;
  write.disableWAL = true;
  const rocksdb::ReadOptions read;

  std::vector<int64_t> last_step(options.keys, -1);
  std::string value;
  std::string expected;
  std::string got;
  Stopwatch watch;
  for (uint64_t step = 0; step < work.steps(); ++step) {
    const std::string& key = work.Key(step);
    rocksdb::Status status = db->Get(read, key, &got);
    if (!status.ok() && !status.IsNotFound()) return Status::Internal("get: " + status.ToString());
    if ((step & 63) == 0) {
      BROOK_RETURN_IF_ERROR(CheckRead(status.ok() ? std::optional<std::string>(got) : std::nullopt,
                                      step, work, last_step, work.KeyIndex(step),
                                      expected));
    }
    work.Value(step, value);
    status = db->Put(write, key, value);
    if (!status.ok()) return Status::Internal("put: " + status.ToString());
    last_step[work.KeyIndex(step)] = static_cast<int64_t>(step);
  }
  const double seconds = watch.Seconds();
  db->Close().PermitUncheckedError();
  fmt::print("    rocksdb {} ops in {:.3f} s  {:.0f} ops/s\n", 2 * work.steps(), seconds,
             2 * work.steps() / seconds);
  return 2 * work.steps() / seconds;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

Result<StoreOpsFigures> RunStoreOps(const StoreOpsOptions& options) {
  const Workload work(options);
  fmt::print(
      "store put/get: {} steps (a get and a put each) over {} keys of 14 B, values of {} B, "
      "caches flushed every {} steps; {} runs per side, alternating\n",
      options.steps, options.keys, options.value_bytes, options.commit_every, options.runs);
  std::vector<double> brook_rates;
  std::vector<double> rocksdb_rates;
  for (int run = 1; run <= options.runs; ++run) {
    fmt::print("  run {}\n", run);
    const bool brook_first = run % 2 == 1;
    for (int turn = 0; turn < 2; ++turn) {
      const bool brook = (turn == 0) == brook_first;
      const std::filesystem::path dir = std::filesystem::path(options.scratch) /
                                        fmt::format("store-{}-{}", brook ? "brook" : "rocksdb", run);
      double rate = 0;
      if (brook) {
        BROOK_ASSIGN_OR_RETURN(rate, RunBrook(options, work, dir));
        brook_rates.push_back(rate);
      } else {
        BROOK_ASSIGN_OR_RETURN(rate, RunRocksDB(options, work, dir));
        rocksdb_rates.push_back(rate);
      }
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  }
  StoreOpsFigures figures{Median(brook_rates), Median(rocksdb_rates)};
  fmt::print("  median  brook {:.0f} ops/s  rocksdb {:.0f} ops/s  brook/rocksdb {:.2f}\n",
             figures.brook_rate, figures.rocksdb_rate, figures.ratio());
  return figures;
}

}  // namespace brook::bench
