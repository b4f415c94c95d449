#include "common/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace brook::crc32c {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78u;

using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables MakeTables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kPolynomial : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i) {
    for (size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  }
  return t;
}

constexpr Tables kTables = MakeTables();

// Shifting a CRC register past `n` zero bytes is linear over GF(2): a 32x32 bit matrix, applied
// here through four 256-entry tables. It lets three independent streams be combined, which
// hides the latency of the crc32 instruction (3 cycles, 1 per cycle throughput).
struct ShiftTables {
  std::array<std::array<uint32_t, 256>, 4> table{};
};

uint32_t MatrixTimes(const std::array<uint32_t, 32>& matrix, uint32_t vector) {
  uint32_t sum = 0;
  for (int i = 0; vector != 0; ++i, vector >>= 1) {
    if (vector & 1) sum ^= matrix[i];
  }
  return sum;
}

std::array<uint32_t, 32> MatrixSquare(const std::array<uint32_t, 32>& matrix) {
  std::array<uint32_t, 32> square{};
  for (int i = 0; i < 32; ++i) square[i] = MatrixTimes(matrix, matrix[i]);
  return square;
}

// The operator that appends `bytes` zero bytes to a (non-inverted) CRC register.
ShiftTables MakeShiftTables(size_t bytes) {
  std::array<uint32_t, 32> op{};  // one zero bit
  op[0] = kPolynomial;
  for (int i = 1; i < 32; ++i) op[i] = 1u << (i - 1);
  std::array<uint32_t, 32> result{};
  for (int i = 0; i < 32; ++i) result[i] = 1u << i;  // identity
  // Repeated squaring: op^(8 * bytes).
  for (size_t bits = bytes * 8; bits != 0; bits >>= 1) {
    if (bits & 1) {
      std::array<uint32_t, 32> next{};
      for (int i = 0; i < 32; ++i) next[i] = MatrixTimes(op, result[i]);
      result = next;
    }
    op = MatrixSquare(op);
  }
  ShiftTables t;
  for (uint32_t n = 0; n < 256; ++n) {
    for (int k = 0; k < 4; ++k) t.table[k][n] = MatrixTimes(result, n << (8 * k));
  }
  return t;
}

uint32_t Shift(const ShiftTables& t, uint32_t crc) {
  return t.table[0][crc & 0xff] ^ t.table[1][(crc >> 8) & 0xff] ^ t.table[2][(crc >> 16) & 0xff] ^
         t.table[3][crc >> 24];
}

constexpr size_t kLongBlock = 8192;
constexpr size_t kShortBlock = 256;

#if defined(__x86_64__)
// CRCs three blocks of `block` bytes at a time, combining them into *c0.
__attribute__((target("sse4.2"))) void ThreeWay(size_t block, const ShiftTables& shift,
                                                const uint8_t** data, size_t* size, uint64_t* c0) {
  const uint8_t* p = *data;
  size_t n = *size;
  uint64_t c = *c0;
  while (n >= 3 * block) {
    uint64_t c1 = 0;
    uint64_t c2 = 0;
    const uint8_t* end = p + block;
    do {
      uint64_t w0, w1, w2;
      std::memcpy(&w0, p, 8);
      std::memcpy(&w1, p + block, 8);
      std::memcpy(&w2, p + 2 * block, 8);
      c = _mm_crc32_u64(c, w0);
      c1 = _mm_crc32_u64(c1, w1);
      c2 = _mm_crc32_u64(c2, w2);
      p += 8;
    } while (p < end);
    c = Shift(shift, static_cast<uint32_t>(c)) ^ static_cast<uint32_t>(c1);
    c = Shift(shift, static_cast<uint32_t>(c)) ^ static_cast<uint32_t>(c2);
    p += 2 * block;
    n -= 3 * block;
  }
  *data = p;
  *size = n;
  *c0 = c;
}

__attribute__((target("sse4.2"))) uint32_t ExtendHardware(uint32_t crc, const uint8_t* p,
                                                          size_t n) {
  static const ShiftTables kLongShift = MakeShiftTables(kLongBlock);
  static const ShiftTables kShortShift = MakeShiftTables(kShortBlock);
  uint64_t c0 = ~crc;
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    c0 = _mm_crc32_u8(static_cast<uint32_t>(c0), *p++);
    --n;
  }
  ThreeWay(kLongBlock, kLongShift, &p, &n, &c0);
  ThreeWay(kShortBlock, kShortShift, &p, &n, &c0);
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c0 = _mm_crc32_u64(c0, word);
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c0 = _mm_crc32_u8(static_cast<uint32_t>(c0), *p++);
    --n;
  }
  return ~static_cast<uint32_t>(c0);
}

bool DetectHardware() { return __builtin_cpu_supports("sse4.2"); }
#else
uint32_t ExtendHardware(uint32_t crc, const uint8_t* p, size_t n) {
  return ExtendPortable(crc, p, n);
}
bool DetectHardware() { return false; }
#endif

const bool kHasHardware = DetectHardware();

}  // namespace

uint32_t ExtendPortable(uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t c = ~crc;
  while (n >= 8) {
    uint32_t lo;
    uint32_t hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + 4, 4);
    lo ^= c;  // little-endian load; the tables assume it
    c = kTables[7][lo & 0xff] ^ kTables[6][(lo >> 8) & 0xff] ^ kTables[5][(lo >> 16) & 0xff] ^
        kTables[4][lo >> 24] ^ kTables[3][hi & 0xff] ^ kTables[2][(hi >> 8) & 0xff] ^
        kTables[1][(hi >> 16) & 0xff] ^ kTables[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    c = kTables[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    --n;
  }
  return ~c;
}

uint32_t Extend(uint32_t crc, const uint8_t* data, size_t n) {
  return kHasHardware ? ExtendHardware(crc, data, n) : ExtendPortable(crc, data, n);
}

bool HardwareAccelerated() { return kHasHardware; }

}  // namespace brook::crc32c
