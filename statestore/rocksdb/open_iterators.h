#pragma once

#include <memory>
#include <unordered_set>

namespace brook::statestore {

// An iterator a RocksDB store must be able to release when the store closes.
class ClosableIterator {
 public:
  virtual ~ClosableIterator() = default;
  // Releases the RocksDB iterators (and segments) it holds; afterwards the iterator throws
  // InvalidStateStoreException.
  virtual void CloseBecauseStoreClosed() = 0;
};

// The iterators a store has open (Kafka's openIterators): RocksDB must not close a database
// under a live iterator, so the store releases them first. Shared by the store and its iterators
// (an iterator may outlive the store object). Thread safety: none; one task's thread.
class OpenIterators {
 public:
  void Add(ClosableIterator* iterator) { open_.insert(iterator); }
  void Remove(ClosableIterator* iterator) { open_.erase(iterator); }
  void CloseAll() {
    auto open = std::move(open_);
    open_.clear();
    for (ClosableIterator* iterator : open) iterator->CloseBecauseStoreClosed();
  }
  size_t size() const { return open_.size(); }

 private:
  std::unordered_set<ClosableIterator*> open_;
};

}  // namespace brook::statestore
