#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace brook {

// Owned bytes and a non-owning view of bytes. Kafka data is bytes, never chars.
using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline std::string ToString(ByteView b) { return std::string(AsChars(b)); }

template <typename U>
constexpr U ByteSwap(U v) {
  if constexpr (sizeof(U) == 2) return static_cast<U>(__builtin_bswap16(v));
  if constexpr (sizeof(U) == 4) return static_cast<U>(__builtin_bswap32(v));
  if constexpr (sizeof(U) == 8) return static_cast<U>(__builtin_bswap64(v));
  return v;
}

// Big-endian fixed-width loads and stores (Kafka's byte order for every fixed-width integer).
// `p` must point at enough bytes; these never check bounds.
template <typename T>
inline T LoadBigEndian(const uint8_t* p) {
  static_assert(std::is_integral_v<T>);
  using U = std::make_unsigned_t<T>;
  U v;
  std::memcpy(&v, p, sizeof(U));
  if constexpr (std::endian::native == std::endian::little && sizeof(U) > 1) {
    v = ByteSwap(v);
  }
  return static_cast<T>(v);
}

template <typename T>
inline void StoreBigEndian(uint8_t* p, T value) {
  static_assert(std::is_integral_v<T>);
  using U = std::make_unsigned_t<T>;
  U v = static_cast<U>(value);
  if constexpr (std::endian::native == std::endian::little && sizeof(U) > 1) {
    v = ByteSwap(v);
  }
  std::memcpy(p, &v, sizeof(U));
}

template <typename T>
inline void AppendBigEndian(Bytes& out, T value) {
  size_t at = out.size();
  out.resize(at + sizeof(T));
  StoreBigEndian(out.data() + at, value);
}

inline void AppendBytes(Bytes& out, ByteView data) {
  out.insert(out.end(), data.begin(), data.end());
}

// Hex dump "0a1bff" of `data`, for messages and tests.
std::string HexString(ByteView data);

}  // namespace brook
