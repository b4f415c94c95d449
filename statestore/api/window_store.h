#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "statestore/api/key_value_iterator.h"
#include "statestore/api/state_store.h"
#include "statestore/api/windowed.h"

namespace brook::streams {

// Read access to a window store (Kafka's ReadOnlyWindowStore). Times are milliseconds since the
// epoch; ranges include both ends. Results are ordered by key, then window start (forward), or
// the reverse (backward*).
template <typename K, typename V>
class ReadOnlyWindowStore {
 public:
  virtual ~ReadOnlyWindowStore() = default;
  // The value of `key` in the window starting at `window_start`.
  virtual std::optional<V> fetch(const K& key, int64_t window_start) = 0;
  // `key`'s windows that start in [time_from, time_to]: window start -> value.
  virtual KeyValueIteratorPtr<int64_t, V> fetch(const K& key, int64_t time_from,
                                                int64_t time_to) = 0;
  virtual KeyValueIteratorPtr<int64_t, V> backwardFetch(const K& key, int64_t time_from,
                                                        int64_t time_to) = 0;
  // Windows of the keys in [key_from, key_to] (a missing bound is open) that start in
  // [time_from, time_to].
  virtual KeyValueIteratorPtr<Windowed<K>, V> fetch(const std::optional<K>& key_from,
                                                    const std::optional<K>& key_to,
                                                    int64_t time_from, int64_t time_to) = 0;
  virtual KeyValueIteratorPtr<Windowed<K>, V> backwardFetch(const std::optional<K>& key_from,
                                                            const std::optional<K>& key_to,
                                                            int64_t time_from,
                                                            int64_t time_to) = 0;
  // Every window that starts in [time_from, time_to].
  virtual KeyValueIteratorPtr<Windowed<K>, V> fetchAll(int64_t time_from, int64_t time_to) = 0;
  virtual KeyValueIteratorPtr<Windowed<K>, V> backwardFetchAll(int64_t time_from,
                                                               int64_t time_to) = 0;
  virtual KeyValueIteratorPtr<Windowed<K>, V> all() = 0;
  virtual KeyValueIteratorPtr<Windowed<K>, V> backwardAll() = 0;
};

// A window store (Kafka's WindowStore<K, V>): values per key and window start. Windows older
// than the retention period (behind the largest timestamp put so far) expire: fetches no longer
// return them and persistent stores drop their segments whole. A store that retains duplicates
// (stream-stream joins) keeps every put of the same key and window instead of replacing it.
// The window's size is known to the store (Windowed keys carry [start, start + size)).
template <typename K, typename V>
class WindowStore : public StateStore, public ReadOnlyWindowStore<K, V> {
 public:
  virtual void put(const K& key, const V& value, int64_t window_start) = 0;
  // Kafka's put(key, null, windowStart).
  virtual void remove(const K& key, int64_t window_start) = 0;
};

using WindowBytesStore = WindowStore<std::string, std::string>;

}  // namespace brook::streams
