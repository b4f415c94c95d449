#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/api/detail/local_stores.h"
#include "framework/api/errors.h"
#include "statestore/api/key_value_store.h"

namespace brook::streams {

// Read access to every local instance of a key-value store (Kafka's
// CompositeReadOnlyKeyValueStore): what KafkaStreams::store gives. get() answers from the
// instance that has the key (a key lives in one task); range queries concatenate the instances'
// answers, each in key order, as Kafka's does (no order across instances). Iterators hold a
// copy of the entries taken under each owning thread's lock, so they may be kept while the
// application runs on. Every call throws InvalidStateStoreException once the application is no
// longer RUNNING (a rebalance, close()): ask again with KafkaStreams::store.
// Thread safety: any thread; each call waits for the stream threads between two of their
// processing rounds.
template <typename K, typename V>
class CompositeReadOnlyKeyValueStore final : public ReadOnlyKeyValueStore<K, V> {
 public:
  CompositeReadOnlyKeyValueStore(std::string name, detail::LocalStoreVisitor visitor)
      : stores_(std::move(name), "key-value store", std::move(visitor)) {}

  std::optional<V> get(const K& key) override {
    std::optional<V> found;
    ForEach([&](ReadOnlyKeyValueStore<K, V>& store) {
      if (!found) found = store.get(key);
    });
    return found;
  }
  KeyValueIteratorPtr<K, V> range(const std::optional<K>& from,
                                  const std::optional<K>& to) override {
    return Collect([&](ReadOnlyKeyValueStore<K, V>& store) { return store.range(from, to); });
  }
  KeyValueIteratorPtr<K, V> reverseRange(const std::optional<K>& from,
                                         const std::optional<K>& to) override {
    return Collect(
        [&](ReadOnlyKeyValueStore<K, V>& store) { return store.reverseRange(from, to); });
  }
  KeyValueIteratorPtr<K, V> all() override {
    return Collect([](ReadOnlyKeyValueStore<K, V>& store) { return store.all(); });
  }
  KeyValueIteratorPtr<K, V> reverseAll() override {
    return Collect([](ReadOnlyKeyValueStore<K, V>& store) { return store.reverseAll(); });
  }
  KeyValueIteratorPtr<K, V> prefixScan(const std::string& prefix) override {
    return Collect([&](ReadOnlyKeyValueStore<K, V>& store) { return store.prefixScan(prefix); });
  }
  int64_t approximateNumEntries() override {
    int64_t total = 0;
    ForEach([&](ReadOnlyKeyValueStore<K, V>& store) { total += store.approximateNumEntries(); });
    return total;
  }

 private:
  template <typename F>
  void ForEach(F&& f) {
    stores_.ForEach(std::forward<F>(f));
  }
  template <typename F>
  KeyValueIteratorPtr<K, V> Collect(F&& query) {
    return stores_.template Collect<K, V>(std::forward<F>(query));
  }

  detail::LocalStores<ReadOnlyKeyValueStore<K, V>> stores_;
};

namespace detail {

template <typename K, typename V>
struct QueryableStore<ReadOnlyKeyValueStore<K, V>> {
  static std::unique_ptr<ReadOnlyKeyValueStore<K, V>> Make(std::string name,
                                                           LocalStoreVisitor visitor) {
    return std::make_unique<CompositeReadOnlyKeyValueStore<K, V>>(std::move(name),
                                                                  std::move(visitor));
  }
};

}  // namespace detail
}  // namespace brook::streams
