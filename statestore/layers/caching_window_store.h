#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "statestore/api/cached_state_store.h"
#include "statestore/api/window_store.h"
#include "statestore/layers/flush_context.h"
#include "statestore/layers/thread_cache.h"

namespace brook::statestore {

// The caching layer of a window store (Kafka's CachingWindowStore): puts and removes go to the
// thread cache (key (key, window start), cache_key_format.h) as dirty entries; on a flush they
// are written to the store below in write order and passed to the flush listener as
// Windowed<key bytes> with the window [start, start + window size). Fetches merge the cache
// with the store below, which must return its entries in the order window_store.h gives (key,
// then window start). Windows the store below expires may still be read from the cache until
// the next flush (as Kafka). Not for stores that retain duplicates (the builders turn caching
// off for them, as Kafka). Without a thread cache every call passes straight through and the
// listener hears each write at once.
// Thread safety: none; the task's stream thread.
class CachingWindowStore final
    : public streams::WindowBytesStore,
      public streams::CachedStateStore<streams::Windowed<std::string>, std::string> {
 public:
  using WindowedIterator =
      streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string>;

  CachingWindowStore(std::unique_ptr<streams::WindowBytesStore> inner, int64_t window_size_ms);

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

  void put(const std::string& key, const std::string& value, int64_t window_start) override;
  void remove(const std::string& key, int64_t window_start) override;
  std::optional<std::string> fetch(const std::string& key, int64_t window_start) override;
  streams::KeyValueIteratorPtr<int64_t, std::string> fetch(const std::string& key,
                                                           int64_t time_from,
                                                           int64_t time_to) override;
  streams::KeyValueIteratorPtr<int64_t, std::string> backwardFetch(const std::string& key,
                                                                   int64_t time_from,
                                                                   int64_t time_to) override;
  WindowedIterator fetch(const std::optional<std::string>& key_from,
                         const std::optional<std::string>& key_to, int64_t time_from,
                         int64_t time_to) override;
  WindowedIterator backwardFetch(const std::optional<std::string>& key_from,
                                 const std::optional<std::string>& key_to, int64_t time_from,
                                 int64_t time_to) override;
  WindowedIterator fetchAll(int64_t time_from, int64_t time_to) override;
  WindowedIterator backwardFetchAll(int64_t time_from, int64_t time_to) override;
  WindowedIterator all() override;
  WindowedIterator backwardAll() override;

 private:
  streams::Windowed<std::string> WindowedOf(std::string key, int64_t start) const;
  void Write(const std::string& key, int64_t window_start, const std::optional<std::string>& value);
  void WriteThrough(const std::string& key, int64_t window_start,
                    const std::optional<std::string>& value, int64_t timestamp);
  void OnFlush(const std::vector<ThreadCache::DirtyEntry>& entries);
  WindowedIterator MergeWindowed(const std::optional<std::string>& key_from,
                                 const std::optional<std::string>& key_to, int64_t time_from,
                                 int64_t time_to, WindowedIterator store, bool reverse);
  streams::KeyValueIteratorPtr<int64_t, std::string> MergeKey(
      const std::string& key, int64_t time_from, int64_t time_to,
      streams::KeyValueIteratorPtr<int64_t, std::string> store, bool reverse);

  std::unique_ptr<streams::WindowBytesStore> inner_;
  int64_t window_size_ms_;
  streams::StateStoreContext* context_ = nullptr;
  FlushContext flush_context_;
  ThreadCache* cache_ = nullptr;
  std::string namespace_;
  streams::CacheFlushListener<streams::Windowed<std::string>, std::string> listener_;
  bool send_old_values_ = false;
};

}  // namespace brook::statestore
