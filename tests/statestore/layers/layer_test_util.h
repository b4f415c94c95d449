#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "statestore/api/key_value_iterator.h"

namespace brook::statestore {

// Drains an iterator into (key, value) pairs, checking peekNextKey against next() on the way.
template <typename K, typename V>
std::vector<std::pair<K, V>> Drain(streams::KeyValueIteratorPtr<K, V> it) {
  std::vector<std::pair<K, V>> out;
  while (it->hasNext()) {
    K peeked = it->peekNextKey();
    auto entry = it->next();
    if (!(peeked == entry.key)) throw std::logic_error("peekNextKey differs from next().key");
    out.emplace_back(std::move(entry.key), std::move(entry.value));
  }
  return out;
}

// A flush listener's records, as the DSL would see them.
struct FlushedRecord {
  std::string key;
  std::optional<std::string> new_value;
  std::optional<std::string> old_value;
  int64_t timestamp;
  bool operator==(const FlushedRecord&) const = default;
};

}  // namespace brook::statestore
