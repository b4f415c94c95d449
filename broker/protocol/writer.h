#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/protocol/tagged_fields.h"
#include "common/bytes.h"
#include "common/uuid.h"
#include "common/varint.h"

namespace brook::broker::protocol {

// Lets a records field be sent from somewhere else (a Fetch's segment file) instead of being
// copied into the encoded message: the writer asks whether the field's bytes stand for external
// records, writes their length prefix, and reports where in the output they belong.
class RecordsSplicer {
 public:
  virtual ~RecordsSplicer() = default;
  // The size of the external records `field` stands for, or nullopt to write `field` itself.
  virtual std::optional<uint64_t> ExternalSize(ByteView field) const = 0;
  // The external records of `field` go at `position` of the output buffer.
  virtual void Splice(ByteView field, size_t position) = 0;
};

// Appends Kafka protocol primitives to a byte buffer it does not own. Writing cannot fail:
// whether a value fits its version is the generated Encode's business.
// Thread safety: none. The buffer must outlive the writer.
class Writer {
 public:
  explicit Writer(Bytes* out) : out_(out) {}

  // Bytes appended since the writer was made.
  size_t written() const { return out_->size() - start_; }

  void WriteBool(bool v) { out_->push_back(v ? 1 : 0); }
  void WriteInt8(int8_t v) { out_->push_back(static_cast<uint8_t>(v)); }
  void WriteInt16(int16_t v) { AppendBigEndian(*out_, v); }
  void WriteUint16(uint16_t v) { AppendBigEndian(*out_, v); }
  void WriteInt32(int32_t v) { AppendBigEndian(*out_, v); }
  void WriteUint32(uint32_t v) { AppendBigEndian(*out_, v); }
  void WriteInt64(int64_t v) { AppendBigEndian(*out_, v); }
  void WriteFloat64(double v);
  void WriteUuid(const Uuid& v) { out_->insert(out_->end(), v.bytes.begin(), v.bytes.end()); }
  void WriteRaw(ByteView data) { AppendBytes(*out_, data); }

  void WriteUnsignedVarint(uint32_t v) { AppendUnsignedVarint(*out_, v); }
  void WriteVarint(int32_t v) { AppendVarint(*out_, v); }
  void WriteVarlong(int64_t v) { AppendVarlong(*out_, v); }

  // Strings: int16 length (compact: uvarint length+1) then UTF-8.
  void WriteString(std::string_view v, bool compact);
  // Null is written as the null marker when `nullable`, else as "" (the version cannot say null).
  void WriteNullableString(const std::optional<std::string>& v, bool compact, bool nullable);

  // Bytes and records: int32 length (compact: uvarint length+1) then data.
  void WriteBytes(ByteView v, bool compact);
  void WriteNullableBytes(const std::optional<Bytes>& v, bool compact, bool nullable);
  // A records field: as WriteNullableBytes, or spliced when a splicer claims it.
  void WriteRecords(const std::optional<Bytes>& v, bool compact, bool nullable);
  void set_records_splicer(RecordsSplicer* splicer) { splicer_ = splicer; }

  // An array's element count; -1 writes null.
  void WriteArrayLength(int64_t count, bool compact);

  // Writes the unknown fields from index `next` on whose tag is below `limit`; returns the index
  // of the first one not written. Generated encoders call this between known tags.
  size_t WriteUnknownTaggedFields(const UnknownTaggedFields& fields, size_t next, uint64_t limit);
  // A tagged section holding only unknown fields.
  void WriteTaggedFields(const UnknownTaggedFields& fields);

 private:
  void WriteLength(int64_t length, bool compact, bool wide);

  Bytes* out_;
  size_t start_ = out_->size();
  RecordsSplicer* splicer_ = nullptr;
};

// Encoded sizes, matching the Write* functions above.
size_t StringSize(std::string_view v, bool compact);
size_t NullableStringSize(const std::optional<std::string>& v, bool compact, bool nullable);
size_t BytesSize(ByteView v, bool compact);
size_t NullableBytesSize(const std::optional<Bytes>& v, bool compact, bool nullable);
size_t ArrayLengthSize(int64_t count, bool compact);
// Size of unknown tagged fields (each tag, size and data), without the count.
size_t UnknownTaggedFieldsSize(const UnknownTaggedFields& fields);
// Size of a whole tagged section holding only `fields`.
size_t TaggedFieldsSize(const UnknownTaggedFields& fields);
// Size of one tagged field whose value takes `value_size` bytes.
inline size_t TaggedFieldSize(uint32_t tag, size_t value_size) {
  return UnsignedVarintSize(tag) + UnsignedVarintSize(value_size) + value_size;
}

// Size of an array: its length and each element's `element_size(element)`.
template <typename T, typename ElementSize>
size_t ArraySize(const std::vector<T>& v, bool compact, ElementSize element_size) {
  size_t size = ArrayLengthSize(static_cast<int64_t>(v.size()), compact);
  for (const T& element : v) size += element_size(element);
  return size;
}

template <typename T, typename ElementSize>
size_t NullableArraySize(const std::optional<std::vector<T>>& v, bool compact, bool nullable,
                         ElementSize element_size) {
  if (!v.has_value()) return ArrayLengthSize(nullable ? -1 : 0, compact);
  return ArraySize(*v, compact, element_size);
}

}  // namespace brook::broker::protocol
