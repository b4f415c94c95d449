#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "statestore/api/key_value_iterator.h"
#include "statestore/api/state_store.h"
#include "statestore/api/windowed.h"

namespace brook::streams {

// Read access to a session store (Kafka's ReadOnlySessionStore). A session is a Windowed key
// whose window [start, end] includes both ends.
template <typename K, typename AGG>
class ReadOnlySessionStore {
 public:
  virtual ~ReadOnlySessionStore() = default;
  // `key`'s sessions that end at or after `earliest_session_end` and start at or before
  // `latest_session_start` (those a record at a time could merge with), ordered by session
  // end, then start (backward*: the reverse). Multi-key queries order by key first.
  virtual KeyValueIteratorPtr<Windowed<K>, AGG> findSessions(const K& key,
                                                             int64_t earliest_session_end,
                                                             int64_t latest_session_start) = 0;
  virtual KeyValueIteratorPtr<Windowed<K>, AGG> backwardFindSessions(
      const K& key, int64_t earliest_session_end, int64_t latest_session_start) = 0;
  // The same for the keys in [key_from, key_to] (a missing bound is open).
  virtual KeyValueIteratorPtr<Windowed<K>, AGG> findSessions(const std::optional<K>& key_from,
                                                             const std::optional<K>& key_to,
                                                             int64_t earliest_session_end,
                                                             int64_t latest_session_start) = 0;
  // The aggregate of exactly the session [start, end] of `key`.
  virtual std::optional<AGG> fetchSession(const K& key, int64_t session_start,
                                          int64_t session_end) = 0;
  // Every session of `key` / of the keys in [key_from, key_to].
  virtual KeyValueIteratorPtr<Windowed<K>, AGG> fetch(const K& key) = 0;
  virtual KeyValueIteratorPtr<Windowed<K>, AGG> fetch(const std::optional<K>& key_from,
                                                      const std::optional<K>& key_to) = 0;
};

// A session store (Kafka's SessionStore<K, AGG>). Sessions that ended more than the retention
// period before the largest session end put so far expire.
template <typename K, typename AGG>
class SessionStore : public StateStore, public ReadOnlySessionStore<K, AGG> {
 public:
  virtual void put(const Windowed<K>& session, const AGG& aggregate) = 0;
  virtual void remove(const Windowed<K>& session) = 0;
};

using SessionBytesStore = SessionStore<std::string, std::string>;

}  // namespace brook::streams
