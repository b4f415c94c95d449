#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/api/errors.h"
#include "statestore/api/key_value_store.h"

namespace brook::streams {

namespace detail {

// Calls the function it is given with each local instance of one store (one per task), each
// call serialized with the stream thread that owns the instance. Throws
// InvalidStateStoreException when the application is not RUNNING.
using LocalStoreVisitor =
    std::function<void(const std::function<void(StateStore&)>& visit)>;

// An iterator over entries copied out of the local stores.
template <typename K, typename V>
class CopiedIterator final : public KeyValueIterator<K, V> {
 public:
  explicit CopiedIterator(std::vector<KeyValue<K, V>> entries) : entries_(std::move(entries)) {}
  bool hasNext() override { return next_ < entries_.size(); }
  KeyValue<K, V> next() override { return std::move(entries_[next_++]); }
  K peekNextKey() override { return entries_[next_].key; }

 private:
  std::vector<KeyValue<K, V>> entries_;
  size_t next_ = 0;
};

}  // namespace detail

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
      : name_(std::move(name)), visitor_(std::move(visitor)) {}

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
    visitor_([&](StateStore& store) {
      auto* typed = dynamic_cast<ReadOnlyKeyValueStore<K, V>*>(&store);
      if (typed == nullptr) {
        throw InvalidStateStoreException("state store " + name_ +
                                         " is not a key-value store of the types asked for");
      }
      f(*typed);
    });
  }
  template <typename F>
  KeyValueIteratorPtr<K, V> Collect(F&& query) {
    std::vector<KeyValue<K, V>> entries;
    ForEach([&](ReadOnlyKeyValueStore<K, V>& store) {
      KeyValueIteratorPtr<K, V> it = query(store);
      while (it->hasNext()) entries.push_back(it->next());
    });
    return std::make_unique<detail::CopiedIterator<K, V>>(std::move(entries));
  }

  std::string name_;
  detail::LocalStoreVisitor visitor_;
};

namespace detail {

// What KafkaStreams::store<S> makes for a store type S (Kafka's QueryableStoreTypes).
template <typename S>
struct QueryableStore;

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
