#include "statestore/memory/in_memory_window_store.h"

#include <gtest/gtest.h>

#include "statestore/rocksdb/window_key_format.h"
#include "tests/statestore/memory/store_models.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

using streams::Window;
using streams::Windowed;
using testing::Drain;

TEST(InMemoryWindowStoreTest, MatchesTheModelUnderRandomOperations) {
  for (uint64_t seed : {1, 2, 3}) {
    TestStoreContext context;
    InMemoryWindowStore store("windows", 100'000, 10'000, false);
    store.init(context, store);
    testing::WindowModel model{100'000, 10'000, false};
    testing::RunWindowModel(&store, model, seed, 4000, [&](int) { return &store; });
  }
}

TEST(InMemoryWindowStoreTest, WithDuplicatesMatchesTheModelUnderRandomOperations) {
  for (uint64_t seed : {4, 5}) {
    TestStoreContext context;
    InMemoryWindowStore store("joins", 50'000, 5'000, true);
    store.init(context, store);
    testing::WindowModel model{50'000, 5'000, true};
    testing::RunWindowModel(&store, model, seed, 4000, [&](int) { return &store; });
  }
}

TEST(InMemoryWindowStoreTest, ExpiredWindowsAreDroppedAndFreed) {
  TestStoreContext context;
  InMemoryWindowStore store("windows", 1000, 100, false);
  store.init(context, store);
  store.put("a", "1", 0);
  store.put("a", "2", 500);
  store.put("a", "3", 1500);  // stream time 1500: starts <= 500 expire
  EXPECT_EQ(store.fetch("a", 0), std::nullopt);
  EXPECT_EQ(store.fetch("a", 500), std::nullopt);
  EXPECT_EQ(store.fetch("a", 1500), "3");
  EXPECT_EQ(store.size(), 1u);
  store.put("a", "late", 400);  // behind the retention: dropped
  EXPECT_EQ(store.fetch("a", 400), std::nullopt);
  store.put("a", "edge", 501);  // the oldest live start
  EXPECT_EQ(store.fetch("a", 501), "edge");
  auto windows = Drain(store.all());
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows[0].key, Windowed<std::string>("a", Window(501, 601)));
}

TEST(InMemoryWindowStoreTest, RestoresPutsAndTombstonesKeyedLikeTheStore) {
  TestStoreContext context;
  InMemoryWindowStore store("windows", 10'000, 1000, false);
  store.init(context, store);
  std::string k1 = window_key::ToStoreKey("k", 1000, 0);
  std::string k2 = window_key::ToStoreKey("k", 2000, 0);
  std::string old = window_key::ToStoreKey("k", 0, 0);
  std::string newest = window_key::ToStoreKey("k", 20'000, 0);
  std::vector<streams::ChangelogRecord> batch = {{k1, std::string_view("1"), 0, 0},
                                                 {k2, std::string_view("2"), 0, 1},
                                                 {k1, std::nullopt, 0, 2},
                                                 {newest, std::string_view("3"), 0, 3},
                                                 {old, std::string_view("expired"), 0, 4}};
  context.restorers.at("windows")(batch);
  EXPECT_EQ(store.fetch("k", 1000), std::nullopt);
  EXPECT_EQ(store.fetch("k", 2000), std::nullopt);  // expired by the restored stream time 20000
  EXPECT_EQ(store.fetch("k", 20'000), "3");
  EXPECT_EQ(store.observedStreamTime(), 20'000);
  EXPECT_EQ(store.size(), 1u);
}

}  // namespace
}  // namespace brook::statestore
