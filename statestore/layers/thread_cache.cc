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

void ThreadCache::LruPushFront(Node* node) {
  node->lru_prev = nullptr;
  node->lru_next = lru_head_;
  if (lru_head_) lru_head_->lru_prev = node;
  lru_head_ = node;
  if (!lru_tail_) lru_tail_ = node;
}

void ThreadCache::LruUnlink(Node* node) {
  (node->lru_prev ? node->lru_prev->lru_next : lru_head_) = node->lru_next;
  (node->lru_next ? node->lru_next->lru_prev : lru_tail_) = node->lru_prev;
  node->lru_prev = node->lru_next = nullptr;
}

void ThreadCache::DirtyPushBack(NamedCache& cache, Node* node) {
  node->dirty_next = nullptr;
  node->dirty_prev = cache.dirty_tail;
  if (cache.dirty_tail) cache.dirty_tail->dirty_next = node;
  cache.dirty_tail = node;
  if (!cache.dirty_head) cache.dirty_head = node;
}

void ThreadCache::DirtyUnlink(NamedCache& cache, Node* node) {
  (node->dirty_prev ? node->dirty_prev->dirty_next : cache.dirty_head) = node->dirty_next;
  (node->dirty_next ? node->dirty_next->dirty_prev : cache.dirty_tail) = node->dirty_prev;
  node->dirty_prev = node->dirty_next = nullptr;
}

const ThreadCache::Entry* ThreadCache::Get(const std::string& ns, std::string_view key) {
  auto cache = caches_.find(ns);
  if (cache == caches_.end()) {
    ++misses_;
    return nullptr;
  }
  auto it = cache->second->index.find(key);
  if (it == cache->second->index.end()) {
    ++misses_;
    return nullptr;
  }
  ++hits_;
  Node* node = it->second;
  if (node != lru_head_) {
    LruUnlink(node);
    LruPushFront(node);
  }
  return &node->entry;
}

void ThreadCache::Put(const std::string& ns, std::string key, Entry entry) {
  NamedCache& cache = GetOrCreate(ns);
  Node* node = nullptr;
  if (auto found = cache.index.find(key); found != cache.index.end()) {
    node = found->second;
    size_bytes_ -= EntrySize(*node->key, node->entry);
    if (node->entry.dirty) DirtyUnlink(cache, node);
    LruUnlink(node);
  } else {
    auto it = cache.entries.try_emplace(std::move(key)).first;
    node = &it->second;
    node->cache = &cache;
    node->key = &it->first;
    cache.index.emplace(std::string_view(it->first), node);
    ++entries_;
  }
  node->entry = std::move(entry);
  LruPushFront(node);
  if (node->entry.dirty) DirtyPushBack(cache, node);
  size_bytes_ += EntrySize(*node->key, node->entry);
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
  if (!cache.dirty_head) return;
  std::vector<DirtyEntry> dirty;
  std::vector<std::string> deleted;
  for (Node* node = cache.dirty_head; node != nullptr;) {
    Node* next = node->dirty_next;
    dirty.push_back(DirtyEntry{*node->key, node->entry.value, node->entry.timestamp});
    node->entry.dirty = false;
    node->dirty_prev = node->dirty_next = nullptr;
    if (!node->entry.value) deleted.push_back(*node->key);
    node = next;
  }
  // Emptied before the listener runs: it may write to this namespace again.
  cache.dirty_head = cache.dirty_tail = nullptr;
  if (cache.listener) cache.listener(dirty);
  for (const std::string& key : deleted) {
    auto it = cache.entries.find(key);
    if (it != cache.entries.end() && !it->second.entry.dirty && !it->second.entry.value) {
      Erase(cache, it);
    }
  }
}

void ThreadCache::Erase(NamedCache& cache, EntryMap::iterator it) {
  Node* node = &it->second;
  size_bytes_ -= EntrySize(it->first, node->entry);
  if (node->entry.dirty) DirtyUnlink(cache, node);
  LruUnlink(node);
  cache.index.erase(std::string_view(it->first));
  cache.entries.erase(it);
  --entries_;
}

void ThreadCache::MaybeEvict() {
  while (size_bytes_ > max_bytes_ && lru_tail_) {
    Node* victim = lru_tail_;
    NamedCache* cache = victim->cache;
    if (victim->entry.dirty) {
      // Flushes the whole namespace in write order, the victim among them. The listener may
      // change the cache (even evict the victim), so the victim is looked up again by key.
      std::string key = *victim->key;
      FlushCache(*cache);
      auto it = cache->entries.find(key);
      // A victim written again during the flush is dirty and most recently used: it stays.
      if (it == cache->entries.end() || it->second.entry.dirty) continue;
      victim = &it->second;
      if (victim != lru_tail_) continue;  // used again during the flush: not the victim now
    }
    Erase(*cache, cache->entries.find(*victim->key));
    ++evictions_;
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
