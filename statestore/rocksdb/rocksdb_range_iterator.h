#pragma once

#include <memory>
#include <optional>
#include <string>

#include "statestore/api/key_value_iterator.h"
#include "statestore/rocksdb/open_iterators.h"

namespace rocksdb {
class Iterator;
}  // namespace rocksdb

namespace brook::statestore {

// A key-value store's range, reverse range or prefix scan over one RocksDB iterator (a
// consistent view of the database as of its creation; later writes are not seen).
// Thread safety: none.
class RocksDBRangeIterator final : public streams::KeyValueIterator<std::string, std::string>,
                                   public ClosableIterator {
 public:
  struct Bounds {
    std::optional<std::string> from;    // inclusive; nullopt: from the first key
    std::optional<std::string> to;      // inclusive; nullopt: to the last key
    std::optional<std::string> prefix;  // only keys starting with it
    bool reverse = false;
  };

  RocksDBRangeIterator(std::string store_name, std::unique_ptr<rocksdb::Iterator> iterator,
                       Bounds bounds, std::shared_ptr<OpenIterators> registry);
  ~RocksDBRangeIterator() override;

  bool hasNext() override;
  streams::KeyValue<std::string, std::string> next() override;
  std::string peekNextKey() override;
  void CloseBecauseStoreClosed() override;

 private:
  void CheckOpen() const;

  std::string store_name_;
  std::unique_ptr<rocksdb::Iterator> iterator_;
  Bounds bounds_;
  std::shared_ptr<OpenIterators> registry_;
};

}  // namespace brook::statestore
