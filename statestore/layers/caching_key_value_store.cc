#include "statestore/layers/caching_key_value_store.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <utility>

#include "statestore/layers/merged_sorted_cache_iterator.h"

namespace brook::statestore {

using streams::KeyValue;
using streams::KeyValueIteratorPtr;

CachingKeyValueStore::CachingKeyValueStore(std::unique_ptr<streams::KeyValueBytesStore> inner)
    : inner_(std::move(inner)) {}

void CachingKeyValueStore::init(streams::StateStoreContext& context, streams::StateStore& root) {
  context_ = &context;
  flush_context_.Wrap(context);
  inner_->init(flush_context_, root);
  cache_ = context.threadCache();
  if (cache_) {
    namespace_ = ThreadCache::NamespaceOf(context.taskId(), name());
    cache_->AddFlushListener(
        namespace_, [this](const std::vector<ThreadCache::DirtyEntry>& dirty) { OnFlush(dirty); });
  }
}

bool CachingKeyValueStore::setFlushListener(
    streams::CacheFlushListener<std::string, std::string> listener, bool send_old_values) {
  listener_ = std::move(listener);
  send_old_values_ = send_old_values;
  return true;
}

void CachingKeyValueStore::OnFlush(const std::vector<ThreadCache::DirtyEntry>& entries) {
  // Each key is in a flush once, so the order of the writes below does not change what the
  // store below ends up holding. They go in key order: RocksDB's memtable inserts a run of
  // ascending keys much faster than the same keys at random (its skip list keeps the last
  // insert's search path). The changelog records of one flush follow that order too.
  // Downstream gets the entries in write order (Kafka's), after all of them are written; what
  // it reads through this store comes from the cache, which still holds them.
  std::vector<uint32_t> order(entries.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&entries](uint32_t a, uint32_t b) { return entries[a].key < entries[b].key; });
  const bool want_old = listener_ && send_old_values_;
  std::vector<std::optional<std::string>> old_values(want_old ? entries.size() : 0);
  std::vector<bool> written(entries.size(), false);
  for (uint32_t i : order) {
    const ThreadCache::DirtyEntry& entry = entries[i];
    FlushContext::Override timestamp(flush_context_, entry.timestamp);
    std::optional<std::string> old_value;
    if (!entry.value || want_old) old_value = inner_->get(entry.key);
    // A key deleted that the store below never had: nothing to write or tell (Kafka skips it).
    if (!entry.value && !old_value) continue;
    if (entry.value) {
      inner_->put(entry.key, *entry.value);
    } else {
      inner_->remove(entry.key);
    }
    written[i] = true;
    if (want_old) old_values[i] = std::move(old_value);
  }
  if (!listener_) return;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!written[i]) continue;
    const ThreadCache::DirtyEntry& entry = entries[i];
    FlushContext::Override timestamp(flush_context_, entry.timestamp);
    listener_(entry.key, entry.value, want_old ? old_values[i] : std::nullopt, entry.timestamp);
  }
}

void CachingKeyValueStore::WriteThrough(const std::string& key,
                                        const std::optional<std::string>& value,
                                        int64_t timestamp) {
  std::optional<std::string> old_value;
  if (!value || (listener_ && send_old_values_)) old_value = inner_->get(key);
  // A key deleted that the store below never had: nothing to write or tell (Kafka skips it).
  if (!value && !old_value) return;
  if (value) {
    inner_->put(key, *value);
  } else {
    inner_->remove(key);
  }
  if (listener_) listener_(key, value, send_old_values_ ? old_value : std::nullopt, timestamp);
}

void CachingKeyValueStore::flushCache() {
  if (cache_) cache_->Flush(namespace_);
  inner_->flushCache();
}

void CachingKeyValueStore::flush() {
  if (cache_) cache_->Flush(namespace_);
  inner_->flush();
}

void CachingKeyValueStore::close() {
  if (cache_ && inner_->isOpen()) {
    cache_->Flush(namespace_);
    cache_->Close(namespace_);
  }
  inner_->close();
}

std::optional<std::string> CachingKeyValueStore::get(const std::string& key) {
  if (!cache_) return inner_->get(key);
  if (const ThreadCache::Entry* entry = cache_->Get(namespace_, key)) return entry->value;
  std::optional<std::string> value = inner_->get(key);
  if (value) cache_->Put(namespace_, key, ThreadCache::Entry{value, context_->timestamp(), false});
  return value;
}

void CachingKeyValueStore::put(const std::string& key, const std::string& value) {
  if (!cache_) {
    WriteThrough(key, value, context_->timestamp());
    return;
  }
  cache_->Put(namespace_, key, ThreadCache::Entry{value, context_->timestamp(), true});
}

std::optional<std::string> CachingKeyValueStore::putIfAbsent(const std::string& key,
                                                             const std::string& value) {
  std::optional<std::string> existing = get(key);
  if (!existing) put(key, value);
  return existing;
}

void CachingKeyValueStore::putAll(const std::vector<KeyValue<std::string, std::string>>& entries) {
  for (const auto& entry : entries) put(entry.key, entry.value);
}

std::optional<std::string> CachingKeyValueStore::remove(const std::string& key) {
  std::optional<std::string> old_value = get(key);
  if (!cache_) {
    if (old_value) WriteThrough(key, std::nullopt, context_->timestamp());
    return old_value;
  }
  cache_->Put(namespace_, key, ThreadCache::Entry{std::nullopt, context_->timestamp(), true});
  return old_value;
}

KeyValueIteratorPtr<std::string, std::string> CachingKeyValueStore::Merge(
    const std::optional<std::string>& from, const std::optional<std::string>& to, bool to_inclusive,
    KeyValueIteratorPtr<std::string, std::string> store, bool reverse) {
  MergedSortedCacheIterator<std::string>::CacheEntries cached;
  for (auto& [key, entry] : cache_->Range(namespace_, from, to, to_inclusive)) {
    cached.emplace_back(std::move(key), std::move(entry.value));
  }
  if (reverse) std::reverse(cached.begin(), cached.end());
  return std::make_unique<MergedSortedCacheIterator<std::string>>(std::move(cached),
                                                                  std::move(store), reverse);
}

KeyValueIteratorPtr<std::string, std::string> CachingKeyValueStore::range(
    const std::optional<std::string>& from, const std::optional<std::string>& to) {
  if (!cache_) return inner_->range(from, to);
  return Merge(from, to, true, inner_->range(from, to), false);
}

KeyValueIteratorPtr<std::string, std::string> CachingKeyValueStore::reverseRange(
    const std::optional<std::string>& from, const std::optional<std::string>& to) {
  if (!cache_) return inner_->reverseRange(from, to);
  return Merge(from, to, true, inner_->reverseRange(from, to), true);
}

KeyValueIteratorPtr<std::string, std::string> CachingKeyValueStore::all() {
  if (!cache_) return inner_->all();
  return Merge(std::nullopt, std::nullopt, true, inner_->all(), false);
}

KeyValueIteratorPtr<std::string, std::string> CachingKeyValueStore::reverseAll() {
  if (!cache_) return inner_->reverseAll();
  return Merge(std::nullopt, std::nullopt, true, inner_->reverseAll(), true);
}

KeyValueIteratorPtr<std::string, std::string> CachingKeyValueStore::prefixScan(
    const std::string& prefix) {
  if (!cache_) return inner_->prefixScan(prefix);
  // The first key after every key starting with `prefix`: the prefix with its last byte below
  // 0xff counted up and the rest dropped; none when it is all 0xff bytes.
  std::optional<std::string> end = prefix;
  while (!end->empty() && static_cast<uint8_t>(end->back()) == 0xff) end->pop_back();
  if (end->empty()) {
    end.reset();
  } else {
    end->back() = static_cast<char>(static_cast<uint8_t>(end->back()) + 1);
  }
  return Merge(prefix, end, false, inner_->prefixScan(prefix), false);
}

}  // namespace brook::statestore
