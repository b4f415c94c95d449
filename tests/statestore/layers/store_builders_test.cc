#include <gtest/gtest.h>

#include "framework/api/serdes.h"
#include "statestore/api/cached_state_store.h"
#include "statestore/api/stores.h"
#include "statestore/layers/store_metrics.h"
#include "statestore/layers/thread_cache.h"
#include "tests/statestore/layers/layer_test_util.h"
#include "tests/statestore/test_store_context.h"

namespace brook::streams {
namespace {

using statestore::Drain;
using statestore::TestStoreContext;
using statestore::ThreadCache;
using CachedCounts = CachedStateStore<std::string, int64_t>;
using CachedStrings = CachedStateStore<Windowed<std::string>, std::string>;
using CachedSessions = CachedStateStore<Windowed<std::string>, int64_t>;
using CachedWindows = CachedStateStore<Windowed<std::string>, ValueAndTimestamp<int64_t>>;
using Counts = KeyValueStore<std::string, int64_t>;

class StoreBuildersTest : public ::testing::Test {
 protected:
  StoreBuildersTest() { context_.cache = &cache_; }

  TestStoreContext context_;
  ThreadCache cache_{1 << 20};
};

TEST_F(StoreBuildersTest, CachingOnDeduplicatesAndLogsOnlyWhatItFlushes) {
  auto builder = Stores::keyValueStoreBuilder(Stores::inMemoryKeyValueStore("counts"),
                                              Serdes::String(), Serdes::Int64());
  builder.withCachingEnabled();
  auto store = builder.build();
  store->init(context_, *store);
  std::vector<std::optional<int64_t>> flushed;
  auto* cached = dynamic_cast<CachedCounts*>(store.get());
  ASSERT_NE(cached, nullptr);
  ASSERT_TRUE(cached->setFlushListener(
      [&](const std::string&, const std::optional<int64_t>& value, const std::optional<int64_t>&,
          int64_t) { flushed.push_back(value); },
      false));
  for (int64_t i = 1; i <= 10; ++i) store->put("k", i);
  EXPECT_TRUE(context_.logged.empty());  // the cache sits above change-logging
  store->flush();
  EXPECT_EQ(flushed, (std::vector<std::optional<int64_t>>{10}));
  ASSERT_EQ(context_.logged.size(), 1u);
  EXPECT_EQ(context_.logged[0].store, "counts");
  EXPECT_EQ(context_.logged[0].key, "k");
  EXPECT_EQ(context_.logged[0].value, std::string("\0\0\0\0\0\0\0\x0a", 8));
}

TEST_F(StoreBuildersTest, CachingOffLogsEveryWriteAndHasNoFlushListener) {
  auto builder = Stores::keyValueStoreBuilder(Stores::inMemoryKeyValueStore("counts"),
                                              Serdes::String(), Serdes::Int64());
  EXPECT_TRUE(builder.loggingEnabled());
  EXPECT_FALSE(builder.cachingEnabled());
  auto store = builder.build();
  store->init(context_, *store);
  EXPECT_FALSE(dynamic_cast<CachedCounts*>(store.get())->setFlushListener([](auto&&...) {}, false));
  store->put("k", 1);
  store->put("k", 2);
  EXPECT_EQ(context_.logged.size(), 2u);
}

TEST_F(StoreBuildersTest, LoggingOffLogsNothing) {
  auto builder = Stores::keyValueStoreBuilder(Stores::inMemoryKeyValueStore("counts"),
                                              Serdes::String(), Serdes::Int64());
  builder.withLoggingDisabled().withCachingEnabled();
  auto store = builder.build();
  store->init(context_, *store);
  store->put("k", 1);
  store->flush();
  store->remove("k");
  store->close();
  EXPECT_TRUE(context_.logged.empty());
}

TEST_F(StoreBuildersTest, TheOutermostLayerIsMeteredWithTheSupplierScope) {
  auto store = Stores::keyValueStoreBuilder(Stores::inMemoryKeyValueStore("counts"),
                                            Serdes::String(), Serdes::Int64())
                   .build();
  store->init(context_, *store);
  store->put("k", 1);
  auto* metered = dynamic_cast<statestore::MeteredStore*>(store.get());
  ASSERT_NE(metered, nullptr);
  EXPECT_EQ(metered->metrics().puts, 1);
  EXPECT_EQ(metered->metricsScope(), "in-memory");
  EXPECT_EQ(context_.restorers.count("counts"), 1u);
}

TEST_F(StoreBuildersTest, TimestampedStoresKeepTheTimestampInTheValueBytes) {
  auto builder = Stores::timestampedKeyValueStoreBuilder(Stores::inMemoryKeyValueStore("table"),
                                                         Serdes::String(), Serdes::String());
  auto store = builder.build();
  store->init(context_, *store);
  store->put("k", ValueAndTimestamp<std::string>{"v", 7});
  EXPECT_EQ(store->get("k"), (ValueAndTimestamp<std::string>{"v", 7}));
  ASSERT_EQ(context_.logged.size(), 1u);
  EXPECT_EQ(context_.logged[0].value, std::string("\0\0\0\0\0\0\0\x07v", 9));
}

TEST_F(StoreBuildersTest, MissingSerdesComeFromTheDefaultsOfTheRightType) {
  auto builder = Stores::keyValueStoreBuilder<std::string, int64_t>(
      Stores::inMemoryKeyValueStore("counts"), nullptr, nullptr);
  EXPECT_THROW(builder.build(), TopologyException);
  detail::SerdeDefaults defaults{detail::ErasedSerde::Of(Serdes::String()),
                                 detail::ErasedSerde::Of(Serdes::Int64())};
  auto resolved = builder.withSerdes(defaults);
  auto store = resolved->buildStateStore();
  EXPECT_NE(dynamic_cast<Counts*>(store.get()), nullptr);
  detail::SerdeDefaults wrong{detail::ErasedSerde::Of(Serdes::String()),
                              detail::ErasedSerde::Of(Serdes::String())};
  EXPECT_THROW(builder.withSerdes(wrong), TopologyException);
  EXPECT_EQ(builder.clone()->name(), "counts");
}

TEST_F(StoreBuildersTest, WindowStoresDedupWithCachingAndKeepTheRetentionForTheChangelog) {
  auto builder = Stores::timestampedWindowStoreBuilder(
      Stores::inMemoryWindowStore("windows", 600000, 60000, false), Serdes::String(),
      Serdes::Int64());
  EXPECT_EQ(builder.changelogRetentionMs(), 600000);
  builder.withCachingEnabled();
  auto store = builder.build();
  store->init(context_, *store);
  std::vector<Windowed<std::string>> flushed;
  ASSERT_TRUE(dynamic_cast<CachedWindows*>(store.get())
                  ->setFlushListener([&](const Windowed<std::string>& key, const auto&, const auto&,
                                         int64_t) { flushed.push_back(key); },
                                     false));
  for (int64_t i = 0; i < 5; ++i) store->put("s7", {i, 1000 + i}, 60000);
  store->flush();
  EXPECT_EQ(
      flushed,
      (std::vector<Windowed<std::string>>{Windowed<std::string>("s7", Window(60000, 120000))}));
  EXPECT_EQ(store->fetch("s7", 60000), (ValueAndTimestamp<int64_t>{4, 1004}));
  ASSERT_EQ(context_.logged.size(), 1u);
  EXPECT_EQ(context_.logged[0].key.size(), 2u + 12u);
}

TEST_F(StoreBuildersTest, WindowStoresThatRetainDuplicatesAreNotCached) {
  auto builder = Stores::windowStoreBuilder(Stores::inMemoryWindowStore("join", 1000, 100, true),
                                            Serdes::String(), Serdes::String());
  builder.withCachingEnabled();
  auto store = builder.build();
  store->init(context_, *store);
  EXPECT_FALSE(
      dynamic_cast<CachedStrings*>(store.get())->setFlushListener([](auto&&...) {}, false));
  store->put("k", "a", 0);
  store->put("k", "b", 0);
  EXPECT_EQ(context_.logged.size(), 2u);
  EXPECT_EQ(Drain(store->fetch("k", 0, 0)).size(), 2u);
}

TEST_F(StoreBuildersTest, SessionStoresDedupWithCaching) {
  auto builder = Stores::sessionStoreBuilder(Stores::inMemorySessionStore("sessions", 10000),
                                             Serdes::String(), Serdes::Int64());
  EXPECT_EQ(builder.changelogRetentionMs(), 10000);
  builder.withCachingEnabled();
  auto store = builder.build();
  store->init(context_, *store);
  int flushes = 0;
  ASSERT_TRUE(dynamic_cast<CachedSessions*>(store.get())
                  ->setFlushListener([&](auto&&...) { ++flushes; }, false));
  for (int64_t i = 0; i < 5; ++i) store->put(Windowed<std::string>("u", Window(0, 10)), i);
  store->flush();
  EXPECT_EQ(flushes, 1);
  EXPECT_EQ(store->fetchSession("u", 0, 10), 4);
}

TEST_F(StoreBuildersTest, PersistentSuppliersAreRocksDB) {
  EXPECT_EQ(Stores::persistentKeyValueStore("a")->metricsScope(), "rocksdb");
  EXPECT_EQ(
      Stores::persistentWindowStore("w", std::chrono::minutes(10), std::chrono::minutes(1), false)
          ->windowSize(),
      60000);
  EXPECT_EQ(Stores::persistentSessionStore("s", 1000)->retentionPeriod(), 1000);
  EXPECT_THROW(Stores::persistentWindowStore("w", 10, 100, false), std::invalid_argument);
  EXPECT_THROW((Stores::keyValueStoreBuilder<std::string, std::string>(nullptr, nullptr, nullptr)),
               StreamsException);
}

}  // namespace
}  // namespace brook::streams
