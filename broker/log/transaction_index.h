#pragma once

// The aborted-transaction index of a segment, <base>.txnindex, in Kafka's layout
// (docs/formats/log.md): 34-byte entries, big-endian
//   int16 version            0
//   int64 producer id
//   int64 first offset       first offset of the aborted transaction in this partition
//   int64 last offset        offset of its ABORT marker
//   int64 last stable offset the partition's LSO right after the marker
// One entry per ABORT marker that closed a non-empty transaction, in the segment that holds the
// marker, in marker order. A read_committed Fetch lists every entry whose last offset is at or
// after the fetch offset and whose first offset is below the end of the returned data.

#include <memory>
#include <string>
#include <vector>

#include "broker/log/env.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::log {

inline constexpr const char* kTxnIndexFileSuffix = ".txnindex";
inline constexpr size_t kTxnIndexEntrySize = 34;

struct AbortedTxn {
  ProducerId producer_id;
  Offset first_offset;
  Offset last_offset;
  Offset last_stable_offset;

  bool operator==(const AbortedTxn&) const = default;
};

// The entries of one <base>.txnindex, kept in memory and appended to the file (created on the
// first append, as Kafka creates it lazily).
// Thread safety: none; the owning Segment's Log serialises calls.
class TransactionIndex {
 public:
  // Opens the index at `path`, reading its entries when the file exists. A damaged file (size
  // not a multiple of 34, an unknown version, last offsets not increasing) keeps its whole valid
  // entries up to the damage, cuts the rest from the file and logs a warning: the index only
  // ever loses entries the caller's replay can write again.
  static Result<std::unique_ptr<TransactionIndex>> Open(Env* env, std::string path);

  // Appends an entry. InvalidArgument when its last offset is not above the previous entry's.
  Status Append(const AbortedTxn& txn);
  // Syncs the file when entries were appended since the last flush.
  Status Flush();
  // Drops the entries whose last offset is >= `offset` (the segment was cut there).
  Status TruncateTo(Offset offset);
  // Deletes the file (if it exists) and forgets the entries.
  Status Delete();
  // Renames the file (segment swaps); the index keeps its entries.
  Status Rename(std::string new_path);

  // Appends to `*out` the entries with last_offset >= `from` and first_offset < `upper`.
  void Collect(Offset from, Offset upper, std::vector<AbortedTxn>* out) const;
  // True when an entry has this last offset (replay uses it to skip markers already indexed).
  bool Contains(Offset last_offset) const;

  const std::vector<AbortedTxn>& entries() const { return entries_; }
  const std::string& path() const { return path_; }

 private:
  TransactionIndex(Env* env, std::string path) : env_(env), path_(std::move(path)) {}
  Status Rewrite();  // writes entries_ as the whole file (after a truncation)

  Env* env_;
  std::string path_;
  std::unique_ptr<File> file_;  // null until the first append (or when it existed at open)
  std::vector<AbortedTxn> entries_;
  bool dirty_ = false;
};

}  // namespace brook::broker::log
