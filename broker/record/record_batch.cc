#include "broker/record/record_batch.h"

#include <fmt/format.h>

#include "common/crc32c.h"

namespace brook::broker::record {

size_t BatchSizeFromPrefix(ByteView prefix) {
  if (prefix.size() < kLogOverhead) return 0;
  int32_t length = LoadBigEndian<int32_t>(prefix.data() + kLengthOffset);
  if (length < static_cast<int32_t>(kBatchHeaderSize - kLogOverhead)) return 0;
  return kLogOverhead + static_cast<size_t>(length);
}

Result<RecordBatchView> RecordBatchView::Parse(ByteView data) {
  if (data.size() < kBatchHeaderSize) {
    return Status::Corruption(fmt::format("record batch truncated: {} bytes, header needs {}",
                                          data.size(), kBatchHeaderSize));
  }
  int32_t length = LoadBigEndian<int32_t>(data.data() + kLengthOffset);
  if (length < static_cast<int32_t>(kBatchHeaderSize - kLogOverhead)) {
    return Status::Corruption(fmt::format("record batch length {} below the minimum {}", length,
                                          kBatchHeaderSize - kLogOverhead));
  }
  size_t size = kLogOverhead + static_cast<size_t>(length);
  if (size > data.size()) {
    return Status::Corruption(
        fmt::format("record batch truncated: length says {} bytes, {} present", size, data.size()));
  }
  int8_t magic = static_cast<int8_t>(data[kMagicOffset]);
  if (magic != kMagicV2) {
    return Status::Corruption(fmt::format("record batch magic {} (only 2 is supported)", magic));
  }
  RecordBatchView view(data.first(size));
  if (view.record_count() < 0) {
    return Status::Corruption(
        fmt::format("record batch count {} is negative", view.record_count()));
  }
  return view;
}

Offset RecordBatchView::base_offset() const {
  return Offset(LoadBigEndian<int64_t>(bytes_.data() + kBaseOffsetOffset));
}
int32_t RecordBatchView::length() const {
  return LoadBigEndian<int32_t>(bytes_.data() + kLengthOffset);
}
int32_t RecordBatchView::partition_leader_epoch() const {
  return LoadBigEndian<int32_t>(bytes_.data() + kPartitionLeaderEpochOffset);
}
int8_t RecordBatchView::magic() const { return static_cast<int8_t>(bytes_[kMagicOffset]); }
uint32_t RecordBatchView::crc() const {
  return LoadBigEndian<uint32_t>(bytes_.data() + kCrcOffset);
}
int16_t RecordBatchView::attributes() const {
  return LoadBigEndian<int16_t>(bytes_.data() + kAttributesOffset);
}
int32_t RecordBatchView::last_offset_delta() const {
  return LoadBigEndian<int32_t>(bytes_.data() + kLastOffsetDeltaOffset);
}
int64_t RecordBatchView::base_timestamp() const {
  return LoadBigEndian<int64_t>(bytes_.data() + kBaseTimestampOffset);
}
int64_t RecordBatchView::max_timestamp() const {
  return LoadBigEndian<int64_t>(bytes_.data() + kMaxTimestampOffset);
}
ProducerId RecordBatchView::producer_id() const {
  return ProducerId(LoadBigEndian<int64_t>(bytes_.data() + kProducerIdOffset));
}
ProducerEpoch RecordBatchView::producer_epoch() const {
  return ProducerEpoch(LoadBigEndian<int16_t>(bytes_.data() + kProducerEpochOffset));
}
int32_t RecordBatchView::base_sequence() const {
  return LoadBigEndian<int32_t>(bytes_.data() + kBaseSequenceOffset);
}
int32_t RecordBatchView::record_count() const {
  return LoadBigEndian<int32_t>(bytes_.data() + kRecordCountOffset);
}
Compression RecordBatchView::compression() const {
  return static_cast<Compression>(attributes() & kAttributeCompressionMask);
}
TimestampType RecordBatchView::timestamp_type() const {
  return (attributes() & kAttributeLogAppendTime) ? TimestampType::kLogAppendTime
                                                  : TimestampType::kCreateTime;
}

uint32_t RecordBatchView::ComputeCrc() const {
  return crc32c::Value(bytes_.data() + kCrcStart, bytes_.size() - kCrcStart);
}

Status RecordBatchView::VerifyCrc() const {
  uint32_t computed = ComputeCrc();
  if (computed != crc()) {
    return Status::Corruption(
        fmt::format("record batch at offset {} fails its CRC: stored {:08x}, computed {:08x}",
                    base_offset(), crc(), computed));
  }
  return Status::Ok();
}

void SetBaseOffset(uint8_t* batch, Offset base_offset) {
  StoreBigEndian<int64_t>(batch + kBaseOffsetOffset, base_offset.value());
}

void SetPartitionLeaderEpoch(uint8_t* batch, int32_t epoch) {
  StoreBigEndian<int32_t>(batch + kPartitionLeaderEpochOffset, epoch);
}

}  // namespace brook::broker::record
