#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "framework/api/task_id.h"

namespace brook::statestore {

// The record cache of one stream thread (Kafka's ThreadCache with its NamedCaches): every
// caching store of the thread's tasks keeps its not-yet-flushed writes here, in a namespace of
// its own ("<task>-<store>", NamespaceOf). The cache holds at most max_bytes
// (statestore.cache.max.bytes, Kafka's default 10 MiB) of entries across all namespaces; when a
// put goes over, the least recently used entries of the whole thread are evicted. Evicting a
// dirty entry first flushes every dirty entry of its namespace, in the order they were last
// written, through the namespace's flush listener (the caching store, which writes them to the
// store below and forwards them). Flush(namespace) does the same at each commit.
//
// Entry size: key bytes + value bytes + kEntryOverheadBytes (map and list nodes, timestamp).
//
// Re-entrancy: a flush listener may use the cache (its writes go to the next flush): a namespace
// marks its entries clean before calling the listener.
//
// Thread safety: none; one stream thread uses it.
class ThreadCache {
 public:
  static constexpr int64_t kDefaultMaxBytes = 10 * 1024 * 1024;
  static constexpr int64_t kEntryOverheadBytes = 112;

  struct Entry {
    std::optional<std::string> value;  // nullopt: the key was deleted (a tombstone)
    int64_t timestamp = 0;             // of the record that wrote it
    bool dirty = false;                // not yet written to the store below
  };
  struct DirtyEntry {
    std::string key;
    std::optional<std::string> value;
    int64_t timestamp = 0;
  };
  // Gets the dirty entries of a flush in the order they were last written.
  using FlushListener = std::function<void(const std::vector<DirtyEntry>& entries)>;

  explicit ThreadCache(int64_t max_bytes = kDefaultMaxBytes);
  ThreadCache(const ThreadCache&) = delete;
  ThreadCache& operator=(const ThreadCache&) = delete;
  ~ThreadCache();

  // "<task>-<store>", e.g. "0_1-counts".
  static std::string NamespaceOf(const streams::TaskId& task, const std::string& store);

  // Sets the listener that writes `ns`'s dirty entries out; creates the namespace.
  void AddFlushListener(const std::string& ns, FlushListener listener);

  // The entry of `key`, or nullptr; a hit makes it the most recently used. The pointer is valid
  // until the next call into the cache.
  const Entry* Get(const std::string& ns, std::string_view key);
  // Adds or replaces `key`'s entry (a dirty entry goes last in the flush order), then evicts
  // while the cache is over its size. The entry may itself be evicted (and flushed) at once.
  void Put(const std::string& ns, std::string key, Entry entry);
  // The entries with from <= key <= to (to exclusive when !to_inclusive), a missing bound open,
  // in key order; copies, so the cache may change while the caller uses them. Does not change
  // the LRU order (as Kafka's range).
  std::vector<std::pair<std::string, Entry>> Range(const std::string& ns,
                                                   const std::optional<std::string>& from,
                                                   const std::optional<std::string>& to,
                                                   bool to_inclusive = true) const;
  // Writes `ns`'s dirty entries out through its listener; then drops its deleted keys.
  void Flush(const std::string& ns);
  // Drops `ns` and its entries, dirty ones too (flush first). Unknown namespaces are ignored.
  void Close(const std::string& ns);
  // A new maximum size; evicts at once when it shrinks.
  void Resize(int64_t max_bytes);

  int64_t maxBytes() const { return max_bytes_; }
  int64_t sizeBytes() const { return size_bytes_; }
  int64_t size() const { return entries_; }
  int64_t hits() const { return hits_; }
  int64_t misses() const { return misses_; }
  int64_t evictions() const { return evictions_; }
  int64_t flushes() const { return flushes_; }

 private:
  struct NamedCache;
  // One cached key. Nodes live in their namespace's map (map nodes do not move) and are linked
  // into two intrusive lists, so that neither list allocates and neither needs a map lookup to
  // reach an entry: the thread's LRU order and the namespace's dirty (flush) order.
  struct Node {
    Entry entry;
    NamedCache* cache = nullptr;
    const std::string* key = nullptr;  // the key inside the map
    Node* lru_prev = nullptr;          // towards the most recently used
    Node* lru_next = nullptr;
    Node* dirty_prev = nullptr;        // towards the oldest write; linked while entry.dirty
    Node* dirty_next = nullptr;
  };
  using EntryMap = std::map<std::string, Node, std::less<>>;
  struct NamedCache {
    std::string name;
    EntryMap entries;  // key order, for ranges
    // The same nodes by key (views of the map's keys), so that Get and Put of a cached key do not
    // walk the ordered map: a point lookup is the cache's hot path, a range the rare one.
    std::unordered_map<std::string_view, Node*> index;
    Node* dirty_head = nullptr;  // oldest write
    Node* dirty_tail = nullptr;
    FlushListener listener;
  };

  static int64_t EntrySize(const std::string& key, const Entry& entry) {
    return static_cast<int64_t>(key.size() + (entry.value ? entry.value->size() : 0)) +
           kEntryOverheadBytes;
  }
  void LruPushFront(Node* node);
  void LruUnlink(Node* node);
  static void DirtyPushBack(NamedCache& cache, Node* node);
  static void DirtyUnlink(NamedCache& cache, Node* node);
  NamedCache& GetOrCreate(const std::string& ns);
  void FlushCache(NamedCache& cache);
  void Erase(NamedCache& cache, EntryMap::iterator it);
  void MaybeEvict();

  int64_t max_bytes_;
  int64_t size_bytes_ = 0;
  std::unordered_map<std::string, std::unique_ptr<NamedCache>> caches_;
  Node* lru_head_ = nullptr;  // most recently used
  Node* lru_tail_ = nullptr;  // least recently used: the next victim
  int64_t entries_ = 0;
  int64_t hits_ = 0;
  int64_t misses_ = 0;
  int64_t evictions_ = 0;
  int64_t flushes_ = 0;
};

}  // namespace brook::statestore
