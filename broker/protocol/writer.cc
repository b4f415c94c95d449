#include "broker/protocol/writer.h"

#include <bit>

namespace brook::broker::protocol {

void Writer::WriteFloat64(double v) { AppendBigEndian(*out_, std::bit_cast<uint64_t>(v)); }

void Writer::WriteLength(int64_t length, bool compact, bool wide) {
  if (compact) {
    WriteUnsignedVarint(static_cast<uint32_t>(length + 1));
  } else if (wide) {
    WriteInt32(static_cast<int32_t>(length));
  } else {
    WriteInt16(static_cast<int16_t>(length));
  }
}

void Writer::WriteString(std::string_view v, bool compact) {
  WriteLength(static_cast<int64_t>(v.size()), compact, /*wide=*/false);
  WriteRaw(AsBytes(v));
}

void Writer::WriteNullableString(const std::optional<std::string>& v, bool compact, bool nullable) {
  if (v.has_value()) {
    WriteString(*v, compact);
  } else {
    WriteLength(nullable ? -1 : 0, compact, /*wide=*/false);
  }
}

void Writer::WriteBytes(ByteView v, bool compact) {
  WriteLength(static_cast<int64_t>(v.size()), compact, /*wide=*/true);
  WriteRaw(v);
}

void Writer::WriteNullableBytes(const std::optional<Bytes>& v, bool compact, bool nullable) {
  if (v.has_value()) {
    WriteBytes(*v, compact);
  } else {
    WriteLength(nullable ? -1 : 0, compact, /*wide=*/true);
  }
}

void Writer::WriteRecords(const std::optional<Bytes>& v, bool compact, bool nullable) {
  if (splicer_ != nullptr && v.has_value()) {
    if (std::optional<uint64_t> size = splicer_->ExternalSize(*v)) {
      WriteLength(static_cast<int64_t>(*size), compact, /*wide=*/true);
      splicer_->Splice(*v, out_->size());
      return;
    }
  }
  WriteNullableBytes(v, compact, nullable);
}

void Writer::WriteArrayLength(int64_t count, bool compact) {
  WriteLength(count, compact, /*wide=*/true);
}

size_t Writer::WriteUnknownTaggedFields(const UnknownTaggedFields& fields, size_t next,
                                        uint64_t limit) {
  while (next < fields.size() && fields[next].tag < limit) {
    const UnknownTaggedField& field = fields[next];
    WriteUnsignedVarint(field.tag);
    WriteUnsignedVarint(static_cast<uint32_t>(field.data.size()));
    WriteRaw(field.data);
    ++next;
  }
  return next;
}

void Writer::WriteTaggedFields(const UnknownTaggedFields& fields) {
  WriteUnsignedVarint(static_cast<uint32_t>(fields.size()));
  WriteUnknownTaggedFields(fields, 0, UINT64_MAX);
}

namespace {

size_t LengthSize(int64_t length, bool compact, bool wide) {
  if (compact) return UnsignedVarintSize(static_cast<uint64_t>(length + 1));
  return wide ? 4 : 2;
}

}  // namespace

size_t StringSize(std::string_view v, bool compact) {
  return LengthSize(static_cast<int64_t>(v.size()), compact, /*wide=*/false) + v.size();
}

size_t NullableStringSize(const std::optional<std::string>& v, bool compact, bool nullable) {
  if (v.has_value()) return StringSize(*v, compact);
  return LengthSize(nullable ? -1 : 0, compact, /*wide=*/false);
}

size_t BytesSize(ByteView v, bool compact) {
  return LengthSize(static_cast<int64_t>(v.size()), compact, /*wide=*/true) + v.size();
}

size_t NullableBytesSize(const std::optional<Bytes>& v, bool compact, bool nullable) {
  if (v.has_value()) return BytesSize(*v, compact);
  return LengthSize(nullable ? -1 : 0, compact, /*wide=*/true);
}

size_t ArrayLengthSize(int64_t count, bool compact) {
  return LengthSize(count, compact, /*wide=*/true);
}

size_t UnknownTaggedFieldsSize(const UnknownTaggedFields& fields) {
  size_t size = 0;
  for (const UnknownTaggedField& field : fields) {
    size += TaggedFieldSize(field.tag, field.data.size());
  }
  return size;
}

size_t TaggedFieldsSize(const UnknownTaggedFields& fields) {
  return UnsignedVarintSize(fields.size()) + UnknownTaggedFieldsSize(fields);
}

}  // namespace brook::broker::protocol
