#include "broker/record/validate.h"

#include <fmt/format.h>

#include "broker/record/record_batch.h"

namespace brook::broker::record {
namespace {

Status Invalid(std::string_view rule) {
  return Status::InvalidArgument(fmt::format("invalid record batch: {}", rule));
}

// The structural and size rules, before the batch can be viewed.
Status CheckFraming(ByteView data, const ValidationOptions& options) {
  if (data.size() > kMagicOffset) {
    int8_t magic = static_cast<int8_t>(data[kMagicOffset]);
    if (magic != kMagicV2) {
      return Invalid(fmt::format("magic {}; Produce v3+ requires magic 2", magic));
    }
  }
  if (data.size() < kBatchHeaderSize) {
    return Status::Corruption(fmt::format("record batch truncated: {} bytes, the header needs {}",
                                          data.size(), kBatchHeaderSize));
  }
  size_t size = BatchSizeFromPrefix(data);
  if (size == 0) {
    return Status::Corruption(fmt::format("record batch Length {} is below the minimum {}",
                                          LoadBigEndian<int32_t>(data.data() + kLengthOffset),
                                          kBatchHeaderSize - kLogOverhead));
  }
  if (size > data.size()) {
    return Status::Corruption(fmt::format(
        "record batch truncated: its Length says {} bytes, {} present", size, data.size()));
  }
  if (size < data.size()) {
    return Invalid(fmt::format(
        "exactly one batch per partition is allowed; {} bytes follow the first batch ({} bytes)",
        data.size() - size, size));
  }
  if (size > options.max_message_bytes) {
    return Status::TooLarge(fmt::format("record batch of {} bytes exceeds max.message.bytes {}",
                                        size, options.max_message_bytes));
  }
  return Status::Ok();
}

// The header rules of LogValidator for a batch from a client.
Status CheckHeader(const RecordBatchView& batch) {
  if (static_cast<uint8_t>(batch.compression()) > static_cast<uint8_t>(Compression::kZstd)) {
    return Invalid(
        fmt::format("unknown compression codec {}", static_cast<int>(batch.compression())));
  }
  if (batch.base_offset() != Offset(0)) {
    return Invalid(fmt::format("BaseOffset is {}; clients must send 0", batch.base_offset()));
  }
  if (batch.is_control()) return Invalid("clients may not send control batches");
  if (batch.record_count() <= 0) {
    return Invalid(fmt::format("RecordCount is {}; it must be positive", batch.record_count()));
  }
  if (static_cast<int64_t>(batch.last_offset_delta()) + 1 != batch.record_count()) {
    return Invalid(fmt::format("LastOffsetDelta {} + 1 does not equal RecordCount {}",
                               batch.last_offset_delta(), batch.record_count()));
  }
  if (batch.has_producer_id() && batch.base_sequence() < 0) {
    return Invalid(fmt::format("ProducerId {} is set but BaseSequence is {}", batch.producer_id(),
                               batch.base_sequence()));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateProducedBatch(ByteView data, const ValidationOptions& options) {
  BROOK_RETURN_IF_ERROR(CheckFraming(data, options));
  BROOK_ASSIGN_OR_RETURN(RecordBatchView batch, RecordBatchView::Parse(data));
  uint32_t computed = batch.ComputeCrc();
  if (computed != batch.crc()) {
    return Status::Corruption(fmt::format(
        "record batch CRC mismatch: stored {:08x} computed {:08x}", batch.crc(), computed));
  }
  BROOK_RETURN_IF_ERROR(CheckHeader(batch));
  if (!options.compacted && !options.decode_records) return Status::Ok();

  BROOK_ASSIGN_OR_RETURN(DecodedBatch decoded,
                         DecodedBatch::Decode(batch, options.max_decompressed_bytes));
  if (options.compacted) {
    for (const RecordView& record : decoded.records()) {
      if (!record.key.has_value()) {
        return Invalid(fmt::format(
            "compacted topics require a key; the record at offset delta {} has a null key",
            record.offset_delta));
      }
    }
  }
  return Status::Ok();
}

}  // namespace brook::broker::record
