#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace brook::streams::detail {

// The fixed-width big-endian integers of the store and windowed-serde byte layouts
// (value_and_timestamp_serde.h, windowed_serdes.h, the changelog keys of window and session
// stores).
inline void AppendInt64BigEndian(std::string& out, int64_t value) {
  auto bits = static_cast<uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(bits >> shift));
}

inline void AppendInt32BigEndian(std::string& out, int32_t value) {
  auto bits = static_cast<uint32_t>(value);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(bits >> shift));
}

// Reads 8 bytes at `at`; the caller checks that they are there.
inline int64_t ReadInt64BigEndian(std::string_view bytes, size_t at) {
  uint64_t bits = 0;
  for (size_t i = 0; i < 8; ++i) bits = (bits << 8) | static_cast<uint8_t>(bytes[at + i]);
  return static_cast<int64_t>(bits);
}

inline int32_t ReadInt32BigEndian(std::string_view bytes, size_t at) {
  uint32_t bits = 0;
  for (size_t i = 0; i < 4; ++i) bits = (bits << 8) | static_cast<uint8_t>(bytes[at + i]);
  return static_cast<int32_t>(bits);
}

}  // namespace brook::streams::detail
