#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/detail/local_stores.h"
#include "statestore/api/session_store.h"

namespace brook::streams {

// Read access to every local instance of a session store (Kafka's
// CompositeReadOnlySessionStore): what KafkaStreams::store<ReadOnlySessionStore<K, AGG>> gives.
// A single key's queries answer from the instance that has the key (a key lives in one task);
// key-range queries concatenate the instances' answers (no order across instances). Iterators
// hold copies. Every call throws InvalidStateStoreException once the application is no longer
// RUNNING. Thread safety: any thread; each call waits for the stream threads between two of
// their processing rounds.
template <typename K, typename AGG>
class CompositeReadOnlySessionStore final : public ReadOnlySessionStore<K, AGG> {
 public:
  CompositeReadOnlySessionStore(std::string name, detail::LocalStoreVisitor visitor)
      : stores_(std::move(name), "session store", std::move(visitor)) {}

  KeyValueIteratorPtr<Windowed<K>, AGG> findSessions(const K& key, int64_t earliest_session_end,
                                                     int64_t latest_session_start) override {
    return stores_.template First<Windowed<K>, AGG>([&](Store& store) {
      return store.findSessions(key, earliest_session_end, latest_session_start);
    });
  }
  KeyValueIteratorPtr<Windowed<K>, AGG> backwardFindSessions(
      const K& key, int64_t earliest_session_end, int64_t latest_session_start) override {
    return stores_.template First<Windowed<K>, AGG>([&](Store& store) {
      return store.backwardFindSessions(key, earliest_session_end, latest_session_start);
    });
  }
  KeyValueIteratorPtr<Windowed<K>, AGG> findSessions(const std::optional<K>& key_from,
                                                     const std::optional<K>& key_to,
                                                     int64_t earliest_session_end,
                                                     int64_t latest_session_start) override {
    return stores_.template Collect<Windowed<K>, AGG>([&](Store& store) {
      return store.findSessions(key_from, key_to, earliest_session_end, latest_session_start);
    });
  }
  std::optional<AGG> fetchSession(const K& key, int64_t session_start,
                                  int64_t session_end) override {
    std::optional<AGG> found;
    stores_.ForEach([&](Store& store) {
      if (!found) found = store.fetchSession(key, session_start, session_end);
    });
    return found;
  }
  KeyValueIteratorPtr<Windowed<K>, AGG> fetch(const K& key) override {
    return stores_.template First<Windowed<K>, AGG>(
        [&](Store& store) { return store.fetch(key); });
  }
  KeyValueIteratorPtr<Windowed<K>, AGG> fetch(const std::optional<K>& key_from,
                                              const std::optional<K>& key_to) override {
    return stores_.template Collect<Windowed<K>, AGG>(
        [&](Store& store) { return store.fetch(key_from, key_to); });
  }

 private:
  using Store = ReadOnlySessionStore<K, AGG>;
  detail::LocalStores<Store> stores_;
};

namespace detail {

template <typename K, typename AGG>
struct QueryableStore<ReadOnlySessionStore<K, AGG>> {
  static std::unique_ptr<ReadOnlySessionStore<K, AGG>> Make(std::string name,
                                                            LocalStoreVisitor visitor) {
    return std::make_unique<CompositeReadOnlySessionStore<K, AGG>>(std::move(name),
                                                                   std::move(visitor));
  }
};

}  // namespace detail
}  // namespace brook::streams
