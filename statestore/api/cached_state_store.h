#pragma once

#include <cstdint>
#include <functional>
#include <optional>

namespace brook::streams {

// Told about each update a caching store writes through to the store below it (Kafka's
// CacheFlushListener / TimestampedCacheFlushListener): `key`, its new value (nullopt: deleted),
// its previous value in the store below (only when the listener was set with send_old_values;
// otherwise nullopt) and the timestamp of the record that made the update.
//
// With caching, that is once per key per flush (each commit, or when the thread's cache
// evicts), with the key's latest value: how a KTable aggregate forwards one update per key per
// commit instead of every intermediate one. With statestore.cache.max.bytes = 0 every write is
// passed on at once. Called on the task's stream thread, inside the store's write or flush.
template <typename K, typename V>
using CacheFlushListener =
    std::function<void(const K& key, const std::optional<V>& new_value,
                       const std::optional<V>& old_value, int64_t timestamp)>;

// A store that can have a CacheFlushListener (Kafka's CachedStateStore). The store a processor
// gets from its context (the typed, metered layer) implements it for its key and value types:
// KeyValueStore<K, V> as CachedStateStore<K, V>; WindowStore<K, V> and SessionStore<K, V> as
// CachedStateStore<Windowed<K>, V>. Find it with dynamic_cast.
template <typename K, typename V>
class CachedStateStore {
 public:
  virtual ~CachedStateStore() = default;
  // Sets the listener (replacing one set before). Returns false when the store has no caching
  // layer (built without withCachingEnabled): then nothing is ever passed on and the caller
  // forwards its updates itself. Set it from the processor's init(), before any write.
  virtual bool setFlushListener(CacheFlushListener<K, V> listener, bool send_old_values) = 0;
};

}  // namespace brook::streams
