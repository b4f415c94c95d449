#include "statestore/memory/in_memory_store_suppliers.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

TEST(InMemoryStoreSuppliersTest, SuppliersMakeNamedInMemoryStoresWithTheirScopes) {
  auto kv = InMemoryKeyValueSupplier("counts");
  EXPECT_EQ(kv->name(), "counts");
  EXPECT_EQ(kv->metricsScope(), "in-memory");
  auto store = kv->get();
  EXPECT_EQ(store->name(), "counts");
  EXPECT_FALSE(store->persistent());

  auto window = InMemoryWindowSupplier("windows", 3'600'000, 60'000, true);
  EXPECT_EQ(window->metricsScope(), "in-memory-window");
  EXPECT_EQ(window->retentionPeriod(), 3'600'000);
  EXPECT_EQ(window->windowSize(), 60'000);
  EXPECT_TRUE(window->retainDuplicates());
  EXPECT_EQ(window->segmentIntervalMs(), 1'800'000);
  auto window_store = window->get();
  EXPECT_EQ(window_store->name(), "windows");

  auto session = InMemorySessionSupplier("sessions", 10'000);
  EXPECT_EQ(session->metricsScope(), "in-memory-session");
  EXPECT_EQ(session->segmentIntervalMs(), 60'000);  // at least a minute
  EXPECT_EQ(session->get()->name(), "sessions");
  // Each get() is a new store.
  EXPECT_NE(session->get().get(), session->get().get());
}

TEST(InMemoryStoreSuppliersTest, BadRetentionsAndSizesAreRejected) {
  EXPECT_THROW(InMemoryWindowSupplier("w", 1000, 2000, false), std::invalid_argument);
  EXPECT_THROW(InMemoryWindowSupplier("w", -1, 0, false), std::invalid_argument);
  EXPECT_THROW(InMemoryWindowSupplier("w", 1000, -5, false), std::invalid_argument);
  EXPECT_THROW(InMemorySessionSupplier("s", -1), std::invalid_argument);
  EXPECT_THROW(InMemoryKeyValueSupplier(""), std::invalid_argument);
  try {
    InMemoryWindowSupplier("w", 1000, 2000, false);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("retention period (1000 ms)"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace brook::statestore
