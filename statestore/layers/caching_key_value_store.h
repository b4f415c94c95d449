#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "statestore/api/cached_state_store.h"
#include "statestore/api/key_value_store.h"
#include "statestore/layers/flush_context.h"
#include "statestore/layers/thread_cache.h"

namespace brook::statestore {

// The caching layer of a key-value store (Kafka's CachingKeyValueStore). Writes go to the
// stream thread's cache (StateStoreContext::threadCache()) as dirty entries; reads look in the
// cache, then in the store below (a value read from below is cached, clean). When the cache
// flushes the store's namespace (flush() at commit, or an eviction), the dirty entries are
// written to the store below in the order they were written, and each is passed to the flush
// listener: one update per key per flush, the de-duplication of the DSL's KTables. Iterators
// merge the cache with the store below; keys deleted in the cache are hidden.
//
// Without a thread cache (statestore.cache.max.bytes = 0) the layer passes every call straight
// through and calls the listener for every write at once.
//
// Thread safety: none; the task's stream thread.
class CachingKeyValueStore final : public streams::KeyValueBytesStore,
                                   public streams::CachedStateStore<std::string, std::string> {
 public:
  explicit CachingKeyValueStore(std::unique_ptr<streams::KeyValueBytesStore> inner);

  const std::string& name() const override { return inner_->name(); }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override;
  void flush() override;
  void flushCache() override;
  void close() override;
  bool persistent() const override { return inner_->persistent(); }
  bool isOpen() const override { return inner_->isOpen(); }

  bool setFlushListener(streams::CacheFlushListener<std::string, std::string> listener,
                        bool send_old_values) override;

  std::optional<std::string> get(const std::string& key) override;
  void put(const std::string& key, const std::string& value) override;
  std::optional<std::string> putIfAbsent(const std::string& key, const std::string& value) override;
  void putAll(const std::vector<streams::KeyValue<std::string, std::string>>& entries) override;
  std::optional<std::string> remove(const std::string& key) override;
  streams::KeyValueIteratorPtr<std::string, std::string> range(
      const std::optional<std::string>& from, const std::optional<std::string>& to) override;
  streams::KeyValueIteratorPtr<std::string, std::string> reverseRange(
      const std::optional<std::string>& from, const std::optional<std::string>& to) override;
  streams::KeyValueIteratorPtr<std::string, std::string> all() override;
  streams::KeyValueIteratorPtr<std::string, std::string> reverseAll() override;
  streams::KeyValueIteratorPtr<std::string, std::string> prefixScan(
      const std::string& prefix) override;
  // The store below's count (cached writes not yet flushed are not counted), as Kafka.
  int64_t approximateNumEntries() override { return inner_->approximateNumEntries(); }

 private:
  // Writes one update to the store below and passes it to the listener.
  void WriteThrough(const std::string& key, const std::optional<std::string>& value,
                    int64_t timestamp);
  void OnFlush(const std::vector<ThreadCache::DirtyEntry>& entries);
  streams::KeyValueIteratorPtr<std::string, std::string> Merge(
      const std::optional<std::string>& from, const std::optional<std::string>& to,
      bool to_inclusive, streams::KeyValueIteratorPtr<std::string, std::string> store,
      bool reverse);

  std::unique_ptr<streams::KeyValueBytesStore> inner_;
  streams::StateStoreContext* context_ = nullptr;
  FlushContext flush_context_;
  ThreadCache* cache_ = nullptr;
  std::string namespace_;
  streams::CacheFlushListener<std::string, std::string> listener_;
  bool send_old_values_ = false;
};

}  // namespace brook::statestore
