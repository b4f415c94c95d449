#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "broker/protocol/tagged_fields.h"
#include "common/bytes.h"
#include "common/status.h"
#include "common/uuid.h"

namespace brook::broker::protocol {

// Reads Kafka protocol primitives from a byte buffer it does not own, tracking the byte offset.
//
// Every failure is Status::Corruption("<message> v<version>: <what> at byte <offset>"), where
// <message> and <version> come from SetContext (set by each generated top-level Decode) and
// <offset> counts from the start of the buffer given to the constructor, so when the reader is
// built over a whole request frame, offsets in errors are frame offsets.
//
// No read allocates more than the bytes left in the buffer justify: string, bytes and array
// lengths are checked against remaining() before anything is reserved.
//
// Thread safety: none; a value type that is cheap to copy. The buffer must outlive the reader.
class Reader {
 public:
  // Reads `data` starting at `offset`.
  explicit Reader(ByteView data, size_t offset = 0) : data_(data), offset_(offset) {}

  // Names the message and version being decoded, for error messages.
  void SetContext(std::string_view message, int16_t version) {
    message_ = message;
    version_ = version;
  }

  size_t offset() const { return offset_; }
  size_t remaining() const { return data_.size() - offset_; }
  bool at_end() const { return offset_ == data_.size(); }

  // Fixed-width values, big-endian. `field` names the value in errors.
  Status ReadBool(bool* out, std::string_view field);
  Status ReadInt8(int8_t* out, std::string_view field);
  Status ReadInt16(int16_t* out, std::string_view field);
  Status ReadUint16(uint16_t* out, std::string_view field);
  Status ReadInt32(int32_t* out, std::string_view field);
  Status ReadUint32(uint32_t* out, std::string_view field);
  Status ReadInt64(int64_t* out, std::string_view field);
  Status ReadFloat64(double* out, std::string_view field);
  Status ReadUuid(Uuid* out, std::string_view field);

  // Variable-length integers (unsigned varint: at most 5 bytes, fits 32 bits).
  Status ReadUnsignedVarint(uint32_t* out, std::string_view field);
  Status ReadVarint(int32_t* out, std::string_view field);
  Status ReadVarlong(int64_t* out, std::string_view field);

  // Strings: int16 length (compact: uvarint length+1). Null is accepted only when `nullable`;
  // a non-nullable string given null is an error.
  Status ReadString(std::string* out, bool compact, std::string_view field);
  Status ReadNullableString(std::optional<std::string>* out, bool compact, bool nullable,
                            std::string_view field);

  // Bytes and records: int32 length (compact: uvarint length+1).
  Status ReadBytes(Bytes* out, bool compact, std::string_view field);
  Status ReadNullableBytes(std::optional<Bytes>* out, bool compact, bool nullable,
                           std::string_view field);

  // An array's element count, -1 for null (only when `nullable`). Fails unless
  // count * max(min_element_size, 1) bytes remain, so a huge claimed count fails here.
  Status ReadArrayLength(int32_t* count, bool compact, bool nullable, size_t min_element_size,
                         std::string_view field);

  // One tagged field's header: tag and size; fails unless `size` bytes remain.
  Status ReadTaggedFieldHeader(uint32_t* tag, uint32_t* size);
  // Stores the next `size` bytes as an unknown tagged field.
  Status ReadUnknownTaggedField(uint32_t tag, uint32_t size, UnknownTaggedFields* out);
  // A whole tagged-field section of a struct that has no known tagged fields.
  Status ReadTaggedFields(UnknownTaggedFields* out);

  // A reader over the next `size` bytes (which must remain), with the same context and offsets;
  // this reader does not move.
  Reader Slice(size_t size) const;
  // Moves past `size` bytes.
  Status Skip(size_t size, std::string_view field);
  // Ok iff every byte was read; else an error naming `what` was followed by unread bytes.
  Status ExpectEnd(std::string_view what) const;

  // The Corruption status for `what` at the current offset.
  Status Error(std::string_view what) const;

 private:
  Status Truncated(std::string_view type, std::string_view field, size_t need) const;
  // Reads a string/bytes length: -1 means null.
  Status ReadLength(int64_t* length, bool compact, bool wide, std::string_view type,
                    std::string_view field);

  ByteView data_;
  size_t offset_;
  std::string_view message_ = "message";
  int16_t version_ = 0;
};

}  // namespace brook::broker::protocol
