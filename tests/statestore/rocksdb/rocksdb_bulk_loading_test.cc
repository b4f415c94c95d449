#include <gtest/gtest.h>
#include <rocksdb/convenience.h>
#include <rocksdb/utilities/options_util.h>

#include <string>
#include <vector>

#include "statestore/rocksdb/rocksdb_instance.h"
#include "statestore/rocksdb/rocksdb_key_value_store.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

// A TestStoreContext that keeps the restore hooks stores register.
class HookContext : public TestStoreContext {
 public:
  void registerRestoreHooks(streams::StateStore& root, streams::RestoreHooks hooks) override {
    hooks_by_store[root.name()] = std::move(hooks);
  }
  std::map<std::string, streams::RestoreHooks> hooks_by_store;
};

// disable_auto_compactions as RocksDB itself last persisted it (the OPTIONS file SetOptions
// rewrites), not as the store believes it is.
bool AutoCompactionsOff(const std::filesystem::path& dir) {
  rocksdb::ConfigOptions config;
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  rocksdb::Status status = rocksdb::LoadLatestOptions(config, dir.string(), &db_options, &families);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return !families.empty() && families[0].options.disable_auto_compactions;
}

std::vector<streams::ChangelogRecord> Batch(int from, int count, std::vector<std::string>& keys) {
  std::vector<streams::ChangelogRecord> batch;
  for (int i = from; i < from + count; ++i) keys.push_back("key-" + std::to_string(i));
  for (int i = 0; i < count; ++i) {
    batch.push_back({keys[keys.size() - count + i], std::string_view("value"), 0, from + i});
  }
  return batch;
}

TEST(RocksDBBulkLoadingTest, ALargeRestorationBulkLoadsAndEndsWithTheNormalOptions) {
  HookContext context;
  RocksDBKeyValueStore store("counts");
  store.init(context, store);
  const auto dir = context.stateDir() / "rocksdb" / "counts";
  ASSERT_EQ(context.hooks_by_store.count("counts"), 1u);
  auto& hooks = context.hooks_by_store.at("counts");
  EXPECT_FALSE(AutoCompactionsOff(dir));

  hooks.on_start(RocksDBInstance::kBulkLoadingMinRecords);
  EXPECT_TRUE(store.bulkLoading());
  EXPECT_TRUE(AutoCompactionsOff(dir));
  std::vector<std::string> keys;
  context.restorers.at("counts")(Batch(0, 100, keys));
  context.restorers.at("counts")(Batch(100, 100, keys));
  hooks.on_end();

  EXPECT_FALSE(store.bulkLoading());
  EXPECT_FALSE(AutoCompactionsOff(dir));
  for (const auto& key : keys) EXPECT_EQ(store.get(key), "value") << key;
  hooks.on_end();  // a second end is harmless
  EXPECT_FALSE(store.bulkLoading());
}

TEST(RocksDBBulkLoadingTest, ASmallRestorationKeepsTheNormalOptions) {
  HookContext context;
  RocksDBKeyValueStore store("counts");
  store.init(context, store);
  auto& hooks = context.hooks_by_store.at("counts");
  hooks.on_start(RocksDBInstance::kBulkLoadingMinRecords - 1);
  EXPECT_FALSE(store.bulkLoading());
  hooks.on_end();
  EXPECT_FALSE(store.bulkLoading());
}

TEST(RocksDBBulkLoadingTest, ClosingMidRestorationLeavesNoBulkLoadingBehind) {
  HookContext context;
  context.KeepDirectory();
  {
    RocksDBKeyValueStore store("counts");
    store.init(context, store);
    context.hooks_by_store.at("counts").on_start(1'000'000);
    std::vector<std::string> keys;
    context.restorers.at("counts")(Batch(0, 10, keys));
    store.close();
    EXPECT_FALSE(store.bulkLoading());
    context.hooks_by_store.at("counts").on_end();  // after close: nothing to do, no throw
  }
  RocksDBKeyValueStore reopened("counts");
  reopened.init(context, reopened);
  EXPECT_FALSE(reopened.bulkLoading());
  EXPECT_FALSE(AutoCompactionsOff(context.stateDir() / "rocksdb" / "counts"));
  EXPECT_EQ(reopened.get("key-3"), "value");
  reopened.close();
  std::error_code ignored;
  std::filesystem::remove_all(context.stateDir(), ignored);
}

}  // namespace
}  // namespace brook::statestore
