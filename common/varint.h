#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"

namespace brook {

// Kafka's variable-length integers (protobuf-style 7-bit groups, least significant first,
// high bit = more bytes follow).
//  - unsigned varint: the raw value (compact lengths, tagged fields). At most 5 bytes.
//  - varint / varlong: zigzag-encoded signed values (record fields). At most 5 / 10 bytes.
inline constexpr size_t kMaxVarintBytes = 5;
inline constexpr size_t kMaxVarlongBytes = 10;

inline constexpr uint32_t ZigZagEncode32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline constexpr uint64_t ZigZagEncode64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline constexpr int32_t ZigZagDecode32(uint32_t v) {
  return static_cast<int32_t>(v >> 1) ^ -static_cast<int32_t>(v & 1);
}
inline constexpr int64_t ZigZagDecode64(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// Bytes the encoding of `v` takes.
size_t UnsignedVarintSize(uint64_t v);
inline size_t VarintSize(int32_t v) { return UnsignedVarintSize(ZigZagEncode32(v)); }
inline size_t VarlongSize(int64_t v) { return UnsignedVarintSize(ZigZagEncode64(v)); }

// Appends the encoding of `v` to `out`.
void AppendUnsignedVarint(Bytes& out, uint32_t v);
void AppendUnsignedVarlong(Bytes& out, uint64_t v);
inline void AppendVarint(Bytes& out, int32_t v) { AppendUnsignedVarint(out, ZigZagEncode32(v)); }
inline void AppendVarlong(Bytes& out, int64_t v) { AppendUnsignedVarlong(out, ZigZagEncode64(v)); }

// Writes the encoding of `v` at `p` (which must have room for the maximum size) and returns the
// number of bytes written.
size_t EncodeUnsignedVarlong(uint8_t* p, uint64_t v);

// Decoders: read one value from [p, end). Return the number of bytes consumed, or 0 when the
// input ends inside the value or the value is longer than its maximum size (malformed).
size_t DecodeUnsignedVarint(const uint8_t* p, const uint8_t* end, uint32_t* out);
size_t DecodeUnsignedVarlong(const uint8_t* p, const uint8_t* end, uint64_t* out);
size_t DecodeVarint(const uint8_t* p, const uint8_t* end, int32_t* out);
size_t DecodeVarlong(const uint8_t* p, const uint8_t* end, int64_t* out);

}  // namespace brook
