#include "common/uuid.h"

#include <random>

namespace brook {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

Uuid Uuid::Random() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  while (true) {
    Uuid id;
    uint64_t a = rng();
    uint64_t b = rng();
    for (int i = 0; i < 8; ++i) {
      id.bytes[i] = static_cast<uint8_t>(a >> (56 - 8 * i));
      id.bytes[8 + i] = static_cast<uint8_t>(b >> (56 - 8 * i));
    }
    id.bytes[6] = static_cast<uint8_t>((id.bytes[6] & 0x0f) | 0x40);  // version 4
    id.bytes[8] = static_cast<uint8_t>((id.bytes[8] & 0x3f) | 0x80);  // IETF variant
    if (!id.is_zero() && id.ToString()[0] != '-') return id;
  }
}

std::string Uuid::ToString() const {
  std::string out;
  out.reserve(22);
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::optional<Uuid> Uuid::FromString(std::string_view text) {
  if (text.size() != 22) return std::nullopt;
  Uuid id;
  uint32_t buffer = 0;
  int bits = 0;
  size_t at = 0;
  for (char c : text) {
    int v = DecodeChar(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (at < 16) id.bytes[at++] = static_cast<uint8_t>(buffer >> bits);
    }
  }
  // The last character carries 2 bits of data and 4 bits that must be zero.
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return id;
}

}  // namespace brook
