#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker/log/env.h"
#include "broker/log/log_config.h"
#include "broker/log/producer_state.h"
#include "broker/log/segment.h"
#include "broker/log/transaction_index.h"
#include "common/clock.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::log {

class LogCleaner;

// Who writes a batch (Kafka's AppendOrigin). Client batches get every producer check (sequence,
// duplicates, epoch, transaction state); coordinator batches (transaction markers, transactional
// offset commits of the group coordinator) only the epoch check.
enum class AppendOrigin { kClient, kCoordinator };

struct AppendOptions {
  AppendOrigin origin = AppendOrigin::kClient;
  // Written into the batch's PartitionLeaderEpoch. Single node: always 0.
  int32_t leader_epoch = 0;
  // The caller already checked the batch's CRC (the Produce handler's validation): skip the
  // second pass over the bytes. Default: false.
  bool crc_verified = false;
};

struct AppendResult {
  // What the producer state said. Anything other than kAppend and kDuplicate means nothing was
  // written and the offsets below are unset; `producer_error` says why.
  ProducerCheck producer_check = ProducerCheck::kAppend;
  std::string producer_error;
  Offset base_offset;     // first offset of the appended batch (of the original for a duplicate)
  Offset last_offset;     // last offset of the appended batch (of the original for a duplicate)
  Offset log_end_offset;  // next offset to be assigned
  Offset log_start_offset;
  int64_t max_timestamp = -1;

  bool appended() const { return producer_check == ProducerCheck::kAppend; }
  bool rejected() const {
    return producer_check != ProducerCheck::kAppend && producer_check != ProducerCheck::kDuplicate;
  }
};

// Bytes of a partition that a fetch returns: a range of one segment file holding whole batches.
// The file stays open as long as this object lives, even if the segment is deleted meanwhile, so
// a server can send it with sendfile.
struct ReadResult {
  std::shared_ptr<File> file;  // null when there is nothing to return
  uint64_t position = 0;
  uint64_t size = 0;
  Offset first_batch_offset;  // base offset of the first batch in the range
  Offset log_start_offset;
  Offset log_end_offset;
  Offset last_stable_offset;

  bool empty() const { return size == 0; }
  // Copies the range into memory.
  Result<Bytes> ReadBytes() const;
  // Copies the range into `*buffer`, resizing it (reusing its capacity: no allocation once it
  // is big enough).
  Status ReadInto(Bytes* buffer) const;
};

// What Open() found and did, for logs, tests and the benchmark.
struct OpenStats {
  bool clean_shutdown = false;
  int segments = 0;
  int segments_recovered = 0;  // scanned and re-indexed
  uint64_t bytes_scanned = 0;
  uint64_t bytes_truncated = 0;
  int segments_deleted = 0;  // after a corrupt batch, the segments behind it
};

// The log of one topic-partition: a directory `<topic>-<partition>/` of segments named by base
// offset, each with an offset index and a time index, laid out as Kafka lays them out
// (docs/formats/log.md).
//
// Appends assign offsets, roll segments by size, age and index size, and flush by
// flush.messages / flush.ms (default: the page cache decides). Reads return whole batches as a
// file range. Retention deletes whole segments by age and size; DeleteRecordsBefore moves the
// log start offset. Close() writes a clean-shutdown marker so the next Open() trusts the
// indexes and scans only the last index interval; without it Open() validates everything after
// the recovery point (the offset up to which the log was last flushed), cuts a torn or corrupt
// tail at the last good batch, and rebuilds missing or damaged indexes.
//
// Producer state (producer_state.h) is checked and updated under the same lock as the append, so
// an idempotent producer's retry is answered with the original offsets and transactions give the
// last stable offset (LSO); ABORT markers add to the segment's .txnindex. The state is
// snapshotted at each roll and at Close() and rebuilt on open from the newest snapshot plus the
// batches after it.
//
// Thread safety: all methods are safe to call concurrently; one mutex serialises them.
class Log {
 public:
  // Opens (creating when absent) the partition log in directory `dir`, whose last path
  // component is `<topic>-<partition>`. `env` and `clock` must outlive the log.
  static Result<std::unique_ptr<Log>> Open(Env* env, const std::string& dir, LogConfig config,
                                           Clock* clock = SystemClock::Get());
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // Appends one record batch (`batch` must hold exactly one), rewriting its BaseOffset and
  // PartitionLeaderEpoch in place. Errors: Corruption (bad length, magic or CRC, or an unreadable
  // control record), TooLarge (over max.message.bytes), InvalidArgument (negative
  // LastOffsetDelta), FailedPrecondition (closed), IOError. Nothing is written when it fails or
  // when the producer state rejects the batch or finds it a duplicate (see AppendResult; the
  // BaseOffset and epoch of `batch` may have been rewritten).
  Result<AppendResult> Append(std::span<uint8_t> batch, const AppendOptions& options = {});

  // Whole batches starting with the one that holds `offset`, up to `max_bytes` but always at
  // least one batch, and none whose base offset is >= `upper_bound` (default: log end).
  // Empty at the log end. OutOfRange when `offset` is below the log start or past the end.
  Result<ReadResult> Read(Offset offset, uint64_t max_bytes,
                          std::optional<Offset> upper_bound = std::nullopt) const;

  // The last stable offset: the first offset of the oldest open transaction, else the log end.
  Offset last_stable_offset() const;
  // The aborted transactions a read_committed fetch of [from, upper) must list: every entry of
  // the .txnindex files whose ABORT marker is at or after `from` and whose first offset is below
  // `upper`, in marker order.
  std::vector<AbortedTxn> CollectAbortedTxns(Offset from, Offset upper) const;
  // The producers this partition knows (DescribeProducers).
  std::vector<ProducerEntry> Producers() const;
  // Forgets producers idle for `expiration_ms` (producer.id.expiration.ms) without an open
  // transaction. Returns how many.
  int RemoveExpiredProducers(int64_t now_ms, int64_t expiration_ms);

  // The first offset (>= log start) whose record timestamp is >= `timestamp`, with that
  // timestamp; nullopt when every record is older.
  Result<std::optional<std::pair<Offset, int64_t>>> FindOffsetByTimestamp(int64_t timestamp) const;

  // Moves the log start offset forward to `offset` (DeleteRecords) and deletes segments that lie
  // wholly below it. Returns the new log start. OutOfRange when `offset` > log end.
  Result<Offset> DeleteRecordsBefore(Offset offset);
  // Applies retention.ms and retention.bytes (when cleanup.policy has delete) and drops segments
  // below the log start. Returns the number of segments deleted.
  Result<int> ApplyRetention();
  // Flushes when flush.ms has passed since the last flush (the broker calls this periodically).
  Status MaybeFlush();
  // Makes every appended batch durable and advances the recovery point.
  Status Flush();
  // Flushes, writes the checkpoints and the clean-shutdown marker. Appends fail afterwards.
  Status Close();
  // Closes and removes the directory (topic deletion).
  Status Delete();
  // Replaces the configuration (AlterConfigs); applies to later appends and retention runs.
  void SetConfig(const LogConfig& config);

  Offset log_start_offset() const;
  Offset log_end_offset() const;
  Offset recovery_point() const;
  uint64_t size_bytes() const;
  size_t segment_count() const;
  LogConfig config() const;
  const OpenStats& open_stats() const { return open_stats_; }
  const std::string& dir() const { return dir_; }
  // "<topic>-<partition>", the entity name used in log messages.
  const std::string& name() const { return name_; }

  struct SegmentInfo {
    Offset base_offset;
    Offset next_offset;  // valid for the active segment; for closed ones, one past the last batch
    uint64_t size;
    int64_t max_timestamp;
  };
  std::vector<SegmentInfo> Segments() const;

 private:
  friend class LogCleaner;

  Log(Env* env, std::string dir, LogConfig config, Clock* clock);
  Status Load();
  Status RecoverSegments(bool clean, Offset recovery_point);
  Status LoadProducerStateLocked(Offset end);
  Status ReplayProducerStateLocked(Offset from, Offset end);
  // Applies an appended (or replayed) batch to the producer state; an ABORT goes to the
  // .txnindex of `segment` unless it is there already.
  Status UpdateProducerStateLocked(const record::RecordBatchView& batch, Segment& segment);
  Status MaybeRollLocked(const record::RecordBatchView& batch, bool* rolled);
  Status RollLocked();
  Status FlushClosedSegments();
  Status FlushLocked(bool write_checkpoint);
  Status DeleteSegmentLocked(Offset base);
  Status WriteLogStartCheckpointLocked();
  Status WriteRecoveryCheckpointLocked();
  Segment& active() const { return *segments_.rbegin()->second; }

  Env* env_;
  std::string dir_;
  std::string name_;
  std::string topic_;
  int32_t partition_ = 0;
  Clock* clock_;
  OpenStats open_stats_;

  std::mutex flush_mutex_;  // orders FlushClosedSegments(); taken before mutex_, never after
  mutable std::mutex mutex_;
  LogConfig config_;
  std::map<Offset, std::unique_ptr<Segment>> segments_;
  ProducerStateManager producers_;
  Offset log_start_offset_;
  Offset recovery_point_;
  int64_t active_created_ms_ = 0;
  int64_t unflushed_records_ = 0;
  int64_t last_flush_ms_ = 0;
  bool closed_ = false;
  bool clean_marker_present_ = false;
  std::optional<Offset> written_recovery_point_;  // what the checkpoint files hold
  std::optional<Offset> written_log_start_;
};

// "<topic>-<partition>" for a directory name; Kafka's naming.
std::string PartitionDirName(const std::string& topic, int32_t partition);
// Splits a directory name at its last '-'. nullopt when it is not "<topic>-<number>".
std::optional<std::pair<std::string, int32_t>> ParsePartitionDirName(const std::string& name);

}  // namespace brook::broker::log
