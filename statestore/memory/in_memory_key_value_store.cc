#include "statestore/memory/in_memory_key_value_store.h"

#include <vector>

#include "statestore/api/state_store_context.h"
#include "statestore/memory/vector_iterator.h"

namespace brook::statestore {

using streams::KeyValue;
using streams::KeyValueIteratorPtr;

void InMemoryKeyValueStore::init(streams::StateStoreContext& context, streams::StateStore& root) {
  map_.clear();
  context.registerStore(root, [this](std::span<const streams::ChangelogRecord> batch) {
    for (const auto& record : batch) {
      if (record.value) {
        map_.insert_or_assign(std::string(record.key), std::string(*record.value));
      } else {
        map_.erase(std::string(record.key));
      }
    }
  });
  open_ = true;
}

std::optional<std::string> InMemoryKeyValueStore::get(const std::string& key) {
  auto it = map_.find(key);
  if (it == map_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> InMemoryKeyValueStore::putIfAbsent(const std::string& key,
                                                              const std::string& value) {
  auto [it, inserted] = map_.emplace(key, value);
  if (inserted) return std::nullopt;
  return it->second;
}

void InMemoryKeyValueStore::putAll(const std::vector<KeyValue<std::string, std::string>>& entries) {
  for (const auto& entry : entries) map_[entry.key] = entry.value;
}

std::optional<std::string> InMemoryKeyValueStore::remove(const std::string& key) {
  auto it = map_.find(key);
  if (it == map_.end()) return std::nullopt;
  std::string old = std::move(it->second);
  map_.erase(it);
  return old;
}

KeyValueIteratorPtr<std::string, std::string> InMemoryKeyValueStore::Copy(
    const std::optional<std::string>& from, const std::optional<std::string>& to, bool reverse) {
  std::vector<KeyValue<std::string, std::string>> entries;
  if (!(from && to && *from > *to)) {
    auto begin = from ? map_.lower_bound(*from) : map_.begin();
    auto end = to ? map_.upper_bound(*to) : map_.end();
    for (auto it = begin; it != end; ++it) entries.push_back({it->first, it->second});
  }
  return MakeVectorIterator(std::move(entries), reverse);
}

KeyValueIteratorPtr<std::string, std::string> InMemoryKeyValueStore::range(
    const std::optional<std::string>& from, const std::optional<std::string>& to) {
  return Copy(from, to, false);
}

KeyValueIteratorPtr<std::string, std::string> InMemoryKeyValueStore::reverseRange(
    const std::optional<std::string>& from, const std::optional<std::string>& to) {
  return Copy(from, to, true);
}

KeyValueIteratorPtr<std::string, std::string> InMemoryKeyValueStore::all() {
  return Copy(std::nullopt, std::nullopt, false);
}

KeyValueIteratorPtr<std::string, std::string> InMemoryKeyValueStore::reverseAll() {
  return Copy(std::nullopt, std::nullopt, true);
}

KeyValueIteratorPtr<std::string, std::string> InMemoryKeyValueStore::prefixScan(
    const std::string& prefix) {
  std::vector<KeyValue<std::string, std::string>> entries;
  for (auto it = map_.lower_bound(prefix);
       it != map_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    entries.push_back({it->first, it->second});
  }
  return MakeVectorIterator(std::move(entries), false);
}

}  // namespace brook::statestore
