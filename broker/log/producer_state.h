#pragma once

// Idempotent and transactional producer state of one partition (Kafka's ProducerStateManager):
// per producer id its epoch, the sequence ranges and offsets of its last 5 batches, and the
// first offset of its open transaction on this partition. The log consults it before every
// client append (duplicates, sequence gaps, stale epochs) and updates it after every append,
// markers included; the open transactions give the last stable offset.
//
// Snapshots: <20-digit offset>.snapshot in the partition directory holds the state as of that
// offset (every batch below it applied). The log writes one when it rolls a segment and when it
// closes, and on open loads the newest readable one at or below the log end and replays the
// batches after it. Layout in docs/formats/producer-snapshot.md.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker/log/env.h"
#include "broker/record/record_batch.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::log {

inline constexpr const char* kProducerSnapshotFileSuffix = ".snapshot";
// Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN.
inline constexpr size_t kProducerBatchesRetained = 5;

// One appended batch of a producer.
struct ProducerBatch {
  int32_t first_seq = -1;
  int32_t last_seq = -1;  // first_seq + last offset delta, wrapping past INT32_MAX to 0
  Offset first_offset;    // the batch's base offset in the log
  Offset last_offset;
  int64_t max_timestamp = -1;

  bool operator==(const ProducerBatch&) const = default;
};

struct ProducerEntry {
  ProducerId producer_id;
  ProducerEpoch epoch{-1};
  int32_t coordinator_epoch = -1;   // of the last marker written for this producer
  int64_t last_timestamp = -1;      // max timestamp of its last batch or marker (expiry clock)
  std::deque<ProducerBatch> batches;  // oldest first, at most kProducerBatchesRetained
  std::optional<Offset> txn_first_offset;  // set while a transaction is open on this partition

  // Sequence of the last retained batch, -1 when none.
  int32_t last_seq() const { return batches.empty() ? -1 : batches.back().last_seq; }

  bool operator==(const ProducerEntry&) const = default;
};

// What Check() decided about a batch.
enum class ProducerCheck {
  kAppend,               // new, in sequence: append it
  kDuplicate,            // same epoch and sequence range as a retained batch: do not append
  kOutOfOrderSequence,   // OUT_OF_ORDER_SEQUENCE_NUMBER (45)
  kInvalidProducerEpoch, // INVALID_PRODUCER_EPOCH (47): older than the stored epoch
  kInvalidTxnState,      // INVALID_TXN_STATE (48): non-transactional batch inside a transaction
};

struct ProducerCheckResult {
  ProducerCheck check = ProducerCheck::kAppend;
  std::optional<ProducerBatch> duplicate_of;  // for kDuplicate: where the original went
  std::string message;                         // for errors: why, for the client and the log
};

// A transaction closed on this partition by a COMMIT or ABORT marker.
struct CompletedTxn {
  ProducerId producer_id;
  Offset first_offset;  // the transaction's first offset here
  Offset last_offset;   // the marker's offset
  bool aborted = false;
};

// Thread safety: none; the owning Log serialises calls.
class ProducerStateManager {
 public:
  // Checks a batch with a producer id before it is appended (nothing changes). Client batches
  // follow BRIEF §4: duplicates, epoch fencing, sequence continuity (any sequence when the
  // producer is unknown; 0 after an epoch bump; last+1 otherwise, 0 after INT32_MAX), and a
  // non-transactional batch while a transaction is open. Control batches (markers, written by
  // the transaction coordinator) are only checked for a stale epoch.
  ProducerCheckResult Check(const record::RecordBatchView& batch) const;

  // Applies an appended batch (offsets assigned) with a producer id; batches without one are
  // ignored. Data batches record their sequence range (a new epoch drops the retained ones);
  // a transactional data batch opens the producer's transaction here when none is open. A
  // control batch with a COMMIT or ABORT record closes the open transaction and returns it
  // (nullopt when the producer had none open: an empty transaction), and records the epoch and
  // coordinator epoch. Corruption when a control batch's record cannot be read.
  Result<std::optional<CompletedTxn>> Update(const record::RecordBatchView& batch);

  // The smallest first offset of an open transaction, or nullopt when none is open: the last
  // stable offset is this, or the log end when nullopt.
  std::optional<Offset> FirstUnstableOffset() const;

  // Removes producers without an open transaction whose last_timestamp is `expiration_ms` or
  // more before `now_ms` (producer.id.expiration.ms). Returns how many.
  int RemoveExpired(int64_t now_ms, int64_t expiration_ms);

  const ProducerEntry* Find(ProducerId producer_id) const;
  const std::map<int64_t, ProducerEntry>& producers() const { return producers_; }
  size_t size() const { return producers_.size(); }
  void Clear();

  // Snapshot files in `dir`: "<20-digit offset>.snapshot".
  static std::string SnapshotFileName(Offset offset);
  // Offsets of the snapshot files in `dir`, ascending.
  static Result<std::vector<Offset>> ListSnapshots(Env* env, const std::string& dir);
  // Writes the state as of `offset` atomically (temp file, sync, rename, sync dir).
  Status WriteSnapshot(Env* env, const std::string& dir, Offset offset) const;
  // Replaces the state with the snapshot at `offset`. Corruption when the file is damaged
  // (bad checksum, length, version); the state is then left empty.
  Status LoadSnapshot(Env* env, const std::string& dir, Offset offset);
  // Deletes the snapshot files whose offset is < `offset` (below the log start) or > `offset`
  // (after a truncation) respectively.
  static Status DeleteSnapshotsBefore(Env* env, const std::string& dir, Offset offset);
  static Status DeleteSnapshotsAfter(Env* env, const std::string& dir, Offset offset);

 private:
  std::map<int64_t, ProducerEntry> producers_;  // by producer id
  std::map<Offset, int64_t> open_txns_;         // first offset -> producer id
};

}  // namespace brook::broker::log
