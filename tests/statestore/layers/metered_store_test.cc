#include "statestore/layers/metered_key_value_store.h"

#include <gtest/gtest.h>

#include "framework/api/serdes.h"
#include "statestore/layers/caching_key_value_store.h"
#include "statestore/layers/caching_window_store.h"
#include "statestore/layers/metered_session_store.h"
#include "statestore/layers/metered_window_store.h"
#include "statestore/memory/in_memory_key_value_store.h"
#include "tests/statestore/layers/fake_stores.h"
#include "tests/statestore/layers/layer_test_util.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

using streams::Serdes;
using streams::Window;
using streams::Windowed;

class MeteredKeyValueStoreTest : public ::testing::Test {
 protected:
  void Open(bool caching) {
    auto backend = std::make_unique<InMemoryKeyValueStore>("counts");
    backend_ = backend.get();
    std::unique_ptr<streams::KeyValueBytesStore> inner = std::move(backend);
    if (caching) {
      context_.cache = &cache_;
      inner = std::make_unique<CachingKeyValueStore>(std::move(inner));
    }
    store_ = std::make_unique<MeteredKeyValueStore<std::string, int64_t>>(
        std::move(inner), Serdes::String(), Serdes::Int64(), "in-memory");
    store_->init(context_, *store_);
  }

  TestStoreContext context_;
  ThreadCache cache_{1 << 20};
  InMemoryKeyValueStore* backend_ = nullptr;
  std::unique_ptr<MeteredKeyValueStore<std::string, int64_t>> store_;
};

TEST_F(MeteredKeyValueStoreTest, ValuesRoundTripThroughTheSerdesAndCountersMove) {
  Open(false);
  store_->put("a", 1);
  store_->put("b", -2);
  store_->putAll({{"c", 3}, {"d", 4}});
  EXPECT_EQ(store_->putIfAbsent("a", 9), 1);
  EXPECT_EQ(store_->get("b"), -2);
  EXPECT_EQ(store_->get("z"), std::nullopt);
  EXPECT_EQ(store_->remove("d"), 4);
  EXPECT_EQ(backend_->get("b"), std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8));
  EXPECT_EQ(Drain(store_->range(std::string("b"), std::nullopt)),
            (std::vector<std::pair<std::string, int64_t>>{{"b", -2}, {"c", 3}}));
  EXPECT_EQ(Drain(store_->reverseAll()).front().first, "c");
  EXPECT_EQ(Drain(store_->prefixScan("a")).size(), 1u);
  store_->flush();
  const StoreMetrics& metrics = store_->metrics();
  EXPECT_EQ(metrics.puts, 5);
  EXPECT_EQ(metrics.gets, 2);
  EXPECT_EQ(metrics.deletes, 1);
  EXPECT_EQ(metrics.range_calls, 3);
  EXPECT_EQ(metrics.flushes, 1);
  // metrics.recording.level INFO (the default): no latencies, as Kafka's DEBUG-level sensors.
  EXPECT_EQ(metrics.put_latency_ns, 0);
  EXPECT_EQ(metrics.get_latency_ns, 0);
  EXPECT_EQ(store_->metricsScope(), "in-memory");
}

TEST_F(MeteredKeyValueStoreTest, LatenciesAreMeasuredAtRecordingLevelDebug) {
  context_.configs["metrics.recording.level"] = "DEBUG";
  Open(false);
  store_->put("a", 1);
  EXPECT_EQ(store_->get("a"), 1);
  store_->remove("a");
  store_->flush();
  const StoreMetrics& metrics = store_->metrics();
  EXPECT_GT(metrics.put_latency_ns, 0);
  EXPECT_GT(metrics.get_latency_ns, 0);
  EXPECT_GT(metrics.delete_latency_ns, 0);
  EXPECT_GT(metrics.flush_latency_ns, 0);
}

TEST_F(MeteredKeyValueStoreTest, AValueTheSerdeCannotReadGivesAnErrorNamingStoreAndKey) {
  Open(false);
  backend_->put("bad-key", "abc");  // 3 bytes: not an Int64
  try {
    store_->get("bad-key");
    FAIL() << "no exception";
  } catch (const streams::ProcessorStateException& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("store counts"), std::string::npos) << message;
    EXPECT_NE(message.find("\"bad-key\""), std::string::npos) << message;
    EXPECT_NE(message.find("app-counts-changelog"), std::string::npos) << message;
  }
  // Iterators read lazily: making one is fine, reading the bad entry throws.
  auto it = store_->all();
  ASSERT_TRUE(it->hasNext());
  EXPECT_EQ(it->peekNextKey(), "bad-key");
  EXPECT_THROW(it->next(), streams::ProcessorStateException);
}

TEST_F(MeteredKeyValueStoreTest, KeysThatAreNotTextAreShownInHex) {
  EXPECT_EQ(StoreSerdes::Describe(std::string("\x01\xff", 2)), "0x01ff");
  EXPECT_EQ(StoreSerdes::Describe("key"), "\"key\"");
}

TEST_F(MeteredKeyValueStoreTest, TheTypedFlushListenerNeedsACachingLayer) {
  Open(false);
  EXPECT_FALSE(store_->setFlushListener([](auto&&...) {}, false));
}

TEST_F(MeteredKeyValueStoreTest, TheTypedFlushListenerGetsTypedKeysAndValues) {
  Open(true);
  std::vector<std::tuple<std::string, std::optional<int64_t>, std::optional<int64_t>>> flushed;
  ASSERT_TRUE(
      store_->setFlushListener([&](const std::string& key, const std::optional<int64_t>& new_value,
                                   const std::optional<int64_t>& old_value,
                                   int64_t) { flushed.emplace_back(key, new_value, old_value); },
                               true));
  store_->put("k", 1);
  store_->flush();
  for (int64_t i = 2; i <= 11; ++i) store_->put("k", i);
  store_->flush();
  EXPECT_EQ(flushed,
            (std::vector<std::tuple<std::string, std::optional<int64_t>, std::optional<int64_t>>>{
                {"k", 1, std::nullopt}, {"k", 11, 1}}));
}

TEST(MeteredWindowStoreTest, KeysAndValuesRoundTripAndWindowsAreKept) {
  TestStoreContext context;
  ThreadCache cache(1 << 20);
  context.cache = &cache;
  MeteredWindowStore<int64_t, std::string> store(
      std::make_unique<CachingWindowStore>(std::make_unique<FakeWindowStore>("w", 10), 10),
      Serdes::Int64(), Serdes::String(), "in-memory-window");
  store.init(context, store);
  std::vector<Windowed<int64_t>> flushed;
  ASSERT_TRUE(store.setFlushListener(
      [&](const Windowed<int64_t>& key, const std::optional<std::string>&,
          const std::optional<std::string>&, int64_t) { flushed.push_back(key); },
      false));
  store.put(7, "a", 0);
  store.put(7, "b", 10);
  store.put(8, "c", 10);
  EXPECT_EQ(store.fetch(7, 10), "b");
  EXPECT_EQ(Drain(store.fetch(7, 0, 100)),
            (std::vector<std::pair<int64_t, std::string>>{{0, "a"}, {10, "b"}}));
  EXPECT_EQ(Drain(store.fetchAll(10, 10)), (std::vector<std::pair<Windowed<int64_t>, std::string>>{
                                               {Windowed<int64_t>(7, Window(10, 20)), "b"},
                                               {Windowed<int64_t>(8, Window(10, 20)), "c"}}));
  store.remove(7, 0);
  store.flush();
  EXPECT_EQ(flushed, (std::vector<Windowed<int64_t>>{Windowed<int64_t>(7, Window(10, 20)),
                                                     Windowed<int64_t>(8, Window(10, 20))}));
  EXPECT_EQ(store.metrics().puts, 3);
  EXPECT_EQ(store.metrics().deletes, 1);
  EXPECT_EQ(store.metrics().range_calls, 2);
}

TEST(MeteredSessionStoreTest, SessionsRoundTrip) {
  TestStoreContext context;
  MeteredSessionStore<std::string, int64_t> store(std::make_unique<FakeSessionStore>("s"),
                                                  Serdes::String(), Serdes::Int64(),
                                                  "in-memory-session");
  store.init(context, store);
  store.put(Windowed<std::string>("u", Window(0, 5)), 2);
  store.put(Windowed<std::string>("u", Window(10, 12)), 1);
  EXPECT_EQ(store.fetchSession("u", 0, 5), 2);
  auto found = Drain(store.findSessions("u", 6, 100));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].first, Windowed<std::string>("u", Window(10, 12)));
  store.remove(Windowed<std::string>("u", Window(0, 5)));
  EXPECT_EQ(Drain(store.fetch("u")).size(), 1u);
  EXPECT_FALSE(store.setFlushListener([](auto&&...) {}, false));
}

}  // namespace
}  // namespace brook::statestore
