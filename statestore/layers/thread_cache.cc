#include "statestore/layers/thread_cache.h"

namespace brook::statestore {

ThreadCache::ThreadCache(int64_t max_bytes) : max_bytes_(max_bytes) {}

ThreadCache::~ThreadCache() = default;

std::string ThreadCache::NamespaceOf(const streams::TaskId& task, const std::string& store) {
  return task.toString() + "-" + store;
}

ThreadCache::NamedCache& ThreadCache::GetOrCreate(const std::string& ns) {
  auto it = caches_.find(ns);
  if (it == caches_.end()) {
    auto cache = std::make_unique<NamedCache>();
    cache->name = ns;
    it = caches_.emplace(ns, std::move(cache)).first;
  }
  return *it->second;
}

void ThreadCache::AddFlushListener(const std::string& ns, FlushListener listener) {
  GetOrCreate(ns).listener = std::move(listener);
}

const ThreadCache::Entry* ThreadCache::Get(const std::string& ns, std::string_view key) {
  auto cache = caches_.find(ns);
  if (cache == caches_.end()) {
    ++misses_;
    return nullptr;
  }
  auto it = cache->second->entries.find(key);
  if (it == cache->second->entries.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return &it->second.entry;
}

void ThreadCache::Put(const std::string& ns, std::string key, Entry entry) {
  NamedCache& cache = GetOrCreate(ns);
  auto it = cache.entries.find(key);
  if (it != cache.entries.end()) {
    Node& node = it->second;
    size_bytes_ -= EntrySize(it->first, node.entry);
    if (node.entry.dirty) cache.dirty_order.erase(node.dirty_position);
    node.entry = std::move(entry);
    lru_.splice(lru_.begin(), lru_, node.lru);
  } else {
    it = cache.entries.emplace(std::move(key), Node{}).first;
    lru_.push_front(LruRef{&cache, &it->first});
    it->second.lru = lru_.begin();
    it->second.entry = std::move(entry);
  }
  Node& node = it->second;
  if (node.entry.dirty) {
    cache.dirty_order.push_back(&it->first);
    node.dirty_position = std::prev(cache.dirty_order.end());
  }
  size_bytes_ += EntrySize(it->first, node.entry);
  MaybeEvict();
}

std::vector<std::pair<std::string, ThreadCache::Entry>> ThreadCache::Range(
    const std::string& ns, const std::optional<std::string>& from,
    const std::optional<std::string>& to, bool to_inclusive) const {
  std::vector<std::pair<std::string, Entry>> result;
  auto cache = caches_.find(ns);
  if (cache == caches_.end()) return result;
  if (from && to && (*from > *to || (*from == *to && !to_inclusive))) return result;
  const EntryMap& entries = cache->second->entries;
  auto begin = from ? entries.lower_bound(*from) : entries.begin();
  auto end = !to            ? entries.end()
             : to_inclusive ? entries.upper_bound(*to)
                            : entries.lower_bound(*to);
  for (auto it = begin; it != end; ++it) result.emplace_back(it->first, it->second.entry);
  return result;
}

void ThreadCache::Flush(const std::string& ns) {
  auto cache = caches_.find(ns);
  if (cache != caches_.end()) FlushCache(*cache->second);
}

void ThreadCache::FlushCache(NamedCache& cache) {
  ++flushes_;
  if (cache.dirty_order.empty()) return;
  std::vector<DirtyEntry> dirty;
  dirty.reserve(cache.dirty_order.size());
  std::vector<std::string> deleted;
  for (const std::string* key : cache.dirty_order) {
    Node& node = cache.entries.find(*key)->second;
    dirty.push_back(DirtyEntry{*key, node.entry.value, node.entry.timestamp});
    node.entry.dirty = false;
    if (!node.entry.value) deleted.push_back(*key);
  }
  // Cleared before the listener runs: it may write to this namespace again.
  cache.dirty_order.clear();
  if (cache.listener) cache.listener(dirty);
  for (const std::string& key : deleted) {
    auto it = cache.entries.find(key);
    if (it != cache.entries.end() && !it->second.entry.dirty && !it->second.entry.value) {
      Erase(cache, it);
    }
  }
}

void ThreadCache::Erase(NamedCache& cache, EntryMap::iterator it) {
  size_bytes_ -= EntrySize(it->first, it->second.entry);
  if (it->second.entry.dirty) cache.dirty_order.erase(it->second.dirty_position);
  lru_.erase(it->second.lru);
  cache.entries.erase(it);
}

void ThreadCache::MaybeEvict() {
  while (size_bytes_ > max_bytes_ && !lru_.empty()) {
    NamedCache* cache = lru_.back().cache;
    std::string key = *lru_.back().key;
    auto it = cache->entries.find(key);
    if (it->second.entry.dirty) {
      // Flushes the whole namespace in write order, the victim among them; the listener may
      // change the cache, so the victim is looked up again.
      FlushCache(*cache);
      it = cache->entries.find(key);
    }
    // A victim written again during the flush is dirty and most recently used: it stays.
    if (it != cache->entries.end() && !it->second.entry.dirty) {
      Erase(*cache, it);
      ++evictions_;
    }
  }
}

void ThreadCache::Close(const std::string& ns) {
  auto cache = caches_.find(ns);
  if (cache == caches_.end()) return;
  NamedCache& named = *cache->second;
  while (!named.entries.empty()) Erase(named, named.entries.begin());
  caches_.erase(cache);
}

void ThreadCache::Resize(int64_t max_bytes) {
  max_bytes_ = max_bytes;
  MaybeEvict();
}

}  // namespace brook::statestore
