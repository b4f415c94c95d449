#include "broker/record/batch_builder.h"

#include <algorithm>

#include <fmt/format.h>

#include "broker/record/compression.h"
#include "common/crc32c.h"
#include "common/varint.h"

namespace brook::broker::record {
namespace {

int32_t LengthOf(std::optional<ByteView> bytes) {
  return bytes.has_value() ? static_cast<int32_t>(bytes->size()) : -1;
}

size_t NullableBytesSize(std::optional<ByteView> bytes) {
  return VarintSize(LengthOf(bytes)) + (bytes.has_value() ? bytes->size() : 0);
}

void AppendNullableBytes(Bytes& out, std::optional<ByteView> bytes) {
  AppendVarint(out, LengthOf(bytes));
  if (bytes.has_value()) AppendBytes(out, *bytes);
}

std::optional<ByteView> ViewOf(const std::optional<Bytes>& bytes) {
  if (!bytes.has_value()) return std::nullopt;
  return ByteView(*bytes);
}

std::vector<HeaderView> HeaderViewsOf(const Record& record) {
  std::vector<HeaderView> views;
  views.reserve(record.headers.size());
  for (const RecordHeader& header : record.headers) {
    views.push_back(HeaderView{header.key, ViewOf(header.value)});
  }
  return views;
}

int64_t WrappingSubtract(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

}  // namespace

void AppendRecord(Bytes& out, int32_t offset_delta, int64_t timestamp_delta,
                  std::optional<ByteView> key, std::optional<ByteView> value,
                  std::span<const HeaderView> headers) {
  size_t body = 1 + VarlongSize(timestamp_delta) + VarintSize(offset_delta) +
                NullableBytesSize(key) + NullableBytesSize(value) +
                VarintSize(static_cast<int32_t>(headers.size()));
  for (const HeaderView& header : headers) {
    body += NullableBytesSize(AsBytes(header.key)) + NullableBytesSize(header.value);
  }
  out.reserve(out.size() + kMaxVarintBytes + body);
  AppendVarint(out, static_cast<int32_t>(body));
  out.push_back(0);  // record attributes: unused
  AppendVarlong(out, timestamp_delta);
  AppendVarint(out, offset_delta);
  AppendNullableBytes(out, key);
  AppendNullableBytes(out, value);
  AppendVarint(out, static_cast<int32_t>(headers.size()));
  for (const HeaderView& header : headers) {
    AppendNullableBytes(out, AsBytes(header.key));
    AppendNullableBytes(out, header.value);
  }
}

RecordBatchBuilder::RecordBatchBuilder(BatchBuilderOptions options)
    : options_(std::move(options)) {}

void RecordBatchBuilder::Add(int64_t timestamp_ms, std::optional<ByteView> key,
                             std::optional<ByteView> value, std::span<const HeaderView> headers) {
  Append(last_delta_ + 1, timestamp_ms, key, value, headers);
}

void RecordBatchBuilder::Add(const Record& record) {
  std::vector<HeaderView> headers = HeaderViewsOf(record);
  Add(record.timestamp, ViewOf(record.key), ViewOf(record.value), headers);
}

Status RecordBatchBuilder::AddWithOffsetDelta(int32_t offset_delta, int64_t timestamp_ms,
                                              std::optional<ByteView> key,
                                              std::optional<ByteView> value,
                                              std::span<const HeaderView> headers) {
  if (offset_delta <= last_delta_) {
    return Status::InvalidArgument(
        fmt::format("offset delta {} must be above the previous record's ({}) and not negative",
                    offset_delta, last_delta_));
  }
  Append(offset_delta, timestamp_ms, key, value, headers);
  return Status::Ok();
}

Status RecordBatchBuilder::AddWithOffsetDelta(int32_t offset_delta, const Record& record) {
  std::vector<HeaderView> headers = HeaderViewsOf(record);
  return AddWithOffsetDelta(offset_delta, record.timestamp, ViewOf(record.key),
                            ViewOf(record.value), headers);
}

void RecordBatchBuilder::Append(int32_t offset_delta, int64_t timestamp_ms,
                                std::optional<ByteView> key, std::optional<ByteView> value,
                                std::span<const HeaderView> headers) {
  if (record_count_ == 0) {
    base_timestamp_ = options_.delete_horizon_ms.value_or(timestamp_ms);
    max_timestamp_ = timestamp_ms;
  }
  max_timestamp_ = std::max(max_timestamp_, timestamp_ms);
  AppendRecord(records_, offset_delta, WrappingSubtract(timestamp_ms, base_timestamp_), key, value,
               headers);
  last_delta_ = offset_delta;
  ++record_count_;
}

Result<Bytes> RecordBatchBuilder::Build() const {
  int32_t last_offset_delta = options_.last_offset_delta.value_or(last_delta_);
  if (last_offset_delta < last_delta_) {
    return Status::InvalidArgument(
        fmt::format("LastOffsetDelta {} is below the last record's offset delta {}",
                    last_offset_delta, last_delta_));
  }
  int16_t attributes = static_cast<int16_t>(options_.compression);
  if (options_.timestamp_type == TimestampType::kLogAppendTime) {
    attributes |= kAttributeLogAppendTime;
  }
  if (options_.transactional) attributes |= kAttributeTransactional;
  if (options_.control) attributes |= kAttributeControl;
  if (options_.delete_horizon_ms.has_value()) attributes |= kAttributeDeleteHorizon;

  int64_t base_timestamp =
      record_count_ > 0 ? base_timestamp_ : options_.delete_horizon_ms.value_or(kNoTimestamp);
  int64_t max_timestamp = max_timestamp_;
  if (options_.timestamp_type == TimestampType::kLogAppendTime &&
      options_.log_append_time_ms.has_value()) {
    max_timestamp = *options_.log_append_time_ms;
  }

  Bytes batch;
  batch.resize(kBatchHeaderSize);
  if (options_.compression == Compression::kNone || record_count_ == 0) {
    if (record_count_ > 0) AppendBytes(batch, records_);
  } else {
    BROOK_ASSIGN_OR_RETURN(Bytes compressed, Compress(options_.compression, records_));
    AppendBytes(batch, compressed);
  }
  uint8_t* p = batch.data();
  StoreBigEndian<int64_t>(p + kBaseOffsetOffset, options_.base_offset.value());
  StoreBigEndian<int32_t>(p + kLengthOffset, static_cast<int32_t>(batch.size() - kLogOverhead));
  StoreBigEndian<int32_t>(p + kPartitionLeaderEpochOffset, options_.partition_leader_epoch);
  p[kMagicOffset] = static_cast<uint8_t>(kMagicV2);
  StoreBigEndian<int16_t>(p + kAttributesOffset, attributes);
  StoreBigEndian<int32_t>(p + kLastOffsetDeltaOffset, last_offset_delta);
  StoreBigEndian<int64_t>(p + kBaseTimestampOffset, base_timestamp);
  StoreBigEndian<int64_t>(p + kMaxTimestampOffset, max_timestamp);
  StoreBigEndian<int64_t>(p + kProducerIdOffset, options_.producer_id.value());
  StoreBigEndian<int16_t>(p + kProducerEpochOffset, options_.producer_epoch.value());
  StoreBigEndian<int32_t>(p + kBaseSequenceOffset, options_.base_sequence);
  StoreBigEndian<int32_t>(p + kRecordCountOffset, record_count_);
  StoreBigEndian<uint32_t>(p + kCrcOffset, crc32c::Value(p + kCrcStart, batch.size() - kCrcStart));
  return batch;
}

}  // namespace brook::broker::record
