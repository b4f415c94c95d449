#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "framework/api/errors.h"
#include "statestore/api/key_value_iterator.h"
#include "statestore/api/state_store.h"

namespace brook::streams::detail {

// Calls the function it is given with each local instance of one store (one per task), each
// call serialized with the stream thread that owns the instance. Throws
// InvalidStateStoreException when the application is not RUNNING.
using LocalStoreVisitor =
    std::function<void(const std::function<void(StateStore&)>& visit)>;

// What KafkaStreams::store<S> makes for a store type S (Kafka's QueryableStoreTypes): a
// specialization per read-only store interface, each next to its composite store.
template <typename S>
struct QueryableStore;

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

// The local instances of store `name` seen as `Typed` (a read-only store interface), one after
// the other: what the composite stores KafkaStreams::store gives are made of.
template <typename Typed>
class LocalStores {
 public:
  LocalStores(std::string name, std::string kind, LocalStoreVisitor visitor)
      : name_(std::move(name)), kind_(std::move(kind)), visitor_(std::move(visitor)) {}

  const std::string& name() const { return name_; }

  // f(Typed&) for each instance; throws InvalidStateStoreException when the store is not a
  // `Typed` (a store of another kind, or other key/value types).
  template <typename F>
  void ForEach(F&& f) const {
    visitor_([&](StateStore& store) {
      auto* typed = dynamic_cast<Typed*>(&store);
      if (typed == nullptr) {
        throw InvalidStateStoreException("state store " + name_ + " is not a " + kind_ +
                                         " of the types asked for");
      }
      f(*typed);
    });
  }

  // The entries of query(Typed&) -> iterator, for every instance, one instance after the
  // other, copied out under each owning thread's lock.
  template <typename K, typename V, typename F>
  KeyValueIteratorPtr<K, V> Collect(F&& query) const {
    std::vector<KeyValue<K, V>> entries;
    ForEach([&](Typed& store) {
      KeyValueIteratorPtr<K, V> it = query(store);
      while (it->hasNext()) entries.push_back(it->next());
    });
    return std::make_unique<CopiedIterator<K, V>>(std::move(entries));
  }

  // The entries of the first instance whose query(Typed&) has any (a single key lives in one
  // task, so at most one instance answers; Kafka's composite stores do the same).
  template <typename K, typename V, typename F>
  KeyValueIteratorPtr<K, V> First(F&& query) const {
    std::vector<KeyValue<K, V>> entries;
    ForEach([&](Typed& store) {
      if (!entries.empty()) return;
      KeyValueIteratorPtr<K, V> it = query(store);
      while (it->hasNext()) entries.push_back(it->next());
    });
    return std::make_unique<CopiedIterator<K, V>>(std::move(entries));
  }

 private:
  std::string name_;
  std::string kind_;
  LocalStoreVisitor visitor_;
};

}  // namespace brook::streams::detail
