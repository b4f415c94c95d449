#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

// The key of a session store entry, in the RocksDB segments, the in-memory store's changelog and
// every session store changelog (Kafka's SessionKeySchema.toBinary), long form in
// docs/formats/session-store-keys.md:
//
//   [record key bytes][session end: int64 big-endian][session start: int64 big-endian]
//
// The record key is everything before the last 16 bytes. Segments hold a session by its end and
// order these keys with the session key comparator (by record key bytes, then end, then start,
// both as signed numbers), not bytewise.
namespace brook::statestore::session_key {

inline constexpr size_t kTimestampSize = 8;
inline constexpr size_t kSuffixSize = 2 * kTimestampSize;

inline std::string ToStoreKey(std::string_view key, int64_t session_start, int64_t session_end) {
  std::string out;
  out.resize(key.size() + kSuffixSize);
  out.replace(0, key.size(), key);
  auto* suffix = reinterpret_cast<uint8_t*>(out.data() + key.size());
  StoreBigEndian<int64_t>(suffix, session_end);
  StoreBigEndian<int64_t>(suffix + kTimestampSize, session_start);
  return out;
}

struct Parts {
  std::string_view key;  // a view into the store key
  int64_t session_start;
  int64_t session_end;
};

// nullopt when `store_key` is shorter than the suffix (not a session store key).
inline std::optional<Parts> Parse(std::string_view store_key) {
  if (store_key.size() < kSuffixSize) return std::nullopt;
  size_t key_size = store_key.size() - kSuffixSize;
  const auto* suffix = reinterpret_cast<const uint8_t*>(store_key.data() + key_size);
  return Parts{store_key.substr(0, key_size), LoadBigEndian<int64_t>(suffix + kTimestampSize),
               LoadBigEndian<int64_t>(suffix)};
}

}  // namespace brook::statestore::session_key
