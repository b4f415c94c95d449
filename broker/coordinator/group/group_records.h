#pragma once

// The records the group coordinator keeps in the compacted internal topic __consumer_offsets,
// in Kafka's layout (docs/formats/consumer-offsets.md):
//   offset commit   key = int16 1 + OffsetCommitKey v1 (group, topic, partition)
//                   value = int16 3 + OffsetCommitValue v3 (v1 when it carries an expiry)
//   group metadata  key = int16 2 + GroupMetadataKey v2 (group)
//                   value = int16 3 + GroupMetadataValue v3
// A null value is a tombstone: the offset or the group is gone. A group's records all go to
// partition abs(javaHashCode(group)) % partitions, so one partition holds a group's history.
// TxnOffsetCommit writes the same offset records in a transactional batch of the producer; the
// transaction coordinator's COMMIT / ABORT control batch for that producer resolves them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "broker/coordinator/group/group.h"
#include "broker/log/log.h"
#include "common/bytes.h"
#include "common/result.h"

namespace brook::broker::coordinator {

inline constexpr std::string_view kConsumerOffsetsTopic = "__consumer_offsets";

// Java's String.hashCode over the UTF-16 code units of `text` (UTF-8 here).
int32_t JavaStringHash(std::string_view text);
// The __consumer_offsets partition of a group, as Kafka computes it.
int32_t GroupPartition(std::string_view group_id, int32_t partitions);

// What a group's metadata record says (the members' parked requests are not persisted).
struct StoredGroup {
  std::string protocol_type;
  int32_t generation = 0;
  std::optional<std::string> protocol_name;
  std::optional<std::string> leader_id;
  int64_t state_timestamp_ms = -1;
  std::vector<Member> members;  // id, instance id, client, timeouts, subscription, assignment
};

// Record keys and values.
Bytes OffsetCommitKeyBytes(std::string_view group, std::string_view topic, int32_t partition);
Bytes OffsetCommitValueBytes(const CommittedOffset& offset);
Bytes GroupMetadataKeyBytes(std::string_view group);
// The members' metadata for the group's protocol and their assignments.
Bytes GroupMetadataValueBytes(const Group& group, int64_t now_ms);

// One decoded record of __consumer_offsets.
struct OffsetRecord {
  std::string group;
  TopicPartition partition;
  std::optional<CommittedOffset> value;  // nullopt: tombstone
};
struct GroupRecord {
  std::string group;
  std::optional<StoredGroup> value;  // nullopt: tombstone
};
// Corruption naming what could not be read; an unknown key version is Unsupported (a newer
// broker's record, skipped by the loader).
Result<std::variant<OffsetRecord, GroupRecord>> DecodeGroupRecord(std::optional<ByteView> key,
                                                                  std::optional<ByteView> value);

// The state of the groups of one partition after replaying it: the latest record per key wins.
struct LoadedGroups {
  std::map<std::string, std::optional<StoredGroup>> groups;  // nullopt: deleted
  std::map<std::string, OffsetMap> offsets;
  // Transactional offset commits whose transaction had no marker yet at the end of the log (still
  // open: the transaction coordinator will end it), per group and producer id.
  std::map<std::string, std::map<ProducerId, OffsetMap>> pending_offsets;
  int64_t records = 0;  // offset and group records, and COMMIT / ABORT markers
  int64_t skipped = 0;  // unreadable records (logged)
};

// Replays `log` from its start to its end, as Kafka's GroupMetadataManager does. Offset records
// in a transactional batch are pending for the batch's producer id until that producer's next
// marker: COMMIT makes them committed (MergeCommittedTxnOffsets, so the newer record of a
// partition wins), ABORT drops them. Records that cannot be decoded are logged and skipped (a bad
// record never stops the coordinator). Errors: IOError/Corruption reading the log.
Result<LoadedGroups> LoadGroupPartition(const log::Log& log);

}  // namespace brook::broker::coordinator
