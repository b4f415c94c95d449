#include "statestore/rocksdb/segmented_iterator.h"

#include <rocksdb/comparator.h>
#include <rocksdb/iterator.h>

#include "statestore/rocksdb/rocksdb_instance.h"
#include "statestore/rocksdb/segments.h"

namespace brook::statestore {

SegmentedIterator::SegmentedIterator(std::string store_name, const rocksdb::Comparator* comparator,
                                     size_t suffix_size,
                                     const std::vector<std::shared_ptr<Segment>>& segments,
                                     Range range, std::shared_ptr<OpenIterators> registry)
    : store_name_(std::move(store_name)),
      comparator_(comparator),
      suffix_size_(suffix_size),
      range_(std::move(range)),
      registry_(std::move(registry)) {
  registry_->Add(this);
  for (const auto& segment : segments) {
    Cursor cursor{segment, segment->db->NewIterator()};
    rocksdb::Iterator& it = *cursor.iterator;
    if (!range_.reverse) {
      if (range_.lower) {
        it.Seek(*range_.lower);
      } else {
        it.SeekToFirst();
      }
      // Keys shorter than the suffix (the metadata key) sort first; skip them.
      while (it.Valid() && it.key().size() < suffix_size_) it.Next();
    } else if (range_.upper) {
      it.SeekForPrev(*range_.upper);
    } else {
      it.SeekToLast();
    }
    CheckIteratorStatus(it, store_name_);
    cursors_.push_back(std::move(cursor));
  }
}

SegmentedIterator::~SegmentedIterator() { registry_->Remove(this); }

void SegmentedIterator::CloseBecauseStoreClosed() {
  cursors_.clear();
  closed_ = true;
}

bool SegmentedIterator::InBounds(Cursor& cursor) const {
  rocksdb::Iterator& it = *cursor.iterator;
  if (!it.Valid()) {
    CheckIteratorStatus(it, store_name_);
    return false;
  }
  rocksdb::Slice key = it.key();
  if (key.size() < suffix_size_) return false;  // reverse scans end at the metadata key
  if (!range_.reverse) return !range_.upper || comparator_->Compare(key, *range_.upper) <= 0;
  return !range_.lower || comparator_->Compare(key, *range_.lower) >= 0;
}

void SegmentedIterator::Step(Cursor& cursor) {
  if (range_.reverse) {
    cursor.iterator->Prev();
  } else {
    cursor.iterator->Next();
  }
}

bool SegmentedIterator::HasNext() {
  if (closed_) {
    throw streams::InvalidStateStoreException("[" + store_name_ +
                                              "] the store closed under an open iterator");
  }
  while (!settled_) {
    current_ = -1;
    for (size_t i = 0; i < cursors_.size(); ++i) {
      if (!InBounds(cursors_[i])) continue;
      if (current_ < 0) {
        current_ = static_cast<int>(i);
        continue;
      }
      int c = comparator_->Compare(cursors_[i].iterator->key(), cursors_[current_].iterator->key());
      if (range_.reverse ? c > 0 : c < 0) current_ = static_cast<int>(i);
    }
    if (current_ >= 0 && range_.keep && !range_.keep(Key())) {
      Step(cursors_[current_]);
      continue;
    }
    settled_ = true;
  }
  return current_ >= 0;
}

std::string_view SegmentedIterator::Key() const {
  rocksdb::Slice key = cursors_[current_].iterator->key();
  return std::string_view(key.data(), key.size());
}

std::string_view SegmentedIterator::Value() const {
  rocksdb::Slice value = cursors_[current_].iterator->value();
  return std::string_view(value.data(), value.size());
}

void SegmentedIterator::Advance() {
  if (!HasNext()) return;
  Step(cursors_[current_]);
  settled_ = false;
}

}  // namespace brook::statestore
