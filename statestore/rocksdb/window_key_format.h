#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

// The key of a window store entry, in the RocksDB segments, the in-memory store's changelog and
// every window store changelog (Kafka's WindowKeySchema.toStoreKeyBinary), long form in
// docs/formats/window-store-keys.md:
//
//   [record key bytes][window start: int64 big-endian][seqnum: int32 big-endian]
//
// The record key is everything before the last 12 bytes. The seqnum is 0 unless the store
// retains duplicates, where each put takes the next one (NextSeqnum) so equal keys and windows
// stay distinct. Segments order these keys with the window key comparator (by record key bytes,
// then window start as a signed number, then seqnum), not bytewise.
namespace brook::statestore::window_key {

inline constexpr size_t kTimestampSize = 8;
inline constexpr size_t kSeqnumSize = 4;
inline constexpr size_t kSuffixSize = kTimestampSize + kSeqnumSize;

inline std::string ToStoreKey(std::string_view key, int64_t window_start, int32_t seqnum) {
  std::string out;
  out.resize(key.size() + kSuffixSize);
  out.replace(0, key.size(), key);
  auto* suffix = reinterpret_cast<uint8_t*>(out.data() + key.size());
  StoreBigEndian<int64_t>(suffix, window_start);
  StoreBigEndian<int32_t>(suffix + kTimestampSize, seqnum);
  return out;
}

struct Parts {
  std::string_view key;  // a view into the store key
  int64_t window_start;
  int32_t seqnum;
};

// nullopt when `store_key` is shorter than the suffix (not a window store key).
inline std::optional<Parts> Parse(std::string_view store_key) {
  if (store_key.size() < kSuffixSize) return std::nullopt;
  size_t key_size = store_key.size() - kSuffixSize;
  const auto* suffix = reinterpret_cast<const uint8_t*>(store_key.data() + key_size);
  return Parts{store_key.substr(0, key_size), LoadBigEndian<int64_t>(suffix),
               LoadBigEndian<int32_t>(suffix + kTimestampSize)};
}

// The seqnum after `seqnum`: 1, 2, ... up to 2^31 - 1, then 0 again (Kafka's).
inline int32_t NextSeqnum(int32_t seqnum) { return (seqnum + 1) & 0x7FFFFFFF; }

}  // namespace brook::statestore::window_key
