#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "broker/record/batch_format.h"
#include "common/bytes.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::record {

// Size of the batch whose first bytes are `prefix` (BaseOffset + Length, at least 12 bytes):
// kLogOverhead + Length. Returns 0 when `prefix` is shorter than 12 bytes or Length is below
// the smallest legal value (kBatchHeaderSize - kLogOverhead).
size_t BatchSizeFromPrefix(ByteView prefix);

// A read-only view of one record batch's bytes. Does not own them: the bytes must outlive it.
// Parse() checks the structure of the header only; VerifyCrc() checks the checksum;
// Validate() does both plus the checks Kafka makes on a batch a client produced.
// Thread safety: immutable; safe to share.
class RecordBatchView {
 public:
  // Parses the batch at the start of `data`; `data` may hold more bytes after it.
  // Errors (kCorruption): fewer than kBatchHeaderSize bytes, Length too small or running past
  // the end of `data`, magic other than 2, negative record count.
  static Result<RecordBatchView> Parse(ByteView data);

  // The whole batch, kLogOverhead + Length bytes.
  ByteView bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }

  Offset base_offset() const;
  Offset last_offset() const { return base_offset() + last_offset_delta(); }
  Offset next_offset() const { return last_offset() + 1; }
  int32_t length() const;
  int32_t partition_leader_epoch() const;
  int8_t magic() const;
  uint32_t crc() const;
  int16_t attributes() const;
  int32_t last_offset_delta() const;
  int64_t base_timestamp() const;
  int64_t max_timestamp() const;
  ProducerId producer_id() const;
  ProducerEpoch producer_epoch() const;
  int32_t base_sequence() const;
  int32_t record_count() const;

  Compression compression() const;
  TimestampType timestamp_type() const;
  bool is_transactional() const { return (attributes() & kAttributeTransactional) != 0; }
  bool is_control() const { return (attributes() & kAttributeControl) != 0; }
  bool has_delete_horizon() const { return (attributes() & kAttributeDeleteHorizon) != 0; }
  bool has_producer_id() const { return producer_id().value() >= 0; }
  // The bytes after the header (compressed when compression() != kNone).
  ByteView records_data() const { return bytes_.subspan(kRecordsOffset); }

  // CRC-32C over [kCrcStart, end).
  uint32_t ComputeCrc() const;
  // kCorruption naming both values when the stored CRC is wrong.
  Status VerifyCrc() const;

 private:
  explicit RecordBatchView(ByteView bytes) : bytes_(bytes) {}
  ByteView bytes_;
};

// Rewrites the BaseOffset / PartitionLeaderEpoch of the batch at `batch` in place. Neither is
// covered by the CRC, so the batch stays valid.
void SetBaseOffset(uint8_t* batch, Offset base_offset);
void SetPartitionLeaderEpoch(uint8_t* batch, int32_t epoch);

}  // namespace brook::broker::record
