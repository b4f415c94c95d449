#include "statestore/layers/caching_session_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "tests/statestore/layers/fake_stores.h"
#include "tests/statestore/layers/layer_test_util.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

using streams::Window;
using Sessions = std::vector<std::pair<WindowedBytes, std::string>>;

class CachingSessionStoreTest : public ::testing::Test {
 protected:
  void Open(int64_t cache_bytes) {
    if (cache_bytes >= 0) {
      cache_ = std::make_unique<ThreadCache>(cache_bytes);
      context_.cache = cache_.get();
    }
    auto inner = std::make_unique<FakeSessionStore>("sessions");
    inner_ = inner.get();
    store_ = std::make_unique<CachingSessionStore>(std::move(inner));
    store_->init(context_, *store_);
    store_->setFlushListener(
        [this](const WindowedBytes& key, const std::optional<std::string>& new_value,
               const std::optional<std::string>& old_value, int64_t) {
          flushed_.push_back({key.key() + "@" + std::to_string(key.window().start()) + "-" +
                                  std::to_string(key.window().end()),
                              new_value, old_value, 0});
        },
        true);
  }

  TestStoreContext context_;
  std::unique_ptr<ThreadCache> cache_;
  FakeSessionStore* inner_ = nullptr;
  std::unique_ptr<CachingSessionStore> store_;
  std::vector<FlushedRecord> flushed_;
};

TEST_F(CachingSessionStoreTest, AMergedSessionFlushesItsLatestAggregateAndTheRemovedOne) {
  Open(1 << 20);
  store_->put(WindowedBytes("k", Window(0, 0)), "1");
  store_->flush();
  // A record at 5 merges with [0, 0]: the old session goes, [0, 5] comes.
  store_->remove(WindowedBytes("k", Window(0, 0)));
  store_->put(WindowedBytes("k", Window(0, 5)), "2");
  store_->put(WindowedBytes("k", Window(0, 5)), "3");
  store_->flush();
  EXPECT_EQ(flushed_, (std::vector<FlushedRecord>{{"k@0-0", "1", std::nullopt, 0},
                                                  {"k@0-0", std::nullopt, "1", 0},
                                                  {"k@0-5", "3", std::nullopt, 0}}));
}

TEST_F(CachingSessionStoreTest, ResultsAreByKeyThenStartWhateverTheStoreBelowOrders) {
  Open(1 << 20);
  // The fake orders by end; [0, 50] ends after [10, 20] but starts first.
  store_->put(WindowedBytes("k", Window(0, 50)), "a");
  store_->put(WindowedBytes("k", Window(10, 20)), "b");
  store_->flush();
  store_->put(WindowedBytes("k", Window(5, 6)), "c");
  EXPECT_EQ(Drain(store_->fetch("k")), (Sessions{{WindowedBytes("k", Window(0, 50)), "a"},
                                                 {WindowedBytes("k", Window(5, 6)), "c"},
                                                 {WindowedBytes("k", Window(10, 20)), "b"}}));
  EXPECT_EQ(Drain(store_->backwardFindSessions("k", 21, 100)),
            (Sessions{{WindowedBytes("k", Window(0, 50)), "a"}}));
}

// Without a cache the results come in the order of the store below (the fake's: by end), so
// `ordered` = false compares them as sets.
void RunModel(CachingSessionStore& store, FakeSessionStore& inner, uint32_t seed, bool ordered) {
  std::mt19937 random(seed);
  auto drain = [&](auto it, bool backward) {
    Sessions out = Drain(std::move(it));
    if (!ordered) {
      std::sort(out.begin(), out.end());
      if (backward) std::reverse(out.begin(), out.end());
    }
    return out;
  };
  std::map<WindowedBytes, std::string> model;
  auto key = [&] { return "k" + std::to_string(random() % 5); };
  auto session = [&] {
    int64_t start = static_cast<int64_t>(random() % 30) - 10;
    return WindowedBytes(key(), Window(start, start + static_cast<int64_t>(random() % 10)));
  };
  auto expect = [&](std::optional<std::string> kf, std::optional<std::string> kt, int64_t end,
                    int64_t start) {
    Sessions out;
    if (kf && kt && *kf > *kt) return out;
    for (const auto& [s, v] : model) {
      if ((kf && s.key() < *kf) || (kt && s.key() > *kt)) continue;
      if (s.window().end() < end || s.window().start() > start) continue;
      out.push_back({s, v});
    }
    return out;
  };
  for (int step = 0; step < 3000; ++step) {
    switch (random() % 6) {
      case 0:
      case 1: {
        auto s = session();
        store.put(s, std::to_string(step));
        model.insert_or_assign(s, std::to_string(step));
        break;
      }
      case 2: {
        auto s = session();
        store.remove(s);
        model.erase(s);
        break;
      }
      case 3: {
        auto s = session();
        auto it = model.find(s);
        ASSERT_EQ(store.fetchSession(s.key(), s.window().start(), s.window().end()),
                  it == model.end() ? std::nullopt : std::optional<std::string>(it->second));
        break;
      }
      case 4: {
        auto k = key();
        int64_t end = static_cast<int64_t>(random() % 40) - 10;
        int64_t start = static_cast<int64_t>(random() % 40) - 10;
        auto expected = expect(k, k, end, start);
        ASSERT_EQ(drain(store.findSessions(k, end, start), false), expected) << "step " << step;
        std::reverse(expected.begin(), expected.end());
        ASSERT_EQ(drain(store.backwardFindSessions(k, end, start), true), expected)
            << "step " << step;
        std::optional<std::string> kf;
        std::optional<std::string> kt;
        if (random() % 3) kf = key();
        if (random() % 3) kt = key();
        ASSERT_EQ(drain(store.findSessions(kf, kt, end, start), false), expect(kf, kt, end, start))
            << "step " << step;
        break;
      }
      case 5:
        ASSERT_EQ(drain(store.fetch(std::nullopt, std::nullopt), false),
                  expect(std::nullopt, std::nullopt, INT64_MIN, INT64_MAX));
        if (random() % 5 == 0) {
          store.flush();
          ASSERT_EQ(inner.contents().size(), model.size()) << "step " << step;
        }
        break;
    }
  }
  store.flush();
  std::map<WindowedBytes, std::string> below;
  for (const auto& [k, v] : inner.contents()) {
    below.insert_or_assign(WindowedBytes(std::get<0>(k), Window(std::get<2>(k), std::get<1>(k))),
                           v);
  }
  ASSERT_EQ(below, model);
}

TEST_F(CachingSessionStoreTest, RandomOperationsMatchAMapModel) {
  Open(1 << 20);
  RunModel(*store_, *inner_, 21, true);
}

TEST_F(CachingSessionStoreTest, RandomOperationsMatchAMapModelWithATinyCache) {
  Open(5 * ThreadCache::kEntryOverheadBytes);
  RunModel(*store_, *inner_, 22, true);
  EXPECT_GT(cache_->evictions(), 0);
}

TEST_F(CachingSessionStoreTest, RandomOperationsMatchAMapModelWithoutACache) {
  Open(-1);
  RunModel(*store_, *inner_, 23, false);
}

}  // namespace
}  // namespace brook::statestore
