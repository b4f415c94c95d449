#include "statestore/layers/caching_window_store.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "statestore/layers/cache_key_format.h"
#include "statestore/layers/merged_sorted_cache_iterator.h"

namespace brook::statestore {

using streams::KeyValueIteratorPtr;
using streams::Window;
using streams::Windowed;

namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

// Window store order: key, then window start (the end follows from the start).
struct WindowedCompare {
  int operator()(const Windowed<std::string>& a, const Windowed<std::string>& b) const {
    int order = a.key().compare(b.key());
    if (order != 0) return order < 0 ? -1 : 1;
    return ThreeWayCompare()(a.window().start(), b.window().start());
  }
};

// Splits a cache key made by cache_key::Window.
bool ParseCacheKey(std::string_view cache_key, std::string& key, int64_t& start) {
  return cache_key::ReadKey(cache_key, key) && cache_key::ReadTime(cache_key, start);
}

}  // namespace

CachingWindowStore::CachingWindowStore(std::unique_ptr<streams::WindowBytesStore> inner,
                                       int64_t window_size_ms)
    : inner_(std::move(inner)), window_size_ms_(window_size_ms) {}

void CachingWindowStore::init(streams::StateStoreContext& context, streams::StateStore& root) {
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

bool CachingWindowStore::setFlushListener(
    streams::CacheFlushListener<Windowed<std::string>, std::string> listener,
    bool send_old_values) {
  listener_ = std::move(listener);
  send_old_values_ = send_old_values;
  return true;
}

Windowed<std::string> CachingWindowStore::WindowedOf(std::string key, int64_t start) const {
  int64_t end = start > kMaxTime - window_size_ms_ ? kMaxTime : start + window_size_ms_;
  return Windowed<std::string>(std::move(key), Window(start, end));
}

void CachingWindowStore::OnFlush(const std::vector<ThreadCache::DirtyEntry>& entries) {
  // As CachingKeyValueStore::OnFlush: the store below is written in key order (the cache key's
  // byte order is the window store's, key then window start), which RocksDB's memtable inserts
  // much faster than random order; downstream is told in write order afterwards.
  struct Parsed {
    std::string key;
    int64_t start = 0;
    bool written = false;
    std::optional<std::string> old_value;
  };
  std::vector<Parsed> parsed(entries.size());
  std::vector<uint32_t> order;
  order.reserve(entries.size());
  for (uint32_t i = 0; i < entries.size(); ++i) {
    // Only this class writes the keys; a malformed one is skipped.
    if (ParseCacheKey(entries[i].key, parsed[i].key, parsed[i].start)) order.push_back(i);
  }
  std::sort(order.begin(), order.end(),
            [&entries](uint32_t a, uint32_t b) { return entries[a].key < entries[b].key; });
  const bool want_old = listener_ && send_old_values_;
  for (uint32_t i : order) {
    const ThreadCache::DirtyEntry& entry = entries[i];
    Parsed& p = parsed[i];
    FlushContext::Override timestamp(flush_context_, entry.timestamp);
    std::optional<std::string> old_value;
    if (!entry.value || want_old) old_value = inner_->fetch(p.key, p.start);
    if (!entry.value && !old_value) continue;
    if (entry.value) {
      inner_->put(p.key, *entry.value, p.start);
    } else {
      inner_->remove(p.key, p.start);
    }
    p.written = true;
    if (want_old) p.old_value = std::move(old_value);
  }
  if (!listener_) return;
  for (size_t i = 0; i < entries.size(); ++i) {
    Parsed& p = parsed[i];
    if (!p.written) continue;
    FlushContext::Override timestamp(flush_context_, entries[i].timestamp);
    listener_(WindowedOf(std::move(p.key), p.start), entries[i].value,
              want_old ? p.old_value : std::nullopt, entries[i].timestamp);
  }
}

void CachingWindowStore::WriteThrough(const std::string& key, int64_t window_start,
                                      const std::optional<std::string>& value, int64_t timestamp) {
  std::optional<std::string> old_value;
  if (!value || (listener_ && send_old_values_)) old_value = inner_->fetch(key, window_start);
  if (!value && !old_value) return;
  if (value) {
    inner_->put(key, *value, window_start);
  } else {
    inner_->remove(key, window_start);
  }
  if (listener_) {
    listener_(WindowedOf(key, window_start), value, send_old_values_ ? old_value : std::nullopt,
              timestamp);
  }
}

void CachingWindowStore::flushCache() {
  if (cache_) cache_->Flush(namespace_);
  inner_->flushCache();
}

void CachingWindowStore::flush() {
  if (cache_) cache_->Flush(namespace_);
  inner_->flush();
}

void CachingWindowStore::close() {
  if (cache_ && inner_->isOpen()) {
    cache_->Flush(namespace_);
    cache_->Close(namespace_);
  }
  inner_->close();
}

void CachingWindowStore::Write(const std::string& key, int64_t window_start,
                               const std::optional<std::string>& value) {
  if (!cache_) {
    WriteThrough(key, window_start, value, context_->timestamp());
    return;
  }
  cache_->Put(namespace_, cache_key::Window(key, window_start),
              ThreadCache::Entry{value, context_->timestamp(), true});
}

void CachingWindowStore::put(const std::string& key, const std::string& value,
                             int64_t window_start) {
  Write(key, window_start, value);
}

void CachingWindowStore::remove(const std::string& key, int64_t window_start) {
  Write(key, window_start, std::nullopt);
}

std::optional<std::string> CachingWindowStore::fetch(const std::string& key, int64_t window_start) {
  if (cache_) {
    if (const auto* entry = cache_->Get(namespace_, cache_key::Window(key, window_start))) {
      return entry->value;
    }
  }
  return inner_->fetch(key, window_start);
}

KeyValueIteratorPtr<int64_t, std::string> CachingWindowStore::MergeKey(
    const std::string& key, int64_t time_from, int64_t time_to,
    KeyValueIteratorPtr<int64_t, std::string> store, bool reverse) {
  MergedSortedCacheIterator<int64_t>::CacheEntries cached;
  if (time_from <= time_to) {
    std::string parsed_key;
    int64_t start = 0;
    for (auto& [cache_key, entry] : cache_->Range(namespace_, cache_key::Window(key, time_from),
                                                  cache_key::Window(key, time_to))) {
      if (ParseCacheKey(cache_key, parsed_key, start)) {
        cached.emplace_back(start, std::move(entry.value));
      }
    }
  }
  if (reverse) std::reverse(cached.begin(), cached.end());
  return std::make_unique<MergedSortedCacheIterator<int64_t>>(std::move(cached), std::move(store),
                                                              reverse);
}

KeyValueIteratorPtr<int64_t, std::string> CachingWindowStore::fetch(const std::string& key,
                                                                    int64_t time_from,
                                                                    int64_t time_to) {
  auto store = inner_->fetch(key, time_from, time_to);
  if (!cache_) return store;
  return MergeKey(key, time_from, time_to, std::move(store), false);
}

KeyValueIteratorPtr<int64_t, std::string> CachingWindowStore::backwardFetch(const std::string& key,
                                                                            int64_t time_from,
                                                                            int64_t time_to) {
  auto store = inner_->backwardFetch(key, time_from, time_to);
  if (!cache_) return store;
  return MergeKey(key, time_from, time_to, std::move(store), true);
}

CachingWindowStore::WindowedIterator CachingWindowStore::MergeWindowed(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t time_from, int64_t time_to, WindowedIterator store, bool reverse) {
  MergedSortedCacheIterator<Windowed<std::string>, WindowedCompare>::CacheEntries cached;
  if (time_from <= time_to && !(key_from && key_to && *key_from > *key_to)) {
    std::optional<std::string> from;
    std::optional<std::string> to;
    if (key_from) from = cache_key::KeyStart(*key_from);
    if (key_to) to = cache_key::KeyEnd(*key_to);
    std::string key;
    int64_t start = 0;
    for (auto& [cache_key, entry] : cache_->Range(namespace_, from, to, false)) {
      if (!ParseCacheKey(cache_key, key, start) || start < time_from || start > time_to) continue;
      cached.emplace_back(WindowedOf(key, start), std::move(entry.value));
    }
  }
  if (reverse) std::reverse(cached.begin(), cached.end());
  return std::make_unique<MergedSortedCacheIterator<Windowed<std::string>, WindowedCompare>>(
      std::move(cached), std::move(store), reverse);
}

CachingWindowStore::WindowedIterator CachingWindowStore::fetch(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t time_from, int64_t time_to) {
  auto store = inner_->fetch(key_from, key_to, time_from, time_to);
  if (!cache_) return store;
  return MergeWindowed(key_from, key_to, time_from, time_to, std::move(store), false);
}

CachingWindowStore::WindowedIterator CachingWindowStore::backwardFetch(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t time_from, int64_t time_to) {
  auto store = inner_->backwardFetch(key_from, key_to, time_from, time_to);
  if (!cache_) return store;
  return MergeWindowed(key_from, key_to, time_from, time_to, std::move(store), true);
}

CachingWindowStore::WindowedIterator CachingWindowStore::fetchAll(int64_t time_from,
                                                                  int64_t time_to) {
  auto store = inner_->fetchAll(time_from, time_to);
  if (!cache_) return store;
  return MergeWindowed(std::nullopt, std::nullopt, time_from, time_to, std::move(store), false);
}

CachingWindowStore::WindowedIterator CachingWindowStore::backwardFetchAll(int64_t time_from,
                                                                          int64_t time_to) {
  auto store = inner_->backwardFetchAll(time_from, time_to);
  if (!cache_) return store;
  return MergeWindowed(std::nullopt, std::nullopt, time_from, time_to, std::move(store), true);
}

CachingWindowStore::WindowedIterator CachingWindowStore::all() {
  auto store = inner_->all();
  if (!cache_) return store;
  return MergeWindowed(std::nullopt, std::nullopt, kMinTime, kMaxTime, std::move(store), false);
}

CachingWindowStore::WindowedIterator CachingWindowStore::backwardAll() {
  auto store = inner_->backwardAll();
  if (!cache_) return store;
  return MergeWindowed(std::nullopt, std::nullopt, kMinTime, kMaxTime, std::move(store), true);
}

}  // namespace brook::statestore
