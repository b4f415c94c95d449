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
  for (char c : key) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');
  }
  out.push_back('\0');
  out.push_back('\x01');
}

inline void AppendTime(std::string& out, int64_t time) {
  uint64_t bits = static_cast<uint64_t>(time) ^ (uint64_t{1} << 63);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(bits >> shift));
}

// Reads what AppendKey wrote at the front of `in` and removes it; false when malformed.
inline bool ReadKey(std::string_view& in, std::string& key) {
  key.clear();
  for (size_t i = 0; i + 1 < in.size(); ++i) {
    if (in[i] != '\0') {
      key.push_back(in[i]);
      continue;
    }
    if (in[i + 1] == '\x01') {
      in.remove_prefix(i + 2);
      return true;
    }
    if (in[i + 1] != '\xff') return false;
    key.push_back('\0');
    ++i;
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
