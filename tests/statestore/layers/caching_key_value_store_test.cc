#include "statestore/layers/caching_key_value_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "statestore/memory/in_memory_key_value_store.h"
#include "tests/statestore/layers/layer_test_util.h"
#include "tests/statestore/test_store_context.h"

namespace brook::statestore {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

class CachingKeyValueStoreTest : public ::testing::Test {
 protected:
  // A caching store over an in-memory one; `cache_bytes` < 0: no thread cache.
  void Open(int64_t cache_bytes, bool send_old_values = true) {
    if (cache_bytes >= 0) {
      cache_ = std::make_unique<ThreadCache>(cache_bytes);
      context_.cache = cache_.get();
    }
    auto inner = std::make_unique<InMemoryKeyValueStore>("store");
    inner_ = inner.get();
    store_ = std::make_unique<CachingKeyValueStore>(std::move(inner));
    store_->init(context_, *store_);
    EXPECT_TRUE(store_->setFlushListener(
        [this](const std::string& key, const std::optional<std::string>& new_value,
               const std::optional<std::string>& old_value, int64_t timestamp) {
          flushed_.push_back({key, new_value, old_value, timestamp});
        },
        send_old_values));
  }

  Entries InnerContents() { return Drain(inner_->all()); }

  TestStoreContext context_;
  std::unique_ptr<ThreadCache> cache_;
  InMemoryKeyValueStore* inner_ = nullptr;
  std::unique_ptr<CachingKeyValueStore> store_;
  std::vector<FlushedRecord> flushed_;
};

TEST_F(CachingKeyValueStoreTest, TenUpdatesOfOneKeyFlushAsOneRecordWithTheLastValue) {
  Open(1 << 20);
  store_->put("k", "old");
  store_->flush();
  flushed_.clear();
  for (int i = 1; i <= 10; ++i) {
    context_.record_timestamp = 100 + i;
    store_->put("k", "v" + std::to_string(i));
  }
  EXPECT_TRUE(flushed_.empty());
  EXPECT_EQ(inner_->get("k"), "old");
  EXPECT_EQ(store_->get("k"), "v10");
  store_->flush();
  EXPECT_EQ(flushed_, (std::vector<FlushedRecord>{{"k", "v10", "old", 110}}));
  EXPECT_EQ(inner_->get("k"), "v10");
}

TEST_F(CachingKeyValueStoreTest, OldValuesAreLeftOutWithoutSendOldValues) {
  Open(1 << 20, /*send_old_values=*/false);
  store_->put("k", "1");
  store_->flush();
  store_->put("k", "2");
  store_->remove("k");
  store_->flush();
  EXPECT_EQ(flushed_, (std::vector<FlushedRecord>{{"k", "1", std::nullopt, 0},
                                                  {"k", std::nullopt, std::nullopt, 0}}));
  EXPECT_EQ(inner_->get("k"), std::nullopt);
}

TEST_F(CachingKeyValueStoreTest, DeletingAKeyTheStoreNeverHadWritesAndForwardsNothing) {
  Open(1 << 20);
  store_->put("k", "1");
  EXPECT_EQ(store_->remove("k"), "1");
  store_->flush();
  EXPECT_TRUE(flushed_.empty());
  EXPECT_TRUE(InnerContents().empty());
}

TEST_F(CachingKeyValueStoreTest, WithoutAThreadCacheEveryWriteIsPassedOnAtOnce) {
  Open(-1);
  context_.record_timestamp = 5;
  store_->put("k", "1");
  store_->put("k", "2");
  EXPECT_EQ(store_->putIfAbsent("k", "3"), "2");
  EXPECT_EQ(store_->remove("k"), "2");
  EXPECT_EQ(store_->remove("k"), std::nullopt);
  EXPECT_EQ(flushed_,
            (std::vector<FlushedRecord>{
                {"k", "1", std::nullopt, 5}, {"k", "2", "1", 5}, {"k", std::nullopt, "2", 5}}));
  EXPECT_TRUE(InnerContents().empty());
}

TEST_F(CachingKeyValueStoreTest, EvictionUnderATinyCacheFlushesInWriteOrderAndLosesNothing) {
  Open(4 * (ThreadCache::kEntryOverheadBytes + 4));
  std::map<std::string, std::string> model;
  std::vector<std::string> order;
  for (int i = 0; i < 50; ++i) {
    std::string key = "k" + std::to_string(i % 13);
    std::string value = std::to_string(i % 10);
    store_->put(key, value);
    model[key] = value;
  }
  // Each eviction flushed every dirty entry in write order: per key, values arrive in the
  // order they were written, and the flushed records replayed give the store's contents.
  store_->flush();
  std::map<std::string, std::string> replayed;
  for (const auto& record : flushed_) replayed[record.key] = *record.new_value;
  EXPECT_EQ(replayed, model);
  EXPECT_EQ(InnerContents(), Entries(model.begin(), model.end()));
  EXPECT_GT(cache_->evictions(), 0);
}

TEST_F(CachingKeyValueStoreTest, IteratorsMergeCacheAndStoreAndHideCachedDeletes) {
  Open(1 << 20);
  store_->put("a", "1");
  store_->put("c", "3");
  store_->put("e", "5");
  store_->flush();
  store_->put("b", "2");
  store_->put("c", "33");
  store_->remove("e");
  store_->put("f", "6");
  EXPECT_EQ(Drain(store_->all()), (Entries{{"a", "1"}, {"b", "2"}, {"c", "33"}, {"f", "6"}}));
  EXPECT_EQ(Drain(store_->reverseRange(std::string("b"), std::string("e"))),
            (Entries{{"c", "33"}, {"b", "2"}}));
  EXPECT_EQ(Drain(store_->prefixScan("c")), (Entries{{"c", "33"}}));
}

// Random operations against a std::map model: reads and iterators through the layer equal the
// model at every step; after each flush the store below equals it too.
void RunModelTest(uint32_t seed, CachingKeyValueStore& store,
                  const std::function<Entries()>& inner_contents) {
  std::mt19937 random(seed);
  std::map<std::string, std::string> model;
  auto key = [&] { return "k" + std::to_string(random() % 40); };
  auto bound = [&]() -> std::optional<std::string> {
    if (random() % 4 == 0) return std::nullopt;
    return key();
  };
  for (int step = 0; step < 3000; ++step) {
    switch (random() % 9) {
      case 0:
      case 1:
      case 2: {
        std::string k = key();
        std::string v(random() % 20, static_cast<char>('a' + random() % 26));
        store.put(k, v);
        model[k] = v;
        break;
      }
      case 3: {
        std::string k = key();
        auto expected = model.count(k) ? std::optional<std::string>(model[k]) : std::nullopt;
        ASSERT_EQ(store.remove(k), expected) << "step " << step;
        model.erase(k);
        break;
      }
      case 4: {
        std::string k = key();
        auto expected = model.count(k) ? std::optional<std::string>(model[k]) : std::nullopt;
        ASSERT_EQ(store.get(k), expected) << "step " << step;
        break;
      }
      case 5: {
        auto from = bound();
        auto to = bound();
        Entries expected;
        if (!(from && to && *from > *to)) {
          auto begin = from ? model.lower_bound(*from) : model.begin();
          auto end = to ? model.upper_bound(*to) : model.end();
          expected.assign(begin, end);
        }
        ASSERT_EQ(Drain(store.range(from, to)), expected) << "step " << step;
        std::reverse(expected.begin(), expected.end());
        ASSERT_EQ(Drain(store.reverseRange(from, to)), expected) << "step " << step;
        break;
      }
      case 6: {
        std::string prefix = "k" + std::to_string(random() % 4);
        Entries expected;
        for (const auto& [k, v] : model) {
          if (k.compare(0, prefix.size(), prefix) == 0) expected.emplace_back(k, v);
        }
        ASSERT_EQ(Drain(store.prefixScan(prefix)), expected) << "step " << step;
        break;
      }
      case 7:
        ASSERT_EQ(Drain(store.all()), Entries(model.begin(), model.end())) << "step " << step;
        break;
      case 8:
        if (random() % 10 == 0) {
          store.flush();
          ASSERT_EQ(inner_contents(), Entries(model.begin(), model.end())) << "step " << step;
        }
        break;
    }
  }
  store.flush();
  ASSERT_EQ(inner_contents(), Entries(model.begin(), model.end()));
}

TEST_F(CachingKeyValueStoreTest, RandomOperationsMatchAMapModelWithALargeCache) {
  Open(1 << 20);
  RunModelTest(1, *store_, [&] { return InnerContents(); });
}

TEST_F(CachingKeyValueStoreTest, RandomOperationsMatchAMapModelWithATinyCache) {
  Open(6 * ThreadCache::kEntryOverheadBytes);
  RunModelTest(2, *store_, [&] { return InnerContents(); });
  EXPECT_GT(cache_->evictions(), 0);
}

TEST_F(CachingKeyValueStoreTest, RandomOperationsMatchAMapModelWithoutACache) {
  Open(-1);
  RunModelTest(3, *store_, [&] { return InnerContents(); });
}

TEST_F(CachingKeyValueStoreTest, FlushedUpdatesReplayedGiveTheStoreContents) {
  Open(10 * ThreadCache::kEntryOverheadBytes);
  std::mt19937 random(7);
  std::map<std::string, std::string> model;
  for (int i = 0; i < 2000; ++i) {
    std::string k = "k" + std::to_string(random() % 30);
    if (random() % 4 == 0) {
      store_->remove(k);
      model.erase(k);
    } else {
      store_->put(k, std::to_string(i));
      model[k] = std::to_string(i);
    }
    if (random() % 100 == 0) store_->flush();
  }
  store_->flush();
  // The listener's records, applied in order, rebuild the table, and each carries the value the
  // store below had before it (send_old_values).
  std::map<std::string, std::string> replayed;
  for (const auto& record : flushed_) {
    auto before = replayed.count(record.key) ? std::optional<std::string>(replayed[record.key])
                                             : std::nullopt;
    ASSERT_EQ(record.old_value, before);
    if (record.new_value) {
      replayed[record.key] = *record.new_value;
    } else {
      replayed.erase(record.key);
    }
  }
  EXPECT_EQ(replayed, model);
}

TEST_F(CachingKeyValueStoreTest, CloseFlushesAndDropsTheNamespace) {
  Open(1 << 20);
  store_->put("k", "v");
  store_->close();
  EXPECT_EQ(inner_->get("k"), "v");
  EXPECT_EQ(flushed_.size(), 1u);
  EXPECT_EQ(cache_->size(), 0);
}

}  // namespace
}  // namespace brook::statestore
