#pragma once

// One classic consumer group as its coordinator keeps it: state, generation, members, the
// committed offsets and the transactional ones still pending. The transitions live in
// GroupCoordinator (group_coordinator.h, which draws the state machine); this file holds the data
// and the questions asked of it.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/protocol/messages.h"
#include "broker/server/timing_wheel.h"
#include "common/bytes.h"
#include "common/strong_id.h"

namespace brook::broker::coordinator {

enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };

// Kafka's names, as DescribeGroups and ListGroups report them ("PreparingRebalance", ...).
std::string_view GroupStateName(GroupState state);

using JoinCallback = std::function<void(protocol::JoinGroupResponse)>;
using SyncCallback = std::function<void(protocol::SyncGroupResponse)>;

struct GroupProtocol {
  std::string name;
  Bytes metadata;  // opaque to the broker (the consumer protocol's subscription)
  bool operator==(const GroupProtocol&) const = default;
};

struct Member {
  std::string member_id;
  std::optional<std::string> group_instance_id;  // static membership (KIP-345)
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  std::string protocol_type;
  std::vector<GroupProtocol> protocols;  // in the member's order of preference
  Bytes assignment;                      // from the leader's SyncGroup; opaque

  // A parked JoinGroup / SyncGroup, answered when the rebalance phase completes.
  JoinCallback awaiting_join;
  int16_t join_version = 0;
  SyncCallback awaiting_sync;
  // Joined during the current rebalance and not yet through one.
  bool is_new = false;
  // The session-timeout task on the wheel, or 0.
  server::TimingWheel::TaskId heartbeat_task = 0;

  bool awaiting_join_response() const { return static_cast<bool>(awaiting_join); }
  const Bytes* MetadataFor(std::string_view protocol) const;
};

struct CommittedOffset {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp_ms = 0;
  // Set only by OffsetCommit v2-4 with a retention time (Kafka's value v1).
  std::optional<int64_t> expire_timestamp_ms;
  // Where the record holding this offset is in __consumer_offsets (-1: not known). A committed
  // transaction's offset replaces a committed one only if its record is the newer (Kafka's rule).
  Offset record_offset{-1};
};

using TopicPartition = std::pair<std::string, int32_t>;
using OffsetMap = std::map<TopicPartition, CommittedOffset>;

// Makes a committed transaction's offsets committed ones: each replaces the committed offset of
// its partition unless that one's record came later in __consumer_offsets (a plain commit
// written after the transactional one wins, even before the COMMIT marker). Kafka's
// GroupMetadata.completePendingTxnOffsetCommit; the loader applies the same rule.
void MergeCommittedTxnOffsets(OffsetMap& committed, OffsetMap txn_offsets);

struct Group {
  std::string id;
  GroupState state = GroupState::kEmpty;
  int64_t state_timestamp_ms = 0;  // when `state` was entered (offsets expire from it)
  int32_t generation = 0;
  std::optional<std::string> protocol_type;  // none for a group that only commits offsets
  std::optional<std::string> protocol_name;  // chosen at the end of each join phase
  std::optional<std::string> leader_id;
  std::map<std::string, Member> members;              // by member id
  std::map<std::string, std::string> static_members;  // group instance id -> member id
  // Member ids handed out with MEMBER_ID_REQUIRED and not yet used, with their expiry task.
  std::map<std::string, server::TimingWheel::TaskId> pending_members;
  // Members of the current generation that have not sent SyncGroup yet.
  std::set<std::string> pending_sync;
  OffsetMap offsets;
  // TxnOffsetCommit offsets whose transaction has not ended, per producer id: invisible to
  // OffsetFetch (RequireStable answers UNSTABLE_OFFSET_COMMIT for their partitions) until the
  // producer's COMMIT marker reaches the group's __consumer_offsets partition; dropped at ABORT.
  std::map<ProducerId, OffsetMap> pending_txn_offsets;

  // The join phase's timer (initial delay or rebalance timeout) and the sync deadline, or 0.
  server::TimingWheel::TaskId join_task = 0;
  server::TimingWheel::TaskId sync_task = 0;
  // While the initial delay runs (group.initial.rebalance.delay.ms): the join phase cannot end
  // early, new members extend it up to `initial_delay_remaining_ms`.
  bool in_initial_delay = false;
  bool new_member_added = false;
  int64_t initial_delay_remaining_ms = 0;

  bool Is(GroupState s) const { return state == s; }
  bool HasPendingTxnOffset(const TopicPartition& partition) const;
  bool IsStaticMemberFenced(const std::optional<std::string>& instance_id,
                            const std::string& member_id) const;
  // Whether a member with this protocol type and these protocols may join: any type and at
  // least one protocol for a group without members; otherwise the same type and at least one
  // protocol every member supports.
  bool SupportsProtocols(const std::string& type,
                         const std::vector<GroupProtocol>& protocols) const;
  // The protocol for the next generation: among those every member supports, the one most
  // members list first (ties go to the earlier one in the leader's, else the first member's,
  // order).
  std::optional<std::string> SelectProtocol() const;
  bool AllMembersJoined() const;
  int32_t MaxRebalanceTimeoutMs() const;
  // Topics the members subscribe to, read from their consumer-protocol subscriptions; nullopt
  // when the group does not use the "consumer" protocol type or a subscription cannot be read.
  // (Only OffsetDelete asks this, as Kafka does.)
  std::optional<std::set<std::string>> SubscribedTopics() const;
};

}  // namespace brook::broker::coordinator
