#include "broker/protocol/reader.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "common/varint.h"

namespace brook::broker::protocol {

Status Reader::Error(std::string_view what) const {
  std::string text;
  text.reserve(message_.size() + what.size() + 32);
  text.append(message_);
  text.append(" v");
  text.append(std::to_string(version_));
  text.append(": ");
  text.append(what);
  text.append(" at byte ");
  text.append(std::to_string(offset_));
  return Status::Corruption(std::move(text));
}

Status Reader::Truncated(std::string_view type, std::string_view field, size_t need) const {
  return Error(std::string(type) + " " + std::string(field) + " needs " + std::to_string(need) +
               " bytes, " + std::to_string(remaining()) + " left");
}

#define BROOK_READ_FIXED(Name, Type, TypeName)                                       \
  Status Reader::Name(Type* out, std::string_view field) {                           \
    if (remaining() < sizeof(Type)) return Truncated(TypeName, field, sizeof(Type)); \
    *out = LoadBigEndian<Type>(data_.data() + offset_);                              \
    offset_ += sizeof(Type);                                                         \
    return Status::Ok();                                                             \
  }

BROOK_READ_FIXED(ReadInt8, int8_t, "int8")
BROOK_READ_FIXED(ReadInt16, int16_t, "int16")
BROOK_READ_FIXED(ReadUint16, uint16_t, "uint16")
BROOK_READ_FIXED(ReadInt32, int32_t, "int32")
BROOK_READ_FIXED(ReadUint32, uint32_t, "uint32")
BROOK_READ_FIXED(ReadInt64, int64_t, "int64")

#undef BROOK_READ_FIXED

Status Reader::ReadBool(bool* out, std::string_view field) {
  if (remaining() < 1) return Truncated("bool", field, 1);
  // Kafka reads any non-zero byte as true; keeping that makes re-encoding lossy only for
  // bytes other than 0 and 1, which no client sends.
  *out = data_[offset_] != 0;
  ++offset_;
  return Status::Ok();
}

Status Reader::ReadFloat64(double* out, std::string_view field) {
  if (remaining() < 8) return Truncated("float64", field, 8);
  *out = std::bit_cast<double>(LoadBigEndian<uint64_t>(data_.data() + offset_));
  offset_ += 8;
  return Status::Ok();
}

Status Reader::ReadUuid(Uuid* out, std::string_view field) {
  if (remaining() < 16) return Truncated("uuid", field, 16);
  std::memcpy(out->bytes.data(), data_.data() + offset_, 16);
  offset_ += 16;
  return Status::Ok();
}

Status Reader::ReadUnsignedVarint(uint32_t* out, std::string_view field) {
  size_t n = DecodeUnsignedVarint(data_.data() + offset_, data_.data() + data_.size(), out);
  if (n == 0) return Error("malformed or truncated unsigned varint " + std::string(field));
  offset_ += n;
  return Status::Ok();
}

Status Reader::ReadVarint(int32_t* out, std::string_view field) {
  size_t n = DecodeVarint(data_.data() + offset_, data_.data() + data_.size(), out);
  if (n == 0) return Error("malformed or truncated varint " + std::string(field));
  offset_ += n;
  return Status::Ok();
}

Status Reader::ReadVarlong(int64_t* out, std::string_view field) {
  size_t n = DecodeVarlong(data_.data() + offset_, data_.data() + data_.size(), out);
  if (n == 0) return Error("malformed or truncated varlong " + std::string(field));
  offset_ += n;
  return Status::Ok();
}

Status Reader::ReadLength(int64_t* length, bool compact, bool wide, std::string_view type,
                          std::string_view field) {
  if (compact) {
    uint32_t raw = 0;
    BROOK_RETURN_IF_ERROR(ReadUnsignedVarint(&raw, std::string(field) + " length"));
    // 0 = null, else length + 1. A length past INT32_MAX cannot be a Java array or string.
    if (raw > static_cast<uint32_t>(std::numeric_limits<int32_t>::max()) + 1u) {
      return Error(std::string(type) + " " + std::string(field) + " compact length " +
                   std::to_string(raw) + " overflows");
    }
    *length = static_cast<int64_t>(raw) - 1;
    return Status::Ok();
  }
  if (wide) {
    int32_t n = 0;
    BROOK_RETURN_IF_ERROR(ReadInt32(&n, std::string(field) + " length"));
    *length = n;
  } else {
    int16_t n = 0;
    BROOK_RETURN_IF_ERROR(ReadInt16(&n, std::string(field) + " length"));
    *length = n;
  }
  if (*length < -1) {
    offset_ -= wide ? 4 : 2;  // point at the length itself
    return Error(std::string(type) + " " + std::string(field) + " has negative length " +
                 std::to_string(*length));
  }
  return Status::Ok();
}

Status Reader::ReadString(std::string* out, bool compact, std::string_view field) {
  std::optional<std::string> value;
  BROOK_RETURN_IF_ERROR(ReadNullableString(&value, compact, /*nullable=*/false, field));
  *out = std::move(*value);
  return Status::Ok();
}

Status Reader::ReadNullableString(std::optional<std::string>* out, bool compact, bool nullable,
                                  std::string_view field) {
  size_t start = offset_;
  int64_t length = 0;
  BROOK_RETURN_IF_ERROR(ReadLength(&length, compact, /*wide=*/false, "string", field));
  if (length < 0) {
    if (!nullable) {
      offset_ = start;
      return Error("non-nullable string " + std::string(field) + " is null");
    }
    out->reset();
    return Status::Ok();
  }
  if (static_cast<uint64_t>(length) > remaining()) {
    return Truncated("string", field, static_cast<size_t>(length));
  }
  out->emplace(reinterpret_cast<const char*>(data_.data() + offset_), static_cast<size_t>(length));
  offset_ += static_cast<size_t>(length);
  return Status::Ok();
}

Status Reader::ReadBytes(Bytes* out, bool compact, std::string_view field) {
  std::optional<Bytes> value;
  BROOK_RETURN_IF_ERROR(ReadNullableBytes(&value, compact, /*nullable=*/false, field));
  *out = std::move(*value);
  return Status::Ok();
}

Status Reader::ReadNullableBytes(std::optional<Bytes>* out, bool compact, bool nullable,
                                 std::string_view field) {
  size_t start = offset_;
  int64_t length = 0;
  BROOK_RETURN_IF_ERROR(ReadLength(&length, compact, /*wide=*/true, "bytes", field));
  if (length < 0) {
    if (!nullable) {
      offset_ = start;
      return Error("non-nullable bytes " + std::string(field) + " are null");
    }
    out->reset();
    return Status::Ok();
  }
  if (static_cast<uint64_t>(length) > remaining()) {
    return Truncated("bytes", field, static_cast<size_t>(length));
  }
  const uint8_t* begin = data_.data() + offset_;
  out->emplace(begin, begin + length);
  offset_ += static_cast<size_t>(length);
  return Status::Ok();
}

Status Reader::ReadArrayLength(int32_t* count, bool compact, bool nullable, size_t min_element_size,
                               std::string_view field) {
  size_t start = offset_;
  int64_t length = 0;
  BROOK_RETURN_IF_ERROR(ReadLength(&length, compact, /*wide=*/true, "array", field));
  if (length < 0) {
    if (!nullable) {
      offset_ = start;
      return Error("non-nullable array " + std::string(field) + " is null");
    }
    *count = -1;
    return Status::Ok();
  }
  uint64_t need = static_cast<uint64_t>(length) * std::max<size_t>(min_element_size, 1);
  if (need > remaining()) {
    return Error("array " + std::string(field) + " claims " + std::to_string(length) +
                 " elements (at least " + std::to_string(need) + " bytes), " +
                 std::to_string(remaining()) + " left");
  }
  *count = static_cast<int32_t>(length);
  return Status::Ok();
}

Status Reader::ReadTaggedFieldHeader(uint32_t* tag, uint32_t* size) {
  BROOK_RETURN_IF_ERROR(ReadUnsignedVarint(tag, "tag"));
  BROOK_RETURN_IF_ERROR(ReadUnsignedVarint(size, "tagged field size"));
  if (*size > remaining()) {
    return Error("tagged field " + std::to_string(*tag) + " claims " + std::to_string(*size) +
                 " bytes, " + std::to_string(remaining()) + " left");
  }
  return Status::Ok();
}

Status Reader::ReadUnknownTaggedField(uint32_t tag, uint32_t size, UnknownTaggedFields* out) {
  if (size > remaining()) return Truncated("tagged field", std::to_string(tag), size);
  const uint8_t* begin = data_.data() + offset_;
  out->push_back(UnknownTaggedField{tag, Bytes(begin, begin + size)});
  offset_ += size;
  return Status::Ok();
}

Status Reader::ReadTaggedFields(UnknownTaggedFields* out) {
  uint32_t count = 0;
  BROOK_RETURN_IF_ERROR(ReadUnsignedVarint(&count, "tagged field count"));
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t tag = 0;
    uint32_t size = 0;
    BROOK_RETURN_IF_ERROR(ReadTaggedFieldHeader(&tag, &size));
    BROOK_RETURN_IF_ERROR(ReadUnknownTaggedField(tag, size, out));
  }
  return Status::Ok();
}

Reader Reader::Slice(size_t size) const {
  Reader slice(data_.first(offset_ + std::min(size, remaining())), offset_);
  slice.message_ = message_;
  slice.version_ = version_;
  return slice;
}

Status Reader::Skip(size_t size, std::string_view field) {
  if (size > remaining()) return Truncated("skipped", field, size);
  offset_ += size;
  return Status::Ok();
}

Status Reader::ExpectEnd(std::string_view what) const {
  if (at_end()) return Status::Ok();
  return Error(std::to_string(remaining()) + " unread bytes after " + std::string(what));
}

}  // namespace brook::broker::protocol
