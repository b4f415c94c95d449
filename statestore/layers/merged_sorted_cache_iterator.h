#pragma once

#include <compare>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "statestore/api/key_value_iterator.h"

namespace brook::statestore {

// Orders keys of the same kind the way the stores iterate them: negative, 0, positive.
struct ThreeWayCompare {
  template <typename K>
  int operator()(const K& a, const K& b) const {
    auto order = a <=> b;
    return order < 0 ? -1 : order > 0 ? 1 : 0;
  }
};

// A caching store's range view (Kafka's MergedSortedCacheKeyValueBytesStoreIterator): the
// cache's entries of the range (a copy taken when the iterator was made, nullopt values being
// keys deleted in the cache) merged with the store's iterator over the same range. Both are in
// iteration order (`reverse`: descending). A key in both comes from the cache, the store's
// entry skipped; cached deletes hide the key. `Compare` orders two keys (ThreeWayCompare's
// contract); keys it calls equal are the same entry.
template <typename K, typename Compare = ThreeWayCompare>
class MergedSortedCacheIterator final : public streams::KeyValueIterator<K, std::string> {
 public:
  using CacheEntries = std::vector<std::pair<K, std::optional<std::string>>>;

  MergedSortedCacheIterator(CacheEntries cache, streams::KeyValueIteratorPtr<K, std::string> store,
                            bool reverse, Compare compare = Compare())
      : cache_(std::move(cache)),
        store_(std::move(store)),
        reverse_(reverse),
        compare_(std::move(compare)) {}

  bool hasNext() override { return Position() != Source::kNone; }

  streams::KeyValue<K, std::string> next() override {
    Source source = Position();
    if (source == Source::kStore || source == Source::kBoth) {
      store_key_.reset();
      auto stored = store_->next();
      if (source == Source::kStore) return stored;
    }
    auto& entry = cache_[cache_next_++];
    return {std::move(entry.first), std::move(*entry.second)};
  }

  K peekNextKey() override {
    return Position() == Source::kStore ? store_->peekNextKey() : cache_[cache_next_].first;
  }

 private:
  enum class Source { kNone, kCache, kStore, kBoth };

  // Skips cached deletes (and the store entries they hide); says where the next entry is.
  Source Position() {
    for (;;) {
      bool cache_has = cache_next_ < cache_.size();
      bool store_has = store_->hasNext();
      if (!cache_has) return store_has ? Source::kStore : Source::kNone;
      const auto& cached = cache_[cache_next_];
      if (!store_has) {
        if (cached.second) return Source::kCache;
        ++cache_next_;
        continue;
      }
      if (!store_key_) store_key_ = store_->peekNextKey();
      int order = compare_(cached.first, *store_key_);
      if (reverse_) order = -order;
      if (order > 0) return Source::kStore;
      if (cached.second) return order == 0 ? Source::kBoth : Source::kCache;
      ++cache_next_;
      if (order == 0) {
        store_->next();
        store_key_.reset();
      }
    }
  }

  CacheEntries cache_;
  size_t cache_next_ = 0;
  streams::KeyValueIteratorPtr<K, std::string> store_;
  std::optional<K> store_key_;  // the store's next key, peeked once
  bool reverse_;
  Compare compare_;
};

}  // namespace brook::statestore
