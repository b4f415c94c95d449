#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/detail/local_stores.h"
#include "statestore/api/window_store.h"

namespace brook::streams {

// Read access to every local instance of a window store (Kafka's
// CompositeReadOnlyWindowStore): what KafkaStreams::store<ReadOnlyWindowStore<K, V>> gives. A
// single key's queries answer from the instance that has the key (a key lives in one task);
// key-range and all-key queries concatenate the instances' answers, each ordered by key then
// window start, as Kafka's does (no order across instances). A DSL windowed table's store holds
// ValueAndTimestamp<V>. Iterators hold copies, so they may be kept while the application runs
// on. Every call throws InvalidStateStoreException once the application is no longer RUNNING.
// Thread safety: any thread; each call waits for the stream threads between two of their
// processing rounds.
template <typename K, typename V>
class CompositeReadOnlyWindowStore final : public ReadOnlyWindowStore<K, V> {
 public:
  CompositeReadOnlyWindowStore(std::string name, detail::LocalStoreVisitor visitor)
      : stores_(std::move(name), "window store", std::move(visitor)) {}

  std::optional<V> fetch(const K& key, int64_t window_start) override {
    std::optional<V> found;
    stores_.ForEach([&](Store& store) {
      if (!found) found = store.fetch(key, window_start);
    });
    return found;
  }
  KeyValueIteratorPtr<int64_t, V> fetch(const K& key, int64_t time_from,
                                        int64_t time_to) override {
    return stores_.template First<int64_t, V>(
        [&](Store& store) { return store.fetch(key, time_from, time_to); });
  }
  KeyValueIteratorPtr<int64_t, V> backwardFetch(const K& key, int64_t time_from,
                                                int64_t time_to) override {
    return stores_.template First<int64_t, V>(
        [&](Store& store) { return store.backwardFetch(key, time_from, time_to); });
  }
  KeyValueIteratorPtr<Windowed<K>, V> fetch(const std::optional<K>& key_from,
                                            const std::optional<K>& key_to, int64_t time_from,
                                            int64_t time_to) override {
    return stores_.template Collect<Windowed<K>, V>(
        [&](Store& store) { return store.fetch(key_from, key_to, time_from, time_to); });
  }
  KeyValueIteratorPtr<Windowed<K>, V> backwardFetch(const std::optional<K>& key_from,
                                                    const std::optional<K>& key_to,
                                                    int64_t time_from,
                                                    int64_t time_to) override {
    return stores_.template Collect<Windowed<K>, V>(
        [&](Store& store) { return store.backwardFetch(key_from, key_to, time_from, time_to); });
  }
  KeyValueIteratorPtr<Windowed<K>, V> fetchAll(int64_t time_from, int64_t time_to) override {
    return stores_.template Collect<Windowed<K>, V>(
        [&](Store& store) { return store.fetchAll(time_from, time_to); });
  }
  KeyValueIteratorPtr<Windowed<K>, V> backwardFetchAll(int64_t time_from,
                                                       int64_t time_to) override {
    return stores_.template Collect<Windowed<K>, V>(
        [&](Store& store) { return store.backwardFetchAll(time_from, time_to); });
  }
  KeyValueIteratorPtr<Windowed<K>, V> all() override {
    return stores_.template Collect<Windowed<K>, V>([](Store& store) { return store.all(); });
  }
  KeyValueIteratorPtr<Windowed<K>, V> backwardAll() override {
    return stores_.template Collect<Windowed<K>, V>(
        [](Store& store) { return store.backwardAll(); });
  }

 private:
  using Store = ReadOnlyWindowStore<K, V>;
  detail::LocalStores<Store> stores_;
};

namespace detail {

template <typename K, typename V>
struct QueryableStore<ReadOnlyWindowStore<K, V>> {
  static std::unique_ptr<ReadOnlyWindowStore<K, V>> Make(std::string name,
                                                         LocalStoreVisitor visitor) {
    return std::make_unique<CompositeReadOnlyWindowStore<K, V>>(std::move(name),
                                                                std::move(visitor));
  }
};

}  // namespace detail
}  // namespace brook::streams
