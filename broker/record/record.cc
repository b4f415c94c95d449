#include "broker/record/record.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "broker/record/compression.h"
#include "common/varint.h"

namespace brook::broker::record {
namespace {

// Smallest encoded record: Length, Attributes, TimestampDelta, OffsetDelta, KeyLength,
// ValueLength, HeaderCount, one byte each.
constexpr size_t kMinRecordSize = 7;

// Reads the records of one batch from `data` (the batch's Records bytes, decompressed).
// Positions in messages are bytes of the batch for uncompressed batches and bytes of the
// decompressed Records data for compressed ones.
class RecordDecoder {
 public:
  RecordDecoder(const RecordBatchView& batch, ByteView data, bool compressed)
      : batch_(batch),
        begin_(data.data()),
        end_(data.data() + data.size()),
        position_(data.data()),
        compressed_(compressed) {}

  Status DecodeAll(std::vector<RecordView>* records) {
    int32_t count = batch_.record_count();
    records->reserve(std::min<size_t>(static_cast<size_t>(count),
                                      static_cast<size_t>(end_ - begin_) / kMinRecordSize + 1));
    int64_t previous_delta = -1;
    for (record_index_ = 0; record_index_ < count; ++record_index_) {
      if (position_ == end_) {
        return Fail(fmt::format("RecordCount is {} but the data ends after {} records", count,
                                record_index_));
      }
      int32_t length = 0;
      BROOK_RETURN_IF_ERROR(ReadVarint(end_, "record length", &length));
      if (length < 0) return Fail(fmt::format("negative record length {}", length));
      if (static_cast<size_t>(length) > static_cast<size_t>(end_ - position_)) {
        return Fail(fmt::format("record length {} runs past the end of the data ({} bytes left)",
                                length, end_ - position_));
      }
      const uint8_t* record_end = position_ + length;
      RecordView record;
      BROOK_RETURN_IF_ERROR(DecodeFields(record_end, &record));
      if (position_ != record_end) {
        return Fail(fmt::format("record fields end {} bytes before its length {} says",
                                record_end - position_, length));
      }
      if (record.offset_delta <= previous_delta) {
        return Fail(fmt::format("offset delta {} is not above the previous one ({})",
                                record.offset_delta, previous_delta));
      }
      if (record.offset_delta > batch_.last_offset_delta()) {
        return Fail(fmt::format("offset delta {} is beyond LastOffsetDelta {}", record.offset_delta,
                                batch_.last_offset_delta()));
      }
      previous_delta = record.offset_delta;
      records->push_back(std::move(record));
    }
    if (position_ != end_) {
      return Fail(fmt::format("{} bytes follow the last of {} records", end_ - position_, count));
    }
    return Status::Ok();
  }

 private:
  // Reads the fields after Length, up to `record_end`.
  Status DecodeFields(const uint8_t* record_end, RecordView* record) {
    if (position_ == record_end) return Fail("record ends before its attributes");
    record->attributes = static_cast<int8_t>(*position_++);
    int64_t timestamp_delta = 0;
    BROOK_RETURN_IF_ERROR(ReadVarlong(record_end, "timestamp delta", &timestamp_delta));
    BROOK_RETURN_IF_ERROR(ReadVarint(record_end, "offset delta", &record->offset_delta));
    if (batch_.timestamp_type() == TimestampType::kLogAppendTime) {
      record->timestamp = batch_.max_timestamp();
    } else {
      record->timestamp = WrappingAdd(batch_.base_timestamp(), timestamp_delta);
    }
    record->offset = Offset(WrappingAdd(batch_.base_offset().value(), record->offset_delta));
    BROOK_RETURN_IF_ERROR(ReadNullableBytes(record_end, "key", &record->key));
    BROOK_RETURN_IF_ERROR(ReadNullableBytes(record_end, "value", &record->value));
    int32_t header_count = 0;
    BROOK_RETURN_IF_ERROR(ReadVarint(record_end, "header count", &header_count));
    if (header_count < 0) return Fail(fmt::format("negative header count {}", header_count));
    // Every header takes at least two bytes, so this reserve is bounded by the data.
    record->headers.reserve(std::min<size_t>(static_cast<size_t>(header_count),
                                             static_cast<size_t>(record_end - position_) / 2));
    for (int32_t i = 0; i < header_count; ++i) {
      std::optional<ByteView> key;
      BROOK_RETURN_IF_ERROR(ReadNullableBytes(record_end, "header key", &key));
      if (!key.has_value()) return Fail(fmt::format("header {} has a null key", i));
      HeaderView header{AsChars(*key), std::nullopt};
      BROOK_RETURN_IF_ERROR(ReadNullableBytes(record_end, "header value", &header.value));
      record->headers.push_back(header);
    }
    return Status::Ok();
  }

  Status ReadVarint(const uint8_t* end, std::string_view field, int32_t* out) {
    size_t n = DecodeVarint(position_, end, out);
    if (n == 0) return Fail(fmt::format("malformed or truncated {} varint", field));
    position_ += n;
    return Status::Ok();
  }

  Status ReadVarlong(const uint8_t* end, std::string_view field, int64_t* out) {
    size_t n = DecodeVarlong(position_, end, out);
    if (n == 0) return Fail(fmt::format("malformed or truncated {} varlong", field));
    position_ += n;
    return Status::Ok();
  }

  // A varint length (-1 = null) and that many bytes, all before `end`.
  Status ReadNullableBytes(const uint8_t* end, std::string_view field,
                           std::optional<ByteView>* out) {
    int32_t length = 0;
    BROOK_RETURN_IF_ERROR(ReadVarint(end, fmt::format("{} length", field), &length));
    if (length == -1) {
      *out = std::nullopt;
      return Status::Ok();
    }
    if (length < -1) return Fail(fmt::format("{} length {} is below -1", field, length));
    if (static_cast<size_t>(length) > static_cast<size_t>(end - position_)) {
      return Fail(fmt::format("{} length {} runs past the end of the record ({} bytes left)", field,
                              length, end - position_));
    }
    *out = ByteView(position_, static_cast<size_t>(length));
    position_ += length;
    return Status::Ok();
  }

  static int64_t WrappingAdd(int64_t a, int64_t b) {
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  }

  Status Fail(std::string_view what) const {
    size_t at = static_cast<size_t>(position_ - begin_);
    std::string where = compressed_ ? fmt::format("byte {} of the decompressed records", at)
                                    : fmt::format("byte {} of the batch", kRecordsOffset + at);
    return Status::Corruption(fmt::format("record batch at offset {}: record {} at {}: {}",
                                          batch_.base_offset(), record_index_, where, what));
  }

  const RecordBatchView& batch_;
  const uint8_t* begin_;
  const uint8_t* end_;
  const uint8_t* position_;
  bool compressed_;
  int32_t record_index_ = 0;
};

}  // namespace

Result<DecodedBatch> DecodedBatch::Decode(const RecordBatchView& batch,
                                          size_t max_decompressed_bytes) {
  DecodedBatch decoded(batch);
  ByteView data = batch.records_data();
  Compression codec = batch.compression();
  bool compressed = codec != Compression::kNone;
  if (compressed && static_cast<uint8_t>(codec) > static_cast<uint8_t>(Compression::kZstd)) {
    return Status::Corruption(fmt::format("record batch at offset {}: unknown compression codec {}",
                                          batch.base_offset(), static_cast<int>(codec)));
  }
  // A batch emptied by compaction keeps its codec bits but has no Records data at all.
  if (compressed && !(data.empty() && batch.record_count() == 0)) {
    Result<Bytes> plain = Decompress(codec, data, max_decompressed_bytes);
    if (!plain.ok()) {
      return Status(plain.status().code(),
                    fmt::format("record batch at offset {}: {}", batch.base_offset(),
                                plain.status().message()));
    }
    decoded.decompressed_ = std::move(plain).value();
    data = decoded.decompressed_;
  }
  RecordDecoder decoder(batch, data, compressed);
  BROOK_RETURN_IF_ERROR(decoder.DecodeAll(&decoded.records_));
  return decoded;
}

}  // namespace brook::broker::record
