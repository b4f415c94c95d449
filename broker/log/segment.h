#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "broker/log/env.h"
#include "broker/log/offset_index.h"
#include "broker/log/transaction_index.h"
#include "broker/record/record_batch.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::log {

// Where a batch sits in a segment file.
struct BatchLocation {
  uint64_t position;
  uint64_t size;
  Offset base_offset;
  Offset last_offset;
};

// What a recovery scan of a segment found.
struct SegmentRecovery {
  uint64_t bytes_scanned = 0;
  uint64_t bytes_truncated = 0;
  int64_t batches = 0;
  std::string reason;  // why it truncated, empty when it did not
};

// One segment of a partition log: <base>.log with its .index and .timeindex (index_format.h), and
// the aborted-transaction index .txnindex (transaction_index.h) once an ABORT marker lands in it.
// Appends go to the end; indexes get an entry every index.interval.bytes and reach their files on
// Flush(). The segment knows its next offset and largest timestamp.
// Thread safety: none; the owning Log serialises all calls. The log file is shared (shared_ptr)
// so readers can keep it open while the segment is deleted or replaced.
class Segment {
 public:
  // Creates an empty segment (existing files with its names are cut to zero). A non-empty
  // `name_suffix` is added to every file name (the cleaner writes "<base>.log.cleaned" ...).
  static Result<std::unique_ptr<Segment>> Create(Env* env, const std::string& dir, Offset base,
                                                 const std::string& name_suffix = "");
  // Opens the files of an existing segment. Call LoadIndexes() or Recover() next.
  static Result<std::unique_ptr<Segment>> Open(Env* env, const std::string& dir, Offset base);

  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  // Trusts the index files (after a clean shutdown): parses them, then reads the batch headers
  // after the last offset-index entry to learn the next offset and largest timestamp.
  // Corruption when an index file is damaged or the tail is not whole batches; the caller then
  // runs Recover(0).
  Status LoadIndexes();

  // Validates every batch from `position` (which must start a batch; indexes are assumed right
  // before it) to the end of the file: structure, CRC, offsets increasing from `min_offset`.
  // With `contiguous_offsets` each batch must start where the previous one ended: true for the
  // unflushed tail the log assigned offsets to, false for closed segments that compaction may
  // have left with gaps. Rebuilds the indexes on the way and cuts the file at the first bad
  // batch.
  Result<SegmentRecovery> Recover(uint64_t position, Offset min_offset,
                                  int32_t index_interval_bytes, bool contiguous_offsets);
  // Recovery starting from the last index entry below `offset` whose batch is intact; falls
  // back to a full scan. Used for the segment that holds the recovery point.
  Result<SegmentRecovery> RecoverFrom(Offset recovery_point, int32_t index_interval_bytes);

  // Appends a batch whose offsets are already assigned (base >= next_offset()).
  Status Append(const record::RecordBatchView& batch, int32_t index_interval_bytes);

  // The first batch whose last offset >= `target`, or nullopt when there is none.
  Result<std::optional<BatchLocation>> FindBatch(Offset target) const;
  // The end (exclusive byte position) of a read that starts at batch `first` and takes whole
  // batches while they fit in `max_bytes` (always at least `first`), stopping before a batch
  // whose base offset is >= `upper_bound`.
  Result<uint64_t> ReadEnd(const BatchLocation& first, uint64_t max_bytes,
                           Offset upper_bound) const;
  // The first offset >= `min_offset` whose record timestamp is >= `timestamp`, with that
  // timestamp; nullopt when none.
  Result<std::optional<std::pair<Offset, int64_t>>> FindOffsetByTimestamp(int64_t timestamp,
                                                                          Offset min_offset) const;

  // Cuts the segment so it ends before `offset` (whole batches). Returns bytes removed.
  Result<uint64_t> TruncateFromOffset(Offset offset, int32_t index_interval_bytes);

  // Makes the log and the indexes durable.
  Status Flush();
  // Writes the pending index entries and syncs the index files, not the log file (whose sync
  // can then happen without the caller's lock, through log_file()).
  Status FlushIndexes();
  // A segment stops being active: record the final time-index entry (Kafka does the same), so a
  // reopen knows the largest timestamp without a scan.
  void MarkInactive();
  // Deletes the segment's files.
  Status DeleteFiles();

  Offset base_offset() const { return base_; }
  Offset next_offset() const { return next_offset_; }
  uint64_t size() const { return log_file_->Size(); }
  bool empty() const { return size() == 0; }
  int64_t max_timestamp() const { return max_timestamp_; }
  Offset offset_of_max_timestamp() const { return offset_of_max_timestamp_; }
  // Largest timestamp of the first batch, or -1 (drives segment.ms).
  int64_t rolling_timestamp() const { return rolling_timestamp_; }
  bool index_full(int64_t index_bytes_limit) const;
  const std::shared_ptr<File>& log_file() const { return log_file_; }
  const OffsetIndex& offset_index() const { return index_; }
  const TimeIndex& time_index() const { return time_index_; }
  TransactionIndex& txn_index() { return *txn_index_; }
  const TransactionIndex& txn_index() const { return *txn_index_; }
  std::string log_path() const;

  static std::string FileName(Offset base, const char* suffix);
  // Parses "<20 digits><suffix>"; nullopt when `name` is not such a file.
  static std::optional<Offset> ParseFileName(const std::string& name, const char* suffix);

 private:
  Segment(Env* env, std::string dir, Offset base, std::string name_suffix = "")
      : env_(env),
        dir_(std::move(dir)),
        name_suffix_(std::move(name_suffix)),
        base_(base),
        index_(base),
        time_index_(base),
        next_offset_(base),
        offset_of_max_timestamp_(base) {}
  std::string PathOf(const char* suffix) const;
  Status OpenFiles();
  // Reads both index files into memory, checking their structure only.
  Status ParseIndexFiles();
  Status LoadRollingTimestamp();
  void NoteBatch(const record::RecordBatchView& batch, uint64_t position,
                 int32_t index_interval_bytes);
  Status WriteIndexes(bool rewrite);
  Result<record::RecordBatchView> ReadBatchAt(uint64_t position, Bytes* buffer) const;
  Result<BatchLocation> ReadHeaderAt(uint64_t position) const;

  Env* env_;
  std::string dir_;
  std::string name_suffix_;
  Offset base_;
  std::shared_ptr<File> log_file_;
  std::unique_ptr<File> index_file_;
  std::unique_ptr<File> time_index_file_;
  std::unique_ptr<TransactionIndex> txn_index_;
  OffsetIndex index_;
  TimeIndex time_index_;
  size_t index_entries_on_disk_ = 0;
  size_t time_entries_on_disk_ = 0;
  bool indexes_need_rewrite_ = false;
  bool index_files_missing_ = false;  // when opened
  bool log_dirty_ = false;

  Offset next_offset_;
  int64_t max_timestamp_ = -1;
  Offset offset_of_max_timestamp_;
  int64_t rolling_timestamp_ = -1;
  uint64_t bytes_since_index_entry_ = 0;
};

}  // namespace brook::broker::log
