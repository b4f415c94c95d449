#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace brook::framework::runtime {

// The commit metadata a task writes with each input partition's offset (Kafka Streams'
// TopicPartitionMetadata): the partition time, the largest timestamp the task processed from
// that partition, so a task that starts on committed offsets (after a restart, a crash or a
// rebalance) resumes with the stream time it had, and windows closed before stay closed.
//
// Kafka's layout, Base64 (RFC 4648, with padding) of: version (1 byte: 1), partition time
// (8 bytes, big-endian); version 2 adds processor metadata after, which is ignored here.
std::string EncodePartitionTime(int64_t partition_time);
// The partition time in `metadata`; nullopt for an empty, malformed or unknown-version string
// (e.g. offsets committed by another client).
std::optional<int64_t> DecodePartitionTime(std::string_view metadata);

}  // namespace brook::framework::runtime
