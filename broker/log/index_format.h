#pragma once

// Byte layout of the files beside a segment (long form: docs/formats/log.md).
//
// <base>.index      offset index: 8-byte entries, big-endian
//                     int32 relative offset  (last offset of a batch - segment base offset)
//                     int32 position         (byte position of that batch in <base>.log)
// <base>.timeindex  time index: 12-byte entries, big-endian
//                     int64 timestamp        (largest timestamp in the segment so far, ms)
//                     int32 relative offset  (last offset of the batch that holds it - base)
// Both are sparse (one entry per index.interval.bytes of log) and sorted: offsets strictly
// increase, positions strictly increase, timestamps strictly increase.

#include <cstddef>
#include <cstdint>

namespace brook::broker::log {

inline constexpr size_t kOffsetIndexEntrySize = 8;
inline constexpr size_t kTimeIndexEntrySize = 12;

// 20-digit, zero-padded base offset + suffix, as Kafka names segment files.
inline constexpr const char* kLogFileSuffix = ".log";
inline constexpr const char* kOffsetIndexFileSuffix = ".index";
inline constexpr const char* kTimeIndexFileSuffix = ".timeindex";

}  // namespace brook::broker::log
