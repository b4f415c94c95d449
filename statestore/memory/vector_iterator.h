#pragma once

#include <algorithm>
#include <memory>
#include <vector>

#include "statestore/api/key_value_iterator.h"

namespace brook::statestore {

// An iterator over entries copied out of a store (in-memory stores, merged cache views).
template <typename K, typename V>
class VectorIterator final : public streams::KeyValueIterator<K, V> {
 public:
  explicit VectorIterator(std::vector<streams::KeyValue<K, V>> entries)
      : entries_(std::move(entries)) {}
  bool hasNext() override { return next_ < entries_.size(); }
  streams::KeyValue<K, V> next() override { return std::move(entries_[next_++]); }
  K peekNextKey() override { return entries_[next_].key; }

 private:
  std::vector<streams::KeyValue<K, V>> entries_;
  size_t next_ = 0;
};

template <typename K, typename V>
streams::KeyValueIteratorPtr<K, V> MakeVectorIterator(std::vector<streams::KeyValue<K, V>> entries,
                                                      bool reverse) {
  if (reverse) std::reverse(entries.begin(), entries.end());
  return std::make_unique<VectorIterator<K, V>>(std::move(entries));
}

}  // namespace brook::statestore
