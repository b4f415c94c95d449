#include "statestore/rocksdb/rocksdb_range_iterator.h"

#include <rocksdb/iterator.h>

#include "framework/api/errors.h"
#include "statestore/rocksdb/rocksdb_instance.h"

namespace brook::statestore {

RocksDBRangeIterator::RocksDBRangeIterator(std::string store_name,
                                           std::unique_ptr<rocksdb::Iterator> iterator,
                                           Bounds bounds, std::shared_ptr<OpenIterators> registry)
    : store_name_(std::move(store_name)),
      iterator_(std::move(iterator)),
      bounds_(std::move(bounds)),
      registry_(std::move(registry)) {
  registry_->Add(this);
  if (bounds_.prefix) {
    iterator_->Seek(*bounds_.prefix);
  } else if (!bounds_.reverse) {
    if (bounds_.from) {
      iterator_->Seek(*bounds_.from);
    } else {
      iterator_->SeekToFirst();
    }
  } else if (bounds_.to) {
    iterator_->SeekForPrev(*bounds_.to);
  } else {
    iterator_->SeekToLast();
  }
}

RocksDBRangeIterator::~RocksDBRangeIterator() { registry_->Remove(this); }

void RocksDBRangeIterator::CloseBecauseStoreClosed() { iterator_.reset(); }

void RocksDBRangeIterator::CheckOpen() const {
  if (!iterator_) {
    throw streams::InvalidStateStoreException("[" + store_name_ +
                                              "] the store closed under an open iterator");
  }
}

bool RocksDBRangeIterator::hasNext() {
  CheckOpen();
  if (!iterator_->Valid()) {
    CheckIteratorStatus(*iterator_, store_name_);
    return false;
  }
  rocksdb::Slice key = iterator_->key();
  if (bounds_.prefix) return key.starts_with(*bounds_.prefix);
  if (bounds_.reverse) return !bounds_.from || key.compare(*bounds_.from) >= 0;
  return !bounds_.to || key.compare(*bounds_.to) <= 0;
}

streams::KeyValue<std::string, std::string> RocksDBRangeIterator::next() {
  if (!hasNext())
    throw streams::InvalidStateStoreException("[" + store_name_ + "] next() past the end");
  streams::KeyValue<std::string, std::string> entry{iterator_->key().ToString(),
                                                    iterator_->value().ToString()};
  if (bounds_.reverse) {
    iterator_->Prev();
  } else {
    iterator_->Next();
  }
  return entry;
}

std::string RocksDBRangeIterator::peekNextKey() {
  if (!hasNext()) {
    throw streams::InvalidStateStoreException("[" + store_name_ + "] peekNextKey() past the end");
  }
  return iterator_->key().ToString();
}

}  // namespace brook::statestore
