#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "broker/log/log.h"
#include "common/result.h"

namespace brook::broker::log {

// What one cleaning pass over a log did.
struct CleanStats {
  Offset first_dirty_offset;  // where the dirty section began
  Offset end_offset;          // first offset not cleaned (the new cleaner checkpoint)
  int segments_in = 0;        // segments read and rewritten
  int segments_out = 0;       // segments written
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  int64_t records_removed = 0;  // superseded values, expired tombstones, aborted data
  int64_t batches_removed = 0;  // emptied batches dropped, expired transaction markers
  bool aborted = false;         // the log changed under the cleaner (retention, close)
  // The earliest delete horizon among the tombstones and markers kept, or -1: a pass after it
  // has something to drop even when nothing is dirty.
  int64_t next_delete_horizon_ms = -1;
};

// Compaction for logs with cleanup.policy=compact (Kafka's LogCleaner). A pass:
//  1. scans the log for transactions: which are aborted (data dropped), which are still open
//     (cleaning stops before the first open one: the last stable offset), and each producer's
//     last batch (kept, even when emptied, so producer state can be rebuilt);
//  2. maps every key of the dirty section [cleaner checkpoint, first uncleanable offset) to its
//     latest offset. Uncleanable: the active segment, open transactions, and records younger
//     than min.compaction.lag.ms;
//  3. rewrites the segments before the first uncleanable offset, in groups of at most
//     segment.bytes, keeping a record only if it is the latest for its key; offsets are kept
//     (gaps are fine). Tombstones and transaction markers whose data is gone stay for
//     delete.retention.ms: the first pass that keeps one stamps its batch with a delete horizon
//     (KIP-534: attribute bit 6, BaseTimestamp = horizon) and a later pass after the horizon
//     drops it;
//  4. swaps each group in crash-safely (segment_swap.h) and advances the cleaner checkpoint.
//
// A pass never blocks appends or reads for longer than the swap of one group; retention or
// Close() running meanwhile makes it give up (CleanStats::aborted) and leave the log as it was.
//
// The background thread wakes every `backoff_ms` and cleans the registered log with the highest
// dirty ratio (dirty bytes / cleanable bytes) above its min.cleanable.dirty.ratio, or else a log
// whose kept tombstones or markers have passed their delete horizon (known from its last pass in
// this process).
// Thread safety: all methods are safe to call from any thread.
class LogCleaner {
 public:
  explicit LogCleaner(int64_t backoff_ms = 15'000) : backoff_ms_(backoff_ms) {}
  ~LogCleaner();
  LogCleaner(const LogCleaner&) = delete;
  LogCleaner& operator=(const LogCleaner&) = delete;

  // Logs must stay alive until unregistered (or the cleaner is stopped).
  void Register(Log* log);
  void Unregister(Log* log);
  void Start();
  void Stop();
  // One round: cleans the dirtiest eligible log, if any. Returns whether it cleaned one.
  Result<bool> CleanOnce();

  // The fraction of the cleanable part of `log` that is dirty.
  static Result<double> DirtyRatio(Log& log);
  // Cleans `log` now, whatever its dirty ratio.
  static Result<CleanStats> Clean(Log& log);

 private:
  struct Snapshot;
  struct Group;
  static Result<Snapshot> TakeSnapshot(Log& log);
  // Swaps the cleaned segment in for the group under the log's lock. False when the log changed
  // since the snapshot (the cleaned files are then deleted).
  static Result<bool> SwapIn(Log& log, const Group& group, Segment& cleaned);
  void Run();

  int64_t backoff_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Log*> logs_;
  std::map<Log*, int64_t> delete_horizons_;  // from each log's last pass
  std::thread thread_;
  bool stopping_ = false;
  Log* busy_ = nullptr;  // the log being cleaned; Unregister waits for it
  std::condition_variable idle_;
};

}  // namespace brook::broker::log
