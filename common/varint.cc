#include "common/varint.h"

namespace brook {

size_t UnsignedVarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

size_t EncodeUnsignedVarlong(uint8_t* p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<uint8_t>(v);
  return n;
}

void AppendUnsignedVarint(Bytes& out, uint32_t v) { AppendUnsignedVarlong(out, v); }

void AppendUnsignedVarlong(Bytes& out, uint64_t v) {
  uint8_t buf[kMaxVarlongBytes];
  size_t n = EncodeUnsignedVarlong(buf, v);
  out.insert(out.end(), buf, buf + n);
}

namespace {

size_t DecodeGroups(const uint8_t* p, const uint8_t* end, size_t max_bytes, uint64_t* out) {
  uint64_t value = 0;
  for (size_t i = 0; i < max_bytes; ++i) {
    if (p + i >= end) return 0;
    uint8_t b = p[i];
    value |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *out = value;
      return i + 1;
    }
  }
  return 0;  // too long
}

}  // namespace

size_t DecodeUnsignedVarint(const uint8_t* p, const uint8_t* end, uint32_t* out) {
  uint64_t v = 0;
  size_t n = DecodeGroups(p, end, kMaxVarintBytes, &v);
  if (n == 0 || v > UINT32_MAX) return 0;
  *out = static_cast<uint32_t>(v);
  return n;
}

size_t DecodeUnsignedVarlong(const uint8_t* p, const uint8_t* end, uint64_t* out) {
  return DecodeGroups(p, end, kMaxVarlongBytes, out);
}

size_t DecodeVarint(const uint8_t* p, const uint8_t* end, int32_t* out) {
  uint32_t raw = 0;
  size_t n = DecodeUnsignedVarint(p, end, &raw);
  if (n != 0) *out = ZigZagDecode32(raw);
  return n;
}

size_t DecodeVarlong(const uint8_t* p, const uint8_t* end, int64_t* out) {
  uint64_t raw = 0;
  size_t n = DecodeUnsignedVarlong(p, end, &raw);
  if (n != 0) *out = ZigZagDecode64(raw);
  return n;
}

}  // namespace brook
