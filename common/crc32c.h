#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"

namespace brook::crc32c {

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka record batch v2.
// Uses the SSE4.2 crc32 instruction when the CPU has it, a slicing-by-8 table otherwise.
// Thread safety: pure functions.

// Extends `crc` (the value returned for the bytes so far; 0 to start) over [data, data+n).
uint32_t Extend(uint32_t crc, const uint8_t* data, size_t n);

inline uint32_t Value(const uint8_t* data, size_t n) { return Extend(0, data, n); }
inline uint32_t Value(ByteView data) { return Extend(0, data.data(), data.size()); }

// The portable path, exposed so tests can check both paths against the same vectors.
uint32_t ExtendPortable(uint32_t crc, const uint8_t* data, size_t n);
// True when Extend uses the hardware instruction.
bool HardwareAccelerated();

}  // namespace brook::crc32c
