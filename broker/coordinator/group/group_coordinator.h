#pragma once

// The classic consumer-group coordinator (Kafka's GroupCoordinator): membership, rebalances,
// committed offsets, all kept in __consumer_offsets. This node coordinates every group.
//
// A group's state machine (Kafka's ClassicGroupState):
//
//                 JoinGroup                        every member rejoined, or the
//   +-------+ ------------------> +--------------------+  rebalance timeout (members
//   | Empty |                     | PreparingRebalance |  that did not rejoin are removed)
//   +-------+ <------------------ +--------------------+ -------------------------+
//     |        join phase ended    ^               ^                              |
//     |        with no members     |               |                              v
//     |                            |               |                  +---------------------+
//     |                            |               +----------------- | CompletingRebalance |
//     |                            |  JoinGroup that changes the      +---------------------+
//     |                            |  group, LeaveGroup, session                  |
//     |                            |  or sync timeout                             | the leader's
//     |                            |                                              | SyncGroup
//     |                            |                                          +--------+
//     |                            +----------------------------------------- | Stable |
//     |                                                                       +--------+
//     | DeleteGroups, or offsets.retention.minutes expired every offset
//     v
//   +------+
//   | Dead |  the group is forgotten; its records in __consumer_offsets are tombstoned
//   +------+
//
// A group loaded from __consumer_offsets with members starts Stable (its members must
// heartbeat within their session timeout), without members Empty.
//
// - A join phase that starts from Empty first waits group.initial.rebalance.delay.ms (extended,
//   up to the rebalance timeout, while new members keep arriving) so a group that starts many
//   consumers at once rebalances once.
// - JoinGroup v4+ without a member id gets MEMBER_ID_REQUIRED and a member id to rejoin with
//   (a pending member that expires after its session timeout); v0-3 joins directly.
// - Static members (group.instance.id) keep their partitions across a restart: a rejoin with a
//   known instance id replaces the old member id (which is then FENCED_INSTANCE_ID) and, when
//   the group is Stable and the chosen protocol would not change, does not rebalance.
// - No member is removed when its connection closes: only by LeaveGroup, the session timeout
//   (no Heartbeat, JoinGroup or SyncGroup for session.timeout.ms), the rebalance timeout (did
//   not rejoin) or the sync deadline (no SyncGroup within the rebalance timeout).
// - The members' protocol metadata and assignments are opaque bytes, stored and handed back.
//
// Transactional offsets (KIP-98, KIP-447): TxnOffsetCommit validates the member like
// OffsetCommit (but is accepted during a rebalance), appends the offset records as a
// transactional batch of the producer to the group's __consumer_offsets partition, and keeps
// them PENDING per group, producer id and partition: OffsetFetch does not show them, and with
// RequireStable answers UNSTABLE_OFFSET_COMMIT for their partitions. The transaction coordinator
// ends them with WriteTxnMarker (a COMMIT or ABORT control batch in that partition): COMMIT makes
// them committed, ABORT drops them. The loader replays the same way, so a transaction still open
// at a restart stays pending until its marker. A group with pending offsets is neither deleted
// (DeleteGroups answers NON_EMPTY_GROUP) nor forgotten by offsets expiry.
//
// Threading: every method runs on the broker's event loop (the server thread), which also runs
// the timers, so nothing is locked. The one other thread is the loader, which replays
// __consumer_offsets at start-up and hands each partition's groups to the loop; until then the
// groups of that partition answer COORDINATOR_LOAD_IN_PROGRESS.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "broker/coordinator/group/group.h"
#include "broker/coordinator/group/group_records.h"
#include "broker/metadata/topic_manager.h"
#include "broker/protocol/error_code.h"
#include "broker/protocol/messages.h"
#include "broker/record/batch_builder.h"
#include "broker/server/timing_wheel.h"

namespace brook::broker::coordinator {

struct GroupCoordinatorOptions {
  int32_t offsets_topic_partitions = 50;               // offsets.topic.num.partitions
  int32_t offsets_topic_segment_bytes = 104857600;     // offsets.topic.segment.bytes
  int64_t initial_rebalance_delay_ms = 3000;           // group.initial.rebalance.delay.ms
  int32_t min_session_timeout_ms = 6000;               // group.min.session.timeout.ms
  int32_t max_session_timeout_ms = 1800000;            // group.max.session.timeout.ms
  int32_t max_group_size = INT32_MAX;                  // group.max.size
  int64_t offsets_retention_ms = 10080LL * 60 * 1000;  // offsets.retention.minutes
  int32_t offset_metadata_max_bytes = 4096;            // offset.metadata.max.bytes
  // How long a member that joined during a rebalance may wait for it (Kafka's constant).
  int64_t new_member_join_timeout_ms = 300000;
};

// Who sent a request, for member records and DescribeGroups.
struct RequestInfo {
  int16_t version = 0;
  std::string client_id;
  std::string client_host;
};

class GroupCoordinator {
 public:
  using Post = std::function<void(std::function<void()>)>;

  // `wheel` and `now_ms` are the event loop's (the server's) timer and its clock, which drive
  // the timeouts; `wall_ms` gives the wall-clock time stored in records (commit and state
  // timestamps) and compared with them (offset expiry); empty = `now_ms` (tests on one manual
  // clock). The destructor cancels the coordinator's tasks on the wheel (call it on the loop, or
  // after it stopped).
  GroupCoordinator(GroupCoordinatorOptions options, metadata::TopicManager* topics,
                   server::TimingWheel* wheel, std::function<int64_t()> now_ms,
                   std::function<int64_t()> wall_ms = {});
  ~GroupCoordinator();
  GroupCoordinator(const GroupCoordinator&) = delete;
  GroupCoordinator& operator=(const GroupCoordinator&) = delete;

  // Starts replaying __consumer_offsets (when it exists) on the loader thread; each loaded
  // partition is installed through `post`, which must run the task on the event loop.
  void Startup(Post post);
  // Stops and joins the loader. Call before the event loop stops. Idempotent.
  void Shutdown();

  // For FindCoordinator: creates __consumer_offsets on first use (as Kafka does). NONE, or
  // COORDINATOR_NOT_AVAILABLE when it cannot be created.
  protocol::ErrorCode EnsureOffsetsTopic();

  void JoinGroup(const protocol::JoinGroupRequest& request, const RequestInfo& info,
                 JoinCallback reply);
  void SyncGroup(const protocol::SyncGroupRequest& request, const RequestInfo& info,
                 SyncCallback reply);
  protocol::HeartbeatResponse Heartbeat(const protocol::HeartbeatRequest& request,
                                        const RequestInfo& info);
  protocol::LeaveGroupResponse LeaveGroup(const protocol::LeaveGroupRequest& request,
                                          const RequestInfo& info);
  protocol::OffsetCommitResponse CommitOffsets(const protocol::OffsetCommitRequest& request,
                                               const RequestInfo& info);
  // RequireStable (v7+): a partition with pending transactional offsets in the group answers
  // UNSTABLE_OFFSET_COMMIT (and is listed when all partitions are asked for); without it,
  // committed offsets only.
  protocol::OffsetFetchResponse FetchOffsets(const protocol::OffsetFetchRequest& request,
                                             const RequestInfo& info);
  // Kafka's handleTxnCommitOffsets. One error for every partition: INVALID_GROUP_ID,
  // COORDINATOR_LOAD_IN_PROGRESS, INVALID_REQUEST (no producer id), COORDINATOR_NOT_AVAILABLE (Dead
  // group, or storing failed), FENCED_INSTANCE_ID, UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION (checked
  // only when a member id, instance id or generation >= 0 is given: never for v0-2),
  // INVALID_PRODUCER_EPOCH (the
  // __consumer_offsets partition knows a newer epoch of the producer). Per partition:
  // UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE. A group that does not exist is created
  // Empty. Accepted offsets are pending until WriteTxnMarker.
  protocol::TxnOffsetCommitResponse CommitTxnOffsets(
      const protocol::TxnOffsetCommitRequest& request, const RequestInfo& info);
  // For the transaction coordinator: appends a COMMIT (`commit`) or ABORT marker of the producer
  // to __consumer_offsets partition `offsets_partition`, then ends the producer's pending offsets
  // in that partition's groups (committed or dropped). While the partition is loading the ending
  // is remembered and applied when it is installed (a marker the loader already read left nothing
  // pending, so applying it again does nothing). Errors: NotFound (no __consumer_offsets),
  // InvalidArgument (no such partition), FailedPrecondition (the log knows a newer epoch of the
  // producer: nothing written), or the log's append error.
  Status WriteTxnMarker(int32_t offsets_partition, ProducerId producer_id,
                        ProducerEpoch producer_epoch, int32_t coordinator_epoch, bool commit);
  protocol::DescribeGroupsResponse DescribeGroups(const protocol::DescribeGroupsRequest& request,
                                                  const RequestInfo& info);
  protocol::ListGroupsResponse ListGroups(const protocol::ListGroupsRequest& request,
                                          const RequestInfo& info);
  protocol::DeleteGroupsResponse DeleteGroups(const protocol::DeleteGroupsRequest& request,
                                              const RequestInfo& info);
  protocol::OffsetDeleteResponse DeleteOffsets(const protocol::OffsetDeleteRequest& request,
                                               const RequestInfo& info);

  // offsets.retention.minutes: drops the offsets of groups that have been Empty that long
  // (offsets of groups without a protocol expire one by one from their commit time; an offset
  // committed with a retention time expires at it), writes their tombstones, and forgets groups
  // left Empty with no offsets. Returns the offsets removed. The broker runs it every
  // offsets.retention.check.interval.ms.
  int ExpireOffsets();

  // Views for tests, logs and metrics.
  const Group* FindGroup(const std::string& group_id) const;
  // Every committed offset of every loaded group (consumer group lag). On the loop.
  void ForEachCommittedOffset(
      const std::function<void(const std::string& group_id, const TopicPartition& partition,
                               int64_t offset)>& visit) const;
  bool IsLoading(const std::string& group_id) const;
  // Whether the group holds transactional offsets of an open transaction.
  bool HasPendingTxnOffsets(const std::string& group_id) const;
  int32_t offsets_partitions() const { return partitions_; }

 private:
  enum class PartitionState : uint8_t { kLoading, kLoaded, kFailed };

  protocol::ErrorCode CheckGroupId(const std::string& group_id) const;
  Group* GetGroup(const std::string& group_id);
  Group& GetOrCreateGroup(const std::string& group_id);
  void RemoveGroup(const std::string& group_id);
  void TransitionTo(Group& group, GroupState state);

  // Join phase.
  void JoinNewMember(Group& group, const protocol::JoinGroupRequest& request,
                     const RequestInfo& info, JoinCallback reply);
  void JoinKnownMember(Group& group, const protocol::JoinGroupRequest& request,
                       const RequestInfo& info, JoinCallback reply);
  void AddMemberAndRebalance(Group& group, const std::string& member_id,
                             const protocol::JoinGroupRequest& request, const RequestInfo& info,
                             JoinCallback reply);
  void UpdateMemberAndRebalance(Group& group, Member& member,
                                const protocol::JoinGroupRequest& request, const RequestInfo& info,
                                JoinCallback reply);
  // `old_member_id` by value: callers pass the group's own record of it, which this rewrites.
  void ReplaceStaticMember(Group& group, std::string old_member_id,
                           const protocol::JoinGroupRequest& request, const RequestInfo& info,
                           JoinCallback reply);
  void MaybePrepareRebalance(Group& group, const std::string& reason);
  void PrepareRebalance(Group& group, const std::string& reason);
  void TryCompleteJoin(Group& group);
  void OnJoinTimer(const std::string& group_id);
  void CompleteJoin(Group& group);
  void OnSyncTimer(const std::string& group_id, int32_t generation);
  protocol::JoinGroupResponse JoinResponse(const Group& group, const Member& member,
                                           int16_t version) const;

  // Members.
  void ScheduleSessionTimeout(Group& group, Member& member, int64_t timeout_ms);
  void OnSessionTimeout(const std::string& group_id, const std::string& member_id);
  // Removes a member (answering its parked requests with UNKNOWN_MEMBER_ID); with
  // `update_group`, starts or advances the rebalance its leaving causes.
  void RemoveMember(Group& group, const std::string& member_id, const std::string& reason,
                    bool update_group);
  void CancelMemberTimers(Member& member);

  // Transactional offsets: ends the producer's pending offsets in the groups of `partition`.
  void CompleteTxn(int32_t partition, ProducerId producer_id, bool commit);

  // Storage in __consumer_offsets.
  using KeyValue = std::pair<Bytes, std::optional<Bytes>>;
  // Writes `records` as one batch to the group's partition. The result may be rejected() by the
  // producer state (transactional batches only).
  Result<log::AppendResult> AppendBatch(const std::string& group_id, std::vector<KeyValue> records,
                                        const record::BatchBuilderOptions& batch_options = {},
                                        const log::AppendOptions& append_options = {});
  Status Append(const std::string& group_id, std::vector<KeyValue> records);
  Status StoreGroup(const Group& group);
  void Install(int32_t partition, LoadedGroups loaded);

  GroupCoordinatorOptions options_;
  metadata::TopicManager* topics_;
  server::TimingWheel* wheel_;
  std::function<int64_t()> now_ms_;
  std::function<int64_t()> wall_ms_;
  int32_t partitions_;
  std::vector<PartitionState> partition_state_;
  std::unordered_map<std::string, std::unique_ptr<Group>> groups_;
  // Groups holding pending transactional offsets, per producer id (Kafka's
  // openGroupsForProducer), so a marker visits only those.
  std::map<ProducerId, std::set<std::string>> txn_groups_;
  // Markers written while their partition was loading: (producer, commit) to apply at Install.
  std::map<int32_t, std::vector<std::pair<ProducerId, bool>>> deferred_txn_ends_;

  std::atomic<bool> stopping_{false};
  std::thread loader_;
};

}  // namespace brook::broker::coordinator
