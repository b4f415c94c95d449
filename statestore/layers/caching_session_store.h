#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "statestore/api/cached_state_store.h"
#include "statestore/api/session_store.h"
#include "statestore/layers/flush_context.h"
#include "statestore/layers/thread_cache.h"

namespace brook::statestore {

// The caching layer of a session store (Kafka's CachingSessionStore): puts and removes go to
// the thread cache (key (key, start, end), cache_key_format.h) as dirty entries; on a flush
// they are written to the store below in write order and passed to the flush listener. Reads
// combine the cache with the store below and return sessions ordered by key, then start, then
// end, whatever order the store below uses (a key's sessions are few: the results are
// gathered, not streamed). Without a thread cache every call passes straight through and the
// listener hears each write at once.
// Thread safety: none; the task's stream thread.
class CachingSessionStore final
    : public streams::SessionBytesStore,
      public streams::CachedStateStore<streams::Windowed<std::string>, std::string> {
 public:
  using SessionIterator = streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string>;

  explicit CachingSessionStore(std::unique_ptr<streams::SessionBytesStore> inner)
      : inner_(std::move(inner)) {}

  const std::string& name() const override { return inner_->name(); }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override;
  void flush() override;
  void flushCache() override;
  void close() override;
  bool persistent() const override { return inner_->persistent(); }
  bool isOpen() const override { return inner_->isOpen(); }

  bool setFlushListener(
      streams::CacheFlushListener<streams::Windowed<std::string>, std::string> listener,
      bool send_old_values) override;

  void put(const streams::Windowed<std::string>& session, const std::string& aggregate) override;
  void remove(const streams::Windowed<std::string>& session) override;
  SessionIterator findSessions(const std::string& key, int64_t earliest_session_end,
                               int64_t latest_session_start) override;
  SessionIterator backwardFindSessions(const std::string& key, int64_t earliest_session_end,
                                       int64_t latest_session_start) override;
  SessionIterator findSessions(const std::optional<std::string>& key_from,
                               const std::optional<std::string>& key_to,
                               int64_t earliest_session_end, int64_t latest_session_start) override;
  std::optional<std::string> fetchSession(const std::string& key, int64_t session_start,
                                          int64_t session_end) override;
  SessionIterator fetch(const std::string& key) override;
  SessionIterator fetch(const std::optional<std::string>& key_from,
                        const std::optional<std::string>& key_to) override;

 private:
  void Write(const streams::Windowed<std::string>& session,
             const std::optional<std::string>& aggregate);
  void WriteThrough(const streams::Windowed<std::string>& session,
                    const std::optional<std::string>& aggregate, int64_t timestamp);
  void OnFlush(const std::vector<ThreadCache::DirtyEntry>& entries);
  // The store's sessions overlaid with the cached ones of keys in [key_from, key_to] that
  // match the bounds, in order (`reverse`: backwards).
  SessionIterator Combine(SessionIterator store, const std::optional<std::string>& key_from,
                          const std::optional<std::string>& key_to, int64_t earliest_session_end,
                          int64_t latest_session_start, bool reverse);

  std::unique_ptr<streams::SessionBytesStore> inner_;
  streams::StateStoreContext* context_ = nullptr;
  FlushContext flush_context_;
  ThreadCache* cache_ = nullptr;
  std::string namespace_;
  streams::CacheFlushListener<streams::Windowed<std::string>, std::string> listener_;
  bool send_old_values_ = false;
};

}  // namespace brook::statestore
