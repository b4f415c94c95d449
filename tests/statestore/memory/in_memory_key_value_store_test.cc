#include "statestore/memory/in_memory_key_value_store.h"

#include <gtest/gtest.h>

#include "tests/statestore/memory/store_models.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

std::vector<std::string> Keys(streams::KeyValueIteratorPtr<std::string, std::string> it) {
  std::vector<std::string> keys;
  while (it->hasNext()) keys.push_back(it->next().key);
  return keys;
}

TEST(InMemoryKeyValueStoreTest, RangesIncludeBothBoundsAndPrefixScanStopsAtThePrefix) {
  TestStoreContext context;
  InMemoryKeyValueStore store("counts");
  store.init(context, store);
  for (const char* key : {"a", "ab", "abc", "b", "ba", "c"}) store.put(key, "v");
  EXPECT_EQ(Keys(store.range(std::string("ab"), std::string("ba"))),
            (std::vector<std::string>{"ab", "abc", "b", "ba"}));
  EXPECT_EQ(Keys(store.reverseRange(std::nullopt, std::string("ab"))),
            (std::vector<std::string>{"ab", "a"}));
  EXPECT_TRUE(Keys(store.range(std::string("c"), std::string("a"))).empty());
  EXPECT_EQ(Keys(store.prefixScan("ab")), (std::vector<std::string>{"ab", "abc"}));
  EXPECT_EQ(store.putIfAbsent("a", "other"), "v");
  EXPECT_EQ(store.remove("a"), "v");
  EXPECT_EQ(store.get("a"), std::nullopt);
  EXPECT_EQ(store.approximateNumEntries(), 5);
}

TEST(InMemoryKeyValueStoreTest, RestoresPutsAndTombstonesFromTheChangelog) {
  TestStoreContext context;
  InMemoryKeyValueStore store("counts");
  store.init(context, store);
  ASSERT_EQ(context.restorers.size(), 1u);
  EXPECT_EQ(context.restorers.begin()->first, "counts");
  std::vector<streams::ChangelogRecord> batch = {{"k1", std::string_view("1"), 0, 0},
                                                 {"k2", std::string_view("2"), 0, 1},
                                                 {"k1", std::nullopt, 0, 2}};
  context.restorers.begin()->second(batch);
  EXPECT_EQ(store.get("k1"), std::nullopt);
  EXPECT_EQ(store.get("k2"), "2");
}

TEST(InMemoryKeyValueStoreTest, MatchesTheModelUnderRandomOperations) {
  for (uint64_t seed : {1, 2, 3}) {
    TestStoreContext context;
    InMemoryKeyValueStore store("counts");
    store.init(context, store);
    testing::RunKeyValueModel(&store, seed, 4000, /*exact_count=*/true,
                              [&](int) { return &store; });
  }
}

}  // namespace
}  // namespace brook::statestore
