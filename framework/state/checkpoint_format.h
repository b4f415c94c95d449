#pragma once

#include <cstdint>

// The layout of a task's `.checkpoint` file, shared by its reader and writer
// (docs/formats/checkpoint.md has the long form). It is Kafka Streams' OffsetCheckpoint text
// format, so a Kafka Streams user reads it the same way:
//
//   0\n                          version line: kCheckpointVersion
//   <count>\n                    number of entry lines that follow, decimal
//   <topic> <partition> <offset>\n   one line per changelog partition, `count` of them
//
// Fields are separated by one space; numbers are decimal; the file ends after the last entry's
// newline. `offset` is the offset of the last changelog record the task's stores hold (written
// and acknowledged, or restored); restoration resumes at offset + 1. A file that does not parse
// exactly (another version, a count that does not match, a torn last line) is corrupt.
namespace brook::framework::state {

inline constexpr int kCheckpointVersion = 0;
inline constexpr const char* kCheckpointFileName = ".checkpoint";
// Written first, fsynced, then renamed over kCheckpointFileName (atomic on POSIX).
inline constexpr const char* kCheckpointTempSuffix = ".tmp";
// Kafka's OFFSET_UNKNOWN: a store with no changelog offset to record is left out of the file.
inline constexpr int64_t kOffsetUnknown = -1;

}  // namespace brook::framework::state
