#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "framework/api/errors.h"
#include "statestore/api/key_value_iterator.h"
#include "statestore/rocksdb/open_iterators.h"

namespace rocksdb {
class Comparator;
class Iterator;
}  // namespace rocksdb

namespace brook::statestore {

struct Segment;

// The entries of several segments between two store keys (inclusive, in the segments'
// comparator order; nullopt: open), merged into one sequence in that order (or the reverse):
// by record key, then time, across segments. Each segment is read through a RocksDB iterator
// made when this iterator was (a consistent view; later writes are not seen). `keep` drops
// entries outside the query's time range. Thread safety: none.
class SegmentedIterator final : public ClosableIterator {
 public:
  struct Range {
    std::optional<std::string> lower;
    std::optional<std::string> upper;
    bool reverse = false;
    std::function<bool(std::string_view store_key)> keep;  // empty: keep all
  };

  SegmentedIterator(std::string store_name, const rocksdb::Comparator* comparator,
                    size_t suffix_size, const std::vector<std::shared_ptr<Segment>>& segments,
                    Range range, std::shared_ptr<OpenIterators> registry);
  ~SegmentedIterator() override;

  bool HasNext();
  // The current entry's store key and value; only after HasNext() returned true.
  std::string_view Key() const;
  std::string_view Value() const;
  void Advance();
  void CloseBecauseStoreClosed() override;

 private:
  struct Cursor {
    std::shared_ptr<Segment> segment;  // declared first: outlives `iterator`
    std::unique_ptr<rocksdb::Iterator> iterator;
  };
  bool InBounds(Cursor& cursor) const;
  void Step(Cursor& cursor);

  std::string store_name_;
  const rocksdb::Comparator* comparator_;
  size_t suffix_size_;
  Range range_;
  std::shared_ptr<OpenIterators> registry_;
  std::vector<Cursor> cursors_;
  bool closed_ = false;
  int current_ = -1;  // the cursor at the next entry, once settled
  bool settled_ = false;
};

// A typed view of a SegmentedIterator: `convert` turns a store key into the iterator's key
// (a window start, a Windowed key).
template <typename K>
class ConvertingIterator final : public streams::KeyValueIterator<K, std::string> {
 public:
  ConvertingIterator(std::unique_ptr<SegmentedIterator> inner,
                     std::function<K(std::string_view store_key)> convert)
      : inner_(std::move(inner)), convert_(std::move(convert)) {}
  bool hasNext() override { return inner_->HasNext(); }
  streams::KeyValue<K, std::string> next() override {
    if (!inner_->HasNext()) throw streams::InvalidStateStoreException("next() past the end");
    streams::KeyValue<K, std::string> entry{convert_(inner_->Key()), std::string(inner_->Value())};
    inner_->Advance();
    return entry;
  }
  K peekNextKey() override {
    if (!inner_->HasNext()) throw streams::InvalidStateStoreException("peekNextKey() past the end");
    return convert_(inner_->Key());
  }

 private:
  std::unique_ptr<SegmentedIterator> inner_;
  std::function<K(std::string_view)> convert_;
};

}  // namespace brook::statestore
