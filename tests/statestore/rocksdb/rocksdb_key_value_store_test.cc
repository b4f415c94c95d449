#include "statestore/rocksdb/rocksdb_key_value_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "framework/api/errors.h"
#include "tests/statestore/memory/store_models.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

namespace fs = std::filesystem;
using testing::Drain;

std::vector<std::string> Keys(streams::KeyValueIteratorPtr<std::string, std::string> it) {
  std::vector<std::string> keys;
  while (it->hasNext()) keys.push_back(it->next().key);
  return keys;
}

// The message of the ProcessorStateException `open` throws ("" when it throws nothing).
template <typename F>
std::string OpenError(F open) {
  try {
    open();
  } catch (const streams::ProcessorStateException& e) {
    return e.what();
  }
  return "";
}

TEST(RocksDBKeyValueStoreTest, MatchesTheModelUnderRandomOperationsAcrossReopens) {
  for (uint64_t seed : {11, 12}) {
    TestStoreContext context;
    auto store = std::make_unique<RocksDBKeyValueStore>("counts");
    store->init(context, *store);
    testing::RunKeyValueModel(store.get(), seed, 3000, /*exact_count=*/false, [&](int) {
      store->close();
      store = std::make_unique<RocksDBKeyValueStore>("counts");
      store->init(context, *store);
      return store.get();
    });
  }
}

TEST(RocksDBKeyValueStoreTest, KeepsItsFilesUnderTheTaskDirectory) {
  TestStoreContext context;
  RocksDBKeyValueStore store("counts");
  store.init(context, store);
  EXPECT_TRUE(store.persistent());
  EXPECT_TRUE(store.isOpen());
  EXPECT_EQ(store.directory(), context.stateDir() / "rocksdb" / "counts");
  EXPECT_TRUE(fs::exists(context.stateDir() / "rocksdb" / "counts" / "CURRENT"));
  store.close();
  EXPECT_FALSE(store.isOpen());
  store.close();  // twice is allowed
  EXPECT_THROW(store.get("a"), streams::InvalidStateStoreException);
}

TEST(RocksDBKeyValueStoreTest, IteratorsKeepTheirViewWhileTheStoreIsWritten) {
  TestStoreContext context;
  RocksDBKeyValueStore store("counts");
  store.init(context, store);
  for (const char* key : {"a", "b", "c", "d"}) store.put(key, std::string("old-") + key);
  auto forward = store.all();
  auto backward = store.reverseRange(std::string("b"), std::nullopt);
  auto prefix = store.prefixScan("c");
  ASSERT_TRUE(forward->hasNext());
  EXPECT_EQ(forward->next().key, "a");
  store.put("b", "new");
  store.remove("c");
  store.put("bb", "inserted");
  store.flush();  // memtables to SST files under the open iterators
  store.putAll({{"a0", "x"}, {"d", "new"}});
  EXPECT_EQ(Drain(std::move(forward)), (std::vector<streams::KeyValue<std::string, std::string>>{
                                           {"b", "old-b"}, {"c", "old-c"}, {"d", "old-d"}}));
  EXPECT_EQ(Keys(std::move(backward)), (std::vector<std::string>{"d", "c", "b"}));
  EXPECT_EQ(Keys(std::move(prefix)), (std::vector<std::string>{"c"}));
  EXPECT_EQ(Keys(store.all()), (std::vector<std::string>{"a", "a0", "b", "bb", "d"}));
  auto empty = store.prefixScan("zz");
  EXPECT_FALSE(empty->hasNext());
  EXPECT_THROW(empty->next(), streams::InvalidStateStoreException);  // not undefined behaviour
}

TEST(RocksDBKeyValueStoreTest, ClosingTheStoreReleasesOpenIterators) {
  TestStoreContext context;
  RocksDBKeyValueStore store("counts");
  store.init(context, store);
  store.put("a", "1");
  auto it = store.all();
  store.close();
  EXPECT_THROW(it->hasNext(), streams::InvalidStateStoreException);
  // The directory is free again: a new store opens it.
  RocksDBKeyValueStore again("counts");
  again.init(context, again);
  EXPECT_EQ(again.get("a"), "1");
}

TEST(RocksDBKeyValueStoreTest, DataSurvivesCloseAndReopen) {
  fs::path dir;
  {
    TestStoreContext context;
    context.KeepDirectory();
    dir = context.stateDir();
    RocksDBKeyValueStore store("counts");
    store.init(context, store);
    for (int i = 0; i < 1000; ++i) store.put("key" + std::to_string(i), std::to_string(i));
    store.remove("key7");
    store.close();
  }
  TestStoreContext context(dir);
  RocksDBKeyValueStore store("counts");
  store.init(context, store);
  EXPECT_EQ(store.get("key999"), "999");
  EXPECT_EQ(store.get("key7"), std::nullopt);
  EXPECT_EQ(Keys(store.all()).size(), 999u);
  EXPECT_NEAR(static_cast<double>(store.approximateNumEntries()), 999.0, 100.0);
}

TEST(RocksDBKeyValueStoreTest, RestoreAppliesPutsAndTombstonesAndIsDurableAfterFlush) {
  fs::path dir;
  {
    TestStoreContext context;
    context.KeepDirectory();
    dir = context.stateDir();
    RocksDBKeyValueStore store("counts");
    store.init(context, store);
    store.put("gone", "before");
    ASSERT_EQ(context.restorers.count("counts"), 1u);
    std::vector<streams::ChangelogRecord> batch = {{"k1", std::string_view("1"), 0, 0},
                                                   {"k2", std::string_view("2"), 0, 1},
                                                   {"k1", std::nullopt, 0, 2},
                                                   {"gone", std::nullopt, 0, 3},
                                                   {"k3", std::string_view(""), 0, 4}};
    context.restorers.at("counts")(batch);
    EXPECT_EQ(store.get("k1"), std::nullopt);
    EXPECT_EQ(store.get("k2"), "2");
    EXPECT_EQ(store.get("k3"), "");  // an empty value is a value, not a tombstone
    EXPECT_EQ(store.get("gone"), std::nullopt);
    store.flush();
  }
  TestStoreContext context(dir);
  RocksDBKeyValueStore store("counts");
  store.init(context, store);
  EXPECT_EQ(Keys(store.all()), (std::vector<std::string>{"k2", "k3"}));
}

TEST(RocksDBKeyValueStoreTest, ADatabaseOpenInAnotherStoreIsAClearError) {
  TestStoreContext context;
  RocksDBKeyValueStore first("counts");
  first.init(context, first);
  first.put("a", "1");
  RocksDBKeyValueStore second("counts");
  std::string error = OpenError([&] { second.init(context, second); });
  EXPECT_NE(error.find("[counts] RocksDB open failed in " +
                       (context.stateDir() / "rocksdb" / "counts").string()),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("lock"), std::string::npos) << error;
  EXPECT_FALSE(second.isOpen());
  EXPECT_EQ(first.get("a"), "1");  // the first store is unharmed
}

TEST(RocksDBKeyValueStoreTest, CorruptFilesAreAClearErrorNotACrash) {
  TestStoreContext context;
  fs::path dir = context.stateDir() / "rocksdb" / "counts";
  {
    RocksDBKeyValueStore store("counts");
    store.init(context, store);
    for (int i = 0; i < 100; ++i) store.put("k" + std::to_string(i), "v");
    store.close();
  }
  // A truncated table file: the open checks every SST file's footer.
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".sst") fs::resize_file(entry.path(), 10);
  }
  RocksDBKeyValueStore truncated("counts");
  std::string error = OpenError([&] { truncated.init(context, truncated); });
  EXPECT_NE(error.find("[counts] RocksDB open failed"), std::string::npos) << error;
  EXPECT_NE(error.find("Corruption"), std::string::npos) << error;

  // A garbage CURRENT file.
  std::ofstream(dir / "CURRENT", std::ios::trunc) << "not a manifest name";
  RocksDBKeyValueStore garbage("counts");
  error = OpenError([&] { garbage.init(context, garbage); });
  EXPECT_NE(error.find("[counts] RocksDB open failed in " + dir.string()), std::string::npos)
      << error;
  EXPECT_NE(error.find("Corruption"), std::string::npos) << error;
}

}  // namespace
}  // namespace brook::statestore
