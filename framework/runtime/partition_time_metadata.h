#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace brook::framework::runtime {

// The commit metadata a task writes with each input partition's offset (Kafka Streams'
// TopicPartitionMetadata): the partition time, the largest timestamp the task processed from
// that partition, so a task that starts on committed offsets (after a restart, a crash or a
// rebalance) resumes with the stream time it had, and windows closed before stay closed; and
// the task's processor metadata (Kafka's ProcessorMetadata: named int64 values processors keep
// across restarts, e.g. the last window close time an emit-on-window-close aggregation emitted).
//
// Kafka's layout, Base64 (RFC 4648, with padding) of: version (1 byte), partition time
// (8 bytes, big-endian); version 2 adds the processor metadata: nothing when empty, else an
// entry count (int32), then per entry the key's length (int32), its UTF-8 bytes and the value
// (int64), all big-endian. Brook writes version 2, as Kafka 3.x does.
struct PartitionMetadata {
  int64_t partition_time = -1;
  std::map<std::string, int64_t> processor_metadata;
};

std::string EncodePartitionMetadata(const PartitionMetadata& metadata);
// The metadata in `text`; nullopt for an empty, malformed or unknown-version string (e.g.
// offsets committed by another client). Damaged processor metadata after a good partition time
// gives the time and no processor metadata.
std::optional<PartitionMetadata> DecodePartitionMetadata(std::string_view text);

// Shorthands for the partition time alone.
std::string EncodePartitionTime(int64_t partition_time);
std::optional<int64_t> DecodePartitionTime(std::string_view metadata);

}  // namespace brook::framework::runtime
