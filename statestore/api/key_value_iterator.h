#pragma once

#include <cstdint>
#include <memory>

#include "framework/api/record.h"

namespace brook::streams {

// Iterates over entries of a store in key order (or the reverse for reverse* calls), Kafka's
// KeyValueIterator. Iterators see a consistent view of the store from when they were made
// (RocksDB snapshot, or a copy for in-memory stores); they must be destroyed before the store
// closes. Destroying one releases it (Kafka's close()).
template <typename K, typename V>
class KeyValueIterator {
 public:
  virtual ~KeyValueIterator() = default;
  virtual bool hasNext() = 0;
  // The next entry; only after hasNext() returned true.
  virtual KeyValue<K, V> next() = 0;
  // The key next() would return; only after hasNext() returned true.
  virtual K peekNextKey() = 0;
};

template <typename K, typename V>
using KeyValueIteratorPtr = std::unique_ptr<KeyValueIterator<K, V>>;

// The entries of one key of a window store: window start timestamp -> value (Kafka's
// WindowStoreIterator).
template <typename V>
using WindowStoreIterator = KeyValueIterator<int64_t, V>;

}  // namespace brook::streams
