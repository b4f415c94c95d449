#pragma once

// Decoding the records inside a record batch v2 (layout in batch_format.h).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "broker/record/record_batch.h"
#include "common/bytes.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::record {

// One record header as it sits in the batch. The key is UTF-8 by contract (not checked);
// a null value is std::nullopt.
struct HeaderView {
  std::string_view key;
  std::optional<ByteView> value;
};

// One decoded record. Views point into the batch bytes (uncompressed batch) or into the buffer
// owned by the DecodedBatch (compressed batch); see DecodedBatch for lifetime.
struct RecordView {
  int8_t attributes = 0;  // unused by Kafka; always 0 in practice
  // Absolute, in ms: BaseTimestamp + TimestampDelta for CreateTime batches; the batch
  // MaxTimestamp for LogAppendTime batches.
  int64_t timestamp = kNoTimestamp;
  int32_t offset_delta = 0;
  Offset offset;                  // BaseOffset + OffsetDelta
  std::optional<ByteView> key;    // nullopt = null key
  std::optional<ByteView> value;  // nullopt = null value (a tombstone)
  std::vector<HeaderView> headers;
};

// The records of one batch, decoded and checked.
//
// Lifetime: the RecordViews point into the batch's bytes when the batch is uncompressed and into
// a buffer this object owns when it is compressed. Keep both this object and the batch's bytes
// alive while using records(). Moving a DecodedBatch keeps the views valid (the owned buffer
// does not move); copying is disabled because the copies' views would point into the original.
// Thread safety: immutable after Decode(); safe to share for reading.
class DecodedBatch {
 public:
  static constexpr size_t kDefaultMaxDecompressedBytes = 64 * 1024 * 1024;

  // Decompresses (if needed) and decodes every record of `batch`. Does not check the CRC; call
  // batch.VerifyCrc() first for untrusted bytes.
  // Errors (kCorruption, the message naming the byte position: in the batch for uncompressed
  // batches, in the decompressed Records data for compressed ones): unknown codec, malformed or
  // oversized (> max_decompressed_bytes) compressed data, a malformed varint, a length below -1 or
  // past the end of its record, a record whose fields do not fill its Length exactly, fewer or
  // more records than RecordCount, bytes after the last record, an offset delta that is
  // negative, not increasing or above LastOffsetDelta.
  static Result<DecodedBatch> Decode(const RecordBatchView& batch,
                                     size_t max_decompressed_bytes = kDefaultMaxDecompressedBytes);

  DecodedBatch(DecodedBatch&&) = default;
  DecodedBatch& operator=(DecodedBatch&&) = default;
  DecodedBatch(const DecodedBatch&) = delete;
  DecodedBatch& operator=(const DecodedBatch&) = delete;

  const std::vector<RecordView>& records() const { return records_; }
  // The batch this was decoded from (a view: same lifetime rule as the records).
  const RecordBatchView& batch() const { return batch_; }

 private:
  explicit DecodedBatch(const RecordBatchView& batch) : batch_(batch) {}

  RecordBatchView batch_;
  Bytes decompressed_;  // empty for uncompressed batches
  std::vector<RecordView> records_;
};

}  // namespace brook::broker::record
