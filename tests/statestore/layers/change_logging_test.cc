#include <gtest/gtest.h>

#include <random>

#include "statestore/layers/caching_key_value_store.h"
#include "statestore/layers/change_logging_key_value_store.h"
#include "statestore/layers/change_logging_session_store.h"
#include "statestore/layers/change_logging_window_store.h"
#include "statestore/memory/in_memory_key_value_store.h"
#include "statestore/rocksdb/window_key_format.h"
#include "tests/statestore/layers/fake_stores.h"
#include "tests/statestore/layers/layer_test_util.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

using streams::Window;

// Replays what `from` logged for `store` into the restore callback a fresh store registered
// with `to`, in batches of up to 7 records.
void Replay(const TestStoreContext& from, TestStoreContext& to, const std::string& store) {
  std::vector<streams::ChangelogRecord> batch;
  int64_t offset = 0;
  for (const auto& logged : from.logged) {
    EXPECT_EQ(logged.store, store);
    std::optional<std::string_view> value;
    if (logged.value) value = *logged.value;
    batch.push_back({logged.key, value, logged.timestamp, offset++});
    if (batch.size() == 7) {
      to.restorers.at(store)(batch);
      batch.clear();
    }
  }
  if (!batch.empty()) to.restorers.at(store)(batch);
}

TEST(ChangeLoggingKeyValueStoreTest, TheLoggedSequenceReplayedGivesTheSameContents) {
  TestStoreContext context;
  ChangeLoggingKeyValueStore store(std::make_unique<InMemoryKeyValueStore>("kv"));
  store.init(context, store);
  std::mt19937 random(31);
  for (int i = 0; i < 2000; ++i) {
    std::string key = "k" + std::to_string(random() % 50);
    context.record_timestamp = i;
    switch (random() % 4) {
      case 0:
        store.remove(key);
        break;
      case 1:
        store.putIfAbsent(key, std::to_string(i));
        break;
      case 2:
        store.putAll({{key, "a"}, {key + "x", "b"}});
        break;
      default:
        store.put(key, std::to_string(i));
    }
  }
  ASSERT_FALSE(context.logged.empty());
  TestStoreContext fresh_context;
  InMemoryKeyValueStore fresh("kv");
  fresh.init(fresh_context, fresh);
  Replay(context, fresh_context, "kv");
  EXPECT_EQ(Drain(fresh.all()), Drain(store.all()));
}

TEST(ChangeLoggingKeyValueStoreTest, PutIfAbsentLogsOnlyWhenItPuts) {
  TestStoreContext context;
  ChangeLoggingKeyValueStore store(std::make_unique<InMemoryKeyValueStore>("kv"));
  store.init(context, store);
  store.putIfAbsent("k", "1");
  store.putIfAbsent("k", "2");
  ASSERT_EQ(context.logged.size(), 1u);
  EXPECT_EQ(context.logged[0].value, "1");
}

TEST(ChangeLoggingWindowStoreTest, TheLoggedSequenceReplayedGivesTheSameContents) {
  TestStoreContext context;
  auto inner = std::make_unique<FakeWindowStore>("w", 10);
  FakeWindowStore* below = inner.get();
  ChangeLoggingWindowStore store(std::move(inner), false);
  store.init(context, store);
  std::mt19937 random(32);
  for (int i = 0; i < 2000; ++i) {
    std::string key = "k" + std::to_string(random() % 20);
    int64_t start = static_cast<int64_t>(random() % 30) * 10 - 100;
    if (random() % 4 == 0) {
      store.remove(key, start);
    } else {
      store.put(key, std::to_string(i), start);
    }
  }
  auto parts = window_key::Parse(context.logged.back().key);
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->seqnum, 0);
  TestStoreContext fresh_context;
  FakeWindowStore fresh("w", 10);
  fresh.init(fresh_context, fresh);
  Replay(context, fresh_context, "w");
  EXPECT_EQ(fresh.contents(), below->contents());
}

TEST(ChangeLoggingWindowStoreTest, RetainingDuplicatesGivesEachPutItsOwnKey) {
  TestStoreContext context;
  ChangeLoggingWindowStore store(std::make_unique<FakeWindowStore>("w", 10), true);
  store.init(context, store);
  store.put("k", "a", 0);
  store.put("k", "b", 0);
  ASSERT_EQ(context.logged.size(), 2u);
  EXPECT_EQ(window_key::Parse(context.logged[0].key)->seqnum, 1);
  EXPECT_EQ(window_key::Parse(context.logged[1].key)->seqnum, 2);
  EXPECT_EQ(context.logged[0].key, window_key::ToStoreKey("k", 0, 1));
}

TEST(ChangeLoggingSessionStoreTest, TheLoggedSequenceReplayedGivesTheSameContents) {
  TestStoreContext context;
  auto inner = std::make_unique<FakeSessionStore>("s");
  FakeSessionStore* below = inner.get();
  ChangeLoggingSessionStore store(std::move(inner));
  store.init(context, store);
  std::mt19937 random(33);
  for (int i = 0; i < 2000; ++i) {
    int64_t start = static_cast<int64_t>(random() % 30);
    WindowedBytes session("k" + std::to_string(random() % 20),
                          Window(start, start + static_cast<int64_t>(random() % 5)));
    if (random() % 4 == 0) {
      store.remove(session);
    } else {
      store.put(session, std::to_string(i));
    }
  }
  TestStoreContext fresh_context;
  FakeSessionStore fresh("s");
  fresh.init(fresh_context, fresh);
  Replay(context, fresh_context, "s");
  EXPECT_EQ(fresh.contents(), below->contents());
}

TEST(ChangeLoggingUnderCachingTest, AFlushedWriteIsLoggedWithTheTimestampOfItsRecord) {
  TestStoreContext context;
  ThreadCache cache(1 << 20);
  context.cache = &cache;
  CachingKeyValueStore store(
      std::make_unique<ChangeLoggingKeyValueStore>(std::make_unique<InMemoryKeyValueStore>("kv")));
  store.init(context, store);
  context.record_timestamp = 42;
  store.put("k", "v");
  context.record_timestamp = 99;
  EXPECT_TRUE(context.logged.empty());
  store.flush();
  ASSERT_EQ(context.logged.size(), 1u);
  EXPECT_EQ(context.logged[0].timestamp, 42);
  EXPECT_EQ(context.timestamp(), 99);
}

}  // namespace
}  // namespace brook::statestore
