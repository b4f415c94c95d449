#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace brook::statestore {

// Keys of the window and session caching layers in the thread cache, made so that the cache's
// byte order is the stores' iteration order (key, then window start [, then end]) for keys of
// any length, and negative timestamps: the key's bytes with 0x00 written as 0x00 0xFF and
// ended by 0x00 0x01, then each timestamp as 8 big-endian bytes with the sign bit flipped.
// Internal to the thread cache (never on disk or in a topic).
namespace cache_key {

inline void AppendKey(std::string& out, std::string_view key) {
  // Runs between zero bytes are appended whole; most keys have no zero byte at all.
  for (size_t zero = key.find('\0'); zero != std::string_view::npos; zero = key.find('\0')) {
    out.append(key.data(), zero + 1);
    out.push_back('\xff');
    key.remove_prefix(zero + 1);
  }
  out.append(key);
  out.append("\0\x01", 2);
}

inline void AppendTime(std::string& out, int64_t time) {
  uint64_t bits = static_cast<uint64_t>(time) ^ (uint64_t{1} << 63);
  char bytes[8];
  for (int i = 7; i >= 0; --i, bits >>= 8) bytes[i] = static_cast<char>(bits);
  out.append(bytes, 8);
}

// Reads what AppendKey wrote at the front of `in` and removes it; false when malformed.
inline bool ReadKey(std::string_view& in, std::string& key) {
  key.clear();
  std::string_view rest = in;
  for (size_t zero = rest.find('\0'); zero != std::string_view::npos; zero = rest.find('\0')) {
    if (zero + 1 >= rest.size()) return false;
    key.append(rest.data(), zero);
    if (rest[zero + 1] == '\x01') {
      in = rest.substr(zero + 2);
      return true;
    }
    if (rest[zero + 1] != '\xff') return false;
    key.push_back('\0');
    rest.remove_prefix(zero + 2);
  }
  return false;
}

inline bool ReadTime(std::string_view& in, int64_t& time) {
  if (in.size() < 8) return false;
  uint64_t bits = 0;
  for (size_t i = 0; i < 8; ++i) bits = (bits << 8) | static_cast<uint8_t>(in[i]);
  time = static_cast<int64_t>(bits ^ (uint64_t{1} << 63));
  in.remove_prefix(8);
  return true;
}

// (key, window start).
inline std::string Window(std::string_view key, int64_t start) {
  std::string out;
  out.reserve(key.size() + 10);
  AppendKey(out, key);
  AppendTime(out, start);
  return out;
}

// (key, session start, session end).
inline std::string Session(std::string_view key, int64_t start, int64_t end) {
  std::string out = Window(key, start);
  AppendTime(out, end);
  return out;
}

// The smallest cache key of `key` (before all of its windows or sessions).
inline std::string KeyStart(std::string_view key) {
  std::string out;
  AppendKey(out, key);
  return out;
}

// The first cache key after every window or session of `key` (an exclusive bound).
inline std::string KeyEnd(std::string_view key) {
  std::string out = KeyStart(key);
  out.back() = '\x02';
  return out;
}

}  // namespace cache_key
}  // namespace brook::statestore
