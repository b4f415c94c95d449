#pragma once

// Writing record batches v2 (layout in batch_format.h).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker/record/batch_format.h"
#include "broker/record/record.h"
#include "common/bytes.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::record {

// An owned record header: the key is UTF-8, a null value is std::nullopt.
struct RecordHeader {
  std::string key;
  std::optional<Bytes> value;
};

// An owned record, for callers that build records before batching them.
struct Record {
  int64_t timestamp = kNoTimestamp;  // ms
  std::optional<Bytes> key;          // nullopt = null key
  std::optional<Bytes> value;        // nullopt = null value (a tombstone)
  std::vector<RecordHeader> headers;
};

struct BatchBuilderOptions {
  // Codec of the Records blob. Default: kNone.
  Compression compression = Compression::kNone;
  // Default: kCreateTime.
  TimestampType timestamp_type = TimestampType::kCreateTime;
  // Written as MaxTimestamp when timestamp_type is kLogAppendTime (the broker's append time).
  // Default: nullopt (MaxTimestamp is the largest record timestamp).
  std::optional<int64_t> log_append_time_ms;
  // Default: 0 (what clients send; the log assigns the real one).
  Offset base_offset{0};
  // Default: -1 (what clients send; the broker sets it on append).
  int32_t partition_leader_epoch = -1;
  // Default: -1 / -1 / -1 (not idempotent).
  ProducerId producer_id{kNoProducerId};
  ProducerEpoch producer_epoch{kNoProducerEpoch};
  int32_t base_sequence = kNoSequence;
  // Default: false.
  bool transactional = false;
  // Default: false. Control batches normally come from BuildControlBatch().
  bool control = false;
  // When set, sets the delete-horizon attribute and writes this as BaseTimestamp (Kafka's
  // compaction does this for batches holding tombstones); record timestamps stay absolute.
  // Default: nullopt.
  std::optional<int64_t> delete_horizon_ms;
  // LastOffsetDelta to write; must be at least the last record's offset delta. Compaction sets it
  // to keep the batch's original offset range after dropping records.
  // Default: nullopt (the last record's offset delta; -1 without records).
  std::optional<int32_t> last_offset_delta;
};

// Accumulates records and writes one record batch v2.
//
// Add() gives each record the offset delta after the previous record's (0 for the first);
// AddWithOffsetDelta() sets it explicitly (compaction keeps original offsets). BaseTimestamp is
// the first record's timestamp (or delete_horizon_ms); timestamp deltas are relative to it.
// Thread safety: not thread-safe. Move-only.
class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(BatchBuilderOptions options = {});
  RecordBatchBuilder(RecordBatchBuilder&&) = default;
  RecordBatchBuilder& operator=(RecordBatchBuilder&&) = default;
  RecordBatchBuilder(const RecordBatchBuilder&) = delete;
  RecordBatchBuilder& operator=(const RecordBatchBuilder&) = delete;

  // The bytes are copied; the arguments need not outlive the call. Keys, values and header parts
  // must each be under 2 GiB (a programmer error otherwise).
  void Add(int64_t timestamp_ms, std::optional<ByteView> key, std::optional<ByteView> value,
           std::span<const HeaderView> headers = {});
  void Add(const Record& record);

  // kInvalidArgument (and nothing added) when `offset_delta` is negative or not above the
  // previous record's.
  Status AddWithOffsetDelta(int32_t offset_delta, int64_t timestamp_ms, std::optional<ByteView> key,
                            std::optional<ByteView> value,
                            std::span<const HeaderView> headers = {});
  Status AddWithOffsetDelta(int32_t offset_delta, const Record& record);

  int32_t record_count() const { return record_count_; }
  // Bytes of the batch so far before compression (header + encoded records).
  size_t uncompressed_size() const { return kBatchHeaderSize + records_.size(); }

  // Writes the batch: header fields from the options and the records, Records compressed with
  // the chosen codec, CRC-32C. May be called more than once. A batch without records has
  // BaseTimestamp/MaxTimestamp -1 (unless set by the options), LastOffsetDelta from the options
  // or -1, and no Records bytes even when compressed.
  // Errors: kInvalidArgument when options.last_offset_delta is below the last record's offset
  // delta; kInternal when the compressor fails.
  Result<Bytes> Build() const;

 private:
  void Append(int32_t offset_delta, int64_t timestamp_ms, std::optional<ByteView> key,
              std::optional<ByteView> value, std::span<const HeaderView> headers);

  BatchBuilderOptions options_;
  Bytes records_;  // encoded records, uncompressed
  int32_t record_count_ = 0;
  int32_t last_delta_ = -1;
  int64_t base_timestamp_ = kNoTimestamp;
  int64_t max_timestamp_ = kNoTimestamp;
};

// Appends one encoded record (Length varint and body) to `out`.
void AppendRecord(Bytes& out, int32_t offset_delta, int64_t timestamp_delta,
                  std::optional<ByteView> key, std::optional<ByteView> value,
                  std::span<const HeaderView> headers);

}  // namespace brook::broker::record
