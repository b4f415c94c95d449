#include "statestore/rocksdb/rocksdb_store_suppliers.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

TEST(RocksDBStoreSuppliersTest, SuppliersMakePersistentStoresWithTheirScopes) {
  TestStoreContext context;
  auto kv = RocksDBKeyValueSupplier("counts");
  EXPECT_EQ(kv->name(), "counts");
  EXPECT_EQ(kv->metricsScope(), "rocksdb");
  auto store = kv->get();
  EXPECT_TRUE(store->persistent());
  store->init(context, *store);
  store->put("a", "1");
  EXPECT_EQ(store->get("a"), "1");
  store->close();

  auto window = RocksDBWindowSupplier("windows", 7'200'000, 60'000, false);
  EXPECT_EQ(window->metricsScope(), "rocksdb-window");
  EXPECT_EQ(window->segmentIntervalMs(), 3'600'000);
  EXPECT_EQ(window->windowSize(), 60'000);
  EXPECT_FALSE(window->retainDuplicates());
  auto window_store = window->get();
  window_store->init(context, *window_store);
  window_store->put("k", "v", 7'300'000);
  EXPECT_TRUE(
      std::filesystem::exists(context.stateDir() / "rocksdb" / "windows" / "windows.7200000"));
  EXPECT_EQ(window_store->fetch("k", 7'300'000), "v");
  window_store->close();

  auto session = RocksDBSessionSupplier("sessions", 1000);
  EXPECT_EQ(session->metricsScope(), "rocksdb-session");
  EXPECT_EQ(session->segmentIntervalMs(), 60'000);
  EXPECT_EQ(session->retentionPeriod(), 1000);
  EXPECT_TRUE(session->get()->persistent());
}

TEST(RocksDBStoreSuppliersTest, BadRetentionsAndSizesAreRejected) {
  EXPECT_THROW(RocksDBWindowSupplier("w", 1000, 2000, false), std::invalid_argument);
  EXPECT_THROW(RocksDBWindowSupplier("w", -1, 0, false), std::invalid_argument);
  EXPECT_THROW(RocksDBWindowSupplier("w", 10, -1, true), std::invalid_argument);
  EXPECT_THROW(RocksDBSessionSupplier("s", -5), std::invalid_argument);
  EXPECT_THROW(RocksDBKeyValueSupplier(""), std::invalid_argument);
}

}  // namespace
}  // namespace brook::statestore
