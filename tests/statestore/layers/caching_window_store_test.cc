#include "statestore/layers/caching_window_store.h"

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
using WindowKey = std::pair<std::string, int64_t>;
using Model = std::map<WindowKey, std::string>;
constexpr int64_t kSize = 10;

class CachingWindowStoreTest : public ::testing::Test {
 protected:
  void Open(int64_t cache_bytes) {
    if (cache_bytes >= 0) {
      cache_ = std::make_unique<ThreadCache>(cache_bytes);
      context_.cache = cache_.get();
    }
    auto inner = std::make_unique<FakeWindowStore>("windows", kSize);
    inner_ = inner.get();
    store_ = std::make_unique<CachingWindowStore>(std::move(inner), kSize);
    store_->init(context_, *store_);
    store_->setFlushListener(
        [this](const WindowedBytes& key, const std::optional<std::string>& new_value,
               const std::optional<std::string>& old_value, int64_t timestamp) {
          flushed_.push_back({key, new_value, old_value, timestamp});
        },
        true);
  }

  struct Flushed {
    WindowedBytes key;
    std::optional<std::string> new_value;
    std::optional<std::string> old_value;
    int64_t timestamp;
    bool operator==(const Flushed&) const = default;
  };

  TestStoreContext context_;
  std::unique_ptr<ThreadCache> cache_;
  FakeWindowStore* inner_ = nullptr;
  std::unique_ptr<CachingWindowStore> store_;
  std::vector<Flushed> flushed_;
};

TEST_F(CachingWindowStoreTest, UpdatesOfOneWindowFlushOnceAsAWindowedKey) {
  Open(1 << 20);
  for (int i = 1; i <= 10; ++i) store_->put("k", std::to_string(i), 20);
  store_->put("k", "x", 30);
  EXPECT_EQ(store_->fetch("k", 20), "10");
  store_->flush();
  EXPECT_EQ(flushed_,
            (std::vector<Flushed>{{WindowedBytes("k", Window(20, 30)), "10", std::nullopt, 0},
                                  {WindowedBytes("k", Window(30, 40)), "x", std::nullopt, 0}}));
  EXPECT_EQ(inner_->fetch("k", 20), "10");
}

TEST_F(CachingWindowStoreTest, NegativeTimesAndKeysWithZeroBytesKeepTheirOrder) {
  Open(1 << 20);
  std::string zero("a\0b", 3);
  store_->put("a", "1", -5);
  store_->put(zero, "2", -100);
  store_->put("a", "3", 7);
  store_->put("ab", "4", 0);
  std::vector<std::pair<WindowedBytes, std::string>> expected = {
      {WindowedBytes("a", Window(-5, 5)), "1"},
      {WindowedBytes("a", Window(7, 17)), "3"},
      {WindowedBytes(zero, Window(-100, -90)), "2"},
      {WindowedBytes("ab", Window(0, 10)), "4"}};
  EXPECT_EQ(Drain(store_->all()), expected);
  EXPECT_EQ(
      Drain(store_->fetch(std::string("a"), std::string("a"), -10, 10)),
      (std::vector<std::pair<WindowedBytes, std::string>>(expected.begin(), expected.begin() + 2)));
}

void RunModel(CachingWindowStore& store, FakeWindowStore& inner, uint32_t seed) {
  std::mt19937 random(seed);
  Model model;
  auto key = [&] { return "k" + std::to_string(random() % 6); };
  auto time = [&] { return static_cast<int64_t>(random() % 20) * 5 - 30; };
  auto windowed = [&](const Model& m, std::optional<std::string> kf, std::optional<std::string> kt,
                      int64_t tf, int64_t tt) {
    std::vector<std::pair<WindowedBytes, std::string>> out;
    for (const auto& [k, v] : m) {
      if ((kf && k.first < *kf) || (kt && k.first > *kt) || k.second < tf || k.second > tt) {
        continue;
      }
      out.push_back({WindowedBytes(k.first, Window(k.second, k.second + kSize)), v});
    }
    return out;
  };
  for (int step = 0; step < 3000; ++step) {
    switch (random() % 8) {
      case 0:
      case 1:
      case 2: {
        auto k = key();
        auto t = time();
        auto v = std::to_string(step);
        store.put(k, v, t);
        model[{k, t}] = v;
        break;
      }
      case 3: {
        auto k = key();
        auto t = time();
        store.remove(k, t);
        model.erase({k, t});
        break;
      }
      case 4: {
        auto k = key();
        auto t = time();
        auto it = model.find({k, t});
        ASSERT_EQ(store.fetch(k, t),
                  it == model.end() ? std::nullopt : std::optional<std::string>(it->second));
        break;
      }
      case 5: {
        auto k = key();
        auto tf = time();
        auto tt = time();
        std::vector<std::pair<int64_t, std::string>> expected;
        for (const auto& [wk, v] : model) {
          if (wk.first == k && wk.second >= tf && wk.second <= tt)
            expected.push_back({wk.second, v});
        }
        ASSERT_EQ(Drain(store.fetch(k, tf, tt)), expected) << "step " << step;
        std::reverse(expected.begin(), expected.end());
        ASSERT_EQ(Drain(store.backwardFetch(k, tf, tt)), expected) << "step " << step;
        break;
      }
      case 6: {
        std::optional<std::string> kf;
        std::optional<std::string> kt;
        if (random() % 3) kf = key();
        if (random() % 3) kt = key();
        auto tf = time();
        auto tt = time();
        auto expected = windowed(model, kf, kt, tf, tt);
        if (kf && kt && *kf > *kt) expected.clear();
        ASSERT_EQ(Drain(store.fetch(kf, kt, tf, tt)), expected) << "step " << step;
        std::reverse(expected.begin(), expected.end());
        ASSERT_EQ(Drain(store.backwardFetch(kf, kt, tf, tt)), expected) << "step " << step;
        ASSERT_EQ(Drain(store.fetchAll(tf, tt)).size(),
                  windowed(model, std::nullopt, std::nullopt, tf, tt).size());
        break;
      }
      case 7:
        ASSERT_EQ(Drain(store.all()),
                  windowed(model, std::nullopt, std::nullopt, INT64_MIN, INT64_MAX))
            << "step " << step;
        if (random() % 5 == 0) {
          store.flush();
          ASSERT_EQ(inner.contents(), model) << "step " << step;
        }
        break;
    }
  }
  store.flush();
  ASSERT_EQ(inner.contents(), model);
}

TEST_F(CachingWindowStoreTest, RandomOperationsMatchAMapModel) {
  Open(1 << 20);
  RunModel(*store_, *inner_, 11);
}

TEST_F(CachingWindowStoreTest, RandomOperationsMatchAMapModelWithATinyCache) {
  Open(5 * ThreadCache::kEntryOverheadBytes);
  RunModel(*store_, *inner_, 12);
  EXPECT_GT(cache_->evictions(), 0);
}

TEST_F(CachingWindowStoreTest, RandomOperationsMatchAMapModelWithoutACache) {
  Open(-1);
  RunModel(*store_, *inner_, 13);
}

}  // namespace
}  // namespace brook::statestore
