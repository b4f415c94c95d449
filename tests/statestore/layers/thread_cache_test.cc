#include "statestore/layers/thread_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace brook::statestore {
namespace {

using Flushed = std::vector<std::pair<std::string, std::optional<std::string>>>;

ThreadCache::Entry Dirty(std::string value, int64_t timestamp = 0) {
  return ThreadCache::Entry{std::move(value), timestamp, true};
}

class ThreadCacheTest : public ::testing::Test {
 protected:
  void Listen(ThreadCache& cache, const std::string& ns) {
    cache.AddFlushListener(ns, [this, ns](const std::vector<ThreadCache::DirtyEntry>& entries) {
      for (const auto& entry : entries) flushed[ns].push_back({entry.key, entry.value});
    });
  }
  std::map<std::string, Flushed> flushed;
};

TEST_F(ThreadCacheTest, NamespaceIsTaskThenStore) {
  EXPECT_EQ(ThreadCache::NamespaceOf(streams::TaskId{1, 3}, "counts"), "1_3-counts");
}

TEST_F(ThreadCacheTest, FlushPassesDirtyEntriesInLastWriteOrderOnce) {
  ThreadCache cache(1 << 20);
  Listen(cache, "a");
  cache.Put("a", "k1", Dirty("1"));
  cache.Put("a", "k2", Dirty("2"));
  cache.Put("a", "k1", Dirty("3"));
  cache.Put("a", "k3", ThreadCache::Entry{std::nullopt, 0, true});
  cache.Flush("a");
  EXPECT_EQ(flushed["a"], (Flushed{{"k2", "2"}, {"k1", "3"}, {"k3", std::nullopt}}));
  cache.Flush("a");
  EXPECT_EQ(flushed["a"].size(), 3u);
  // Flushed entries stay readable, clean; flushed deletes are dropped.
  ASSERT_NE(cache.Get("a", "k1"), nullptr);
  EXPECT_FALSE(cache.Get("a", "k1")->dirty);
  EXPECT_EQ(cache.Get("a", "k3"), nullptr);
}

TEST_F(ThreadCacheTest, SizeCountsKeyValueAndOverhead) {
  ThreadCache cache(1 << 20);
  cache.Put("a", "key", Dirty("value"));
  EXPECT_EQ(cache.sizeBytes(), 8 + ThreadCache::kEntryOverheadBytes);
  cache.Put("a", "key", Dirty("v"));
  EXPECT_EQ(cache.sizeBytes(), 4 + ThreadCache::kEntryOverheadBytes);
  cache.Close("a");
  EXPECT_EQ(cache.sizeBytes(), 0);
  EXPECT_EQ(cache.size(), 0);
}

TEST_F(ThreadCacheTest, EvictingADirtyEntryFlushesItsNamespaceInOrder) {
  const int64_t entry = 3 + ThreadCache::kEntryOverheadBytes;  // "kN" and a 1-byte value
  ThreadCache cache(3 * entry);
  Listen(cache, "a");
  Listen(cache, "b");
  cache.Put("a", "k1", Dirty("1"));
  cache.Put("b", "k2", Dirty("2"));
  cache.Put("a", "k3", Dirty("3"));
  EXPECT_TRUE(flushed.empty());
  cache.Put("b", "k4", Dirty("4"));  // over: the least recently used, a's k1, goes
  EXPECT_EQ(flushed["a"], (Flushed{{"k1", "1"}, {"k3", "3"}}));
  EXPECT_TRUE(flushed["b"].empty());
  EXPECT_EQ(cache.Get("a", "k1"), nullptr);
  EXPECT_NE(cache.Get("a", "k3"), nullptr);  // flushed, clean, kept
  EXPECT_EQ(cache.evictions(), 1);
  EXPECT_LE(cache.sizeBytes(), cache.maxBytes());
}

TEST_F(ThreadCacheTest, GetMakesAnEntryMostRecentlyUsed) {
  const int64_t entry = 3 + ThreadCache::kEntryOverheadBytes;
  ThreadCache cache(2 * entry);
  Listen(cache, "a");
  cache.Put("a", "k1", Dirty("1"));
  cache.Put("a", "k2", Dirty("2"));
  ASSERT_NE(cache.Get("a", "k1"), nullptr);
  cache.Put("a", "k3", Dirty("3"));
  EXPECT_EQ(cache.Get("a", "k2"), nullptr);
  EXPECT_NE(cache.Get("a", "k1"), nullptr);
  EXPECT_EQ(cache.hits(), 2);
  EXPECT_EQ(cache.misses(), 1);
}

TEST_F(ThreadCacheTest, AListenerMayWriteToTheCacheWhileItFlushes) {
  ThreadCache cache(1 << 20);
  int calls = 0;
  cache.AddFlushListener("a", [&](const std::vector<ThreadCache::DirtyEntry>& entries) {
    ++calls;
    for (const auto& entry : entries) {
      if (entry.key == "k1") cache.Put("a", "k1", Dirty("again"));
    }
  });
  cache.Put("a", "k1", Dirty("1"));
  cache.Flush("a");
  EXPECT_EQ(calls, 1);
  ASSERT_NE(cache.Get("a", "k1"), nullptr);
  EXPECT_TRUE(cache.Get("a", "k1")->dirty);
  cache.Flush("a");
  EXPECT_EQ(calls, 2);
}

TEST_F(ThreadCacheTest, AnEntryLargerThanTheCacheIsFlushedAtOnce) {
  ThreadCache cache(10);
  Listen(cache, "a");
  cache.Put("a", "k", Dirty("a value"));
  EXPECT_EQ(flushed["a"], (Flushed{{"k", "a value"}}));
  EXPECT_EQ(cache.size(), 0);
}

TEST_F(ThreadCacheTest, RangeIsInKeyOrderWithBounds) {
  ThreadCache cache(1 << 20);
  for (const char* key : {"c", "a", "b", "d"}) cache.Put("a", key, Dirty(key));
  std::vector<std::string> keys;
  for (const auto& [key, entry] : cache.Range("a", std::string("b"), std::string("d"), false)) {
    keys.push_back(key);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"b", "c"}));
  EXPECT_TRUE(cache.Range("a", std::string("d"), std::string("b")).empty());
  EXPECT_EQ(cache.Range("a", std::nullopt, std::nullopt).size(), 4u);
  EXPECT_TRUE(cache.Range("other", std::nullopt, std::nullopt).empty());
}

}  // namespace
}  // namespace brook::statestore
