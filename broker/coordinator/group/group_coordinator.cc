#include "broker/coordinator/group/group_coordinator.h"

#include <algorithm>
#include <chrono>
#include <random>

#include <fmt/format.h>

#include "broker/record/batch_builder.h"
#include "broker/record/control_record.h"
#include "common/logging.h"
#include "common/uuid.h"

namespace brook::broker::coordinator {
namespace {

using protocol::ErrorCode;

std::shared_ptr<spdlog::logger> Logger() {
  static auto logger = GetLogger("coordinator.group");
  return logger;
}

int16_t Code(ErrorCode code) { return static_cast<int16_t>(code); }

// An offset commit that could not be written, as Kafka's storeOffsets answers it.
ErrorCode StoreError(const Status& status) {
  return status.code() == StatusCode::kTooLarge ? ErrorCode::kInvalidCommitOffsetSize
                                                : ErrorCode::kCoordinatorNotAvailable;
}

// Java's UUID.toString() form, as Kafka appends to member ids.
std::string UuidText() {
  Uuid id = Uuid::Random();
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out += fmt::format("{:02x}", id.bytes[i]);
  }
  return out;
}

std::vector<GroupProtocol> Protocols(const protocol::JoinGroupRequest& request) {
  std::vector<GroupProtocol> out;
  out.reserve(request.protocols.size());
  for (const auto& p : request.protocols) out.push_back({p.name, p.metadata});
  return out;
}

protocol::JoinGroupResponse JoinError(ErrorCode code, const std::string& member_id,
                                      int16_t version) {
  protocol::JoinGroupResponse r;
  r.error_code = Code(code);
  r.generation_id = -1;
  r.member_id = member_id;
  // ProtocolName is nullable from v7; older versions carry "".
  if (version < 7) r.protocol_name = "";
  return r;
}

protocol::SyncGroupResponse SyncError(ErrorCode code) {
  protocol::SyncGroupResponse r;
  r.error_code = Code(code);
  return r;
}

int32_t RebalanceTimeout(const protocol::JoinGroupRequest& request) {
  // v0 has no rebalance timeout: the session timeout plays both parts.
  return request.rebalance_timeout_ms < 0 ? request.session_timeout_ms
                                          : request.rebalance_timeout_ms;
}

}  // namespace

GroupCoordinator::GroupCoordinator(GroupCoordinatorOptions options, metadata::TopicManager* topics,
                                   server::TimingWheel* wheel, std::function<int64_t()> now_ms,
                                   std::function<int64_t()> wall_ms)
    : options_(options),
      topics_(topics),
      wheel_(wheel),
      now_ms_(now_ms),
      wall_ms_(wall_ms ? std::move(wall_ms) : std::move(now_ms)),
      partitions_(std::max(1, options.offsets_topic_partitions)) {}

GroupCoordinator::~GroupCoordinator() {
  Shutdown();
  // The wheel may outlive the coordinator: none of its tasks may call back into it.
  std::vector<std::string> ids;
  for (const auto& [id, group] : groups_) ids.push_back(id);
  for (const auto& id : ids) RemoveGroup(id);
}

void GroupCoordinator::Startup(Post post) {
  std::optional<metadata::TopicInfo> info = topics_->Find(std::string(kConsumerOffsetsTopic));
  if (!info) {
    // Created on first use; nothing to load.
    partition_state_.assign(partitions_, PartitionState::kLoaded);
    return;
  }
  if (info->partitions != partitions_) {
    Logger()->warn("{} has {} partitions, offsets.topic.num.partitions says {}; using {}",
                   kConsumerOffsetsTopic, info->partitions, partitions_, info->partitions);
    partitions_ = info->partitions;
  }
  partition_state_.assign(partitions_, PartitionState::kLoading);
  loader_ = std::thread([this, post = std::move(post)] {
    auto started = std::chrono::steady_clock::now();
    int64_t groups = 0;
    for (int32_t p = 0; p < partitions_ && !stopping_.load(); ++p) {
      log::Log* log = topics_->GetLog(std::string(kConsumerOffsetsTopic), p);
      Result<LoadedGroups> loaded =
          log ? LoadGroupPartition(*log) : Result<LoadedGroups>(LoadedGroups{});
      if (!loaded.ok()) {
        Logger()->error("loading {}-{} failed: {}; its groups answer COORDINATOR_NOT_AVAILABLE",
                        kConsumerOffsetsTopic, p, loaded.status().ToString());
        post([this, p] { partition_state_[p] = PartitionState::kFailed; });
        continue;
      }
      groups += static_cast<int64_t>(loaded->groups.size());
      auto shared = std::make_shared<LoadedGroups>(std::move(*loaded));
      post([this, p, shared] { Install(p, std::move(*shared)); });
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    Logger()->info("loaded {} partitions of {} ({} group records) in {} ms", partitions_,
                   kConsumerOffsetsTopic, groups, ms);
  });
}

void GroupCoordinator::Shutdown() {
  stopping_.store(true);
  if (loader_.joinable()) loader_.join();
}

void GroupCoordinator::Install(int32_t partition, LoadedGroups loaded) {
  int64_t now = wall_ms_();
  for (auto& [id, stored] : loaded.groups) {
    if (!stored) continue;
    Group& group = GetOrCreateGroup(id);
    group.protocol_type =
        stored->protocol_type.empty() ? std::nullopt : std::optional(stored->protocol_type);
    group.generation = stored->generation;
    group.protocol_name = stored->protocol_name;
    group.leader_id = stored->leader_id;
    group.state_timestamp_ms = stored->state_timestamp_ms >= 0 ? stored->state_timestamp_ms : now;
    for (auto& member : stored->members) {
      if (member.group_instance_id)
        group.static_members[*member.group_instance_id] = member.member_id;
      std::string member_id = member.member_id;
      group.members.emplace(member_id, std::move(member));
    }
    group.state = group.members.empty() ? GroupState::kEmpty : GroupState::kStable;
    for (auto& [member_id, member] : group.members) {
      ScheduleSessionTimeout(group, member, member.session_timeout_ms);
    }
  }
  size_t offsets = 0;
  for (auto& [id, committed] : loaded.offsets) {
    if (committed.empty()) continue;
    Group& group = GetOrCreateGroup(id);
    if (group.state_timestamp_ms == 0) group.state_timestamp_ms = now;
    offsets += committed.size();
    group.offsets = std::move(committed);
  }
  size_t pending = 0;
  for (auto& [id, producers] : loaded.pending_offsets) {
    Group& group = GetOrCreateGroup(id);
    for (auto& [producer_id, txn_offsets] : producers) {
      pending += txn_offsets.size();
      txn_groups_[producer_id].insert(id);
      group.pending_txn_offsets[producer_id] = std::move(txn_offsets);
    }
  }
  partition_state_[partition] = PartitionState::kLoaded;
  if (loaded.records > 0) {
    Logger()->info("{}-{}: loaded {} records ({} groups, {} offsets, {} pending in transactions){}",
                   kConsumerOffsetsTopic, partition, loaded.records, loaded.groups.size(), offsets,
                   pending, loaded.skipped ? fmt::format(", skipped {}", loaded.skipped) : "");
  }
  // Markers written during the load; the loader may have read them already (then nothing of
  // that producer is pending and this does nothing).
  auto deferred = deferred_txn_ends_.extract(partition);
  if (!deferred.empty()) {
    for (const auto& [producer_id, commit] : deferred.mapped()) {
      CompleteTxn(partition, producer_id, commit);
    }
  }
}

ErrorCode GroupCoordinator::EnsureOffsetsTopic() {
  std::string name(kConsumerOffsetsTopic);
  if (topics_->Find(name)) return ErrorCode::kNone;
  metadata::ConfigMap configs{
      {"cleanup.policy", "compact"},
      {"segment.bytes", std::to_string(options_.offsets_topic_segment_bytes)},
      {"compression.type", "producer"}};
  auto created = topics_->CreateTopic(name, partitions_, configs, /*validate_only=*/false,
                                      /*internal=*/true);
  if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) {
    Logger()->error("cannot create {}: {}", name, created.status().ToString());
    return ErrorCode::kCoordinatorNotAvailable;
  }
  if (created.ok()) Logger()->info("created {} with {} partitions", name, partitions_);
  return ErrorCode::kNone;
}

ErrorCode GroupCoordinator::CheckGroupId(const std::string& group_id) const {
  if (group_id.empty()) return ErrorCode::kInvalidGroupId;
  switch (partition_state_.empty() ? PartitionState::kLoading
                                   : partition_state_[GroupPartition(group_id, partitions_)]) {
    case PartitionState::kLoading:
      return ErrorCode::kCoordinatorLoadInProgress;
    case PartitionState::kFailed:
      return ErrorCode::kCoordinatorNotAvailable;
    case PartitionState::kLoaded:
      return ErrorCode::kNone;
  }
  return ErrorCode::kNone;
}

bool GroupCoordinator::IsLoading(const std::string& group_id) const {
  return CheckGroupId(group_id) == ErrorCode::kCoordinatorLoadInProgress;
}

Group* GroupCoordinator::GetGroup(const std::string& group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

void GroupCoordinator::ForEachCommittedOffset(
    const std::function<void(const std::string&, const TopicPartition&, int64_t)>& visit) const {
  for (const auto& [group_id, group] : groups_) {
    for (const auto& [partition, committed] : group->offsets) {
      visit(group_id, partition, committed.offset);
    }
  }
}

const Group* GroupCoordinator::FindGroup(const std::string& group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

bool GroupCoordinator::HasPendingTxnOffsets(const std::string& group_id) const {
  const Group* group = FindGroup(group_id);
  return group != nullptr && !group->pending_txn_offsets.empty();
}

Group& GroupCoordinator::GetOrCreateGroup(const std::string& group_id) {
  auto& slot = groups_[group_id];
  if (!slot) {
    slot = std::make_unique<Group>();
    slot->id = group_id;
    slot->state_timestamp_ms = wall_ms_();
  }
  return *slot;
}

void GroupCoordinator::RemoveGroup(const std::string& group_id) {
  auto it = groups_.find(group_id);
  if (it == groups_.end()) return;
  Group& group = *it->second;
  for (auto& [id, member] : group.members) CancelMemberTimers(member);
  for (auto& [id, task] : group.pending_members) wheel_->Cancel(task);
  if (group.join_task) wheel_->Cancel(group.join_task);
  if (group.sync_task) wheel_->Cancel(group.sync_task);
  groups_.erase(it);
}

void GroupCoordinator::TransitionTo(Group& group, GroupState state) {
  group.state = state;
  group.state_timestamp_ms = wall_ms_();
}

// ---------------------------------------------------------------------------------------------
// JoinGroup

void GroupCoordinator::JoinGroup(const protocol::JoinGroupRequest& request, const RequestInfo& info,
                                 JoinCallback reply) {
  auto fail = [&](ErrorCode code) { reply(JoinError(code, request.member_id, info.version)); };
  if (ErrorCode e = CheckGroupId(request.group_id); e != ErrorCode::kNone) return fail(e);
  if (request.session_timeout_ms < options_.min_session_timeout_ms ||
      request.session_timeout_ms > options_.max_session_timeout_ms) {
    return fail(ErrorCode::kInvalidSessionTimeout);
  }
  bool unknown_member = request.member_id.empty();
  Group* group = GetGroup(request.group_id);
  bool created = false;
  if (group == nullptr) {
    if (!unknown_member) return fail(ErrorCode::kUnknownMemberId);
    group = &GetOrCreateGroup(request.group_id);
    created = true;
  }
  if (group->Is(GroupState::kDead)) return fail(ErrorCode::kCoordinatorNotAvailable);
  if (!group->SupportsProtocols(request.protocol_type, Protocols(request))) {
    if (created) RemoveGroup(request.group_id);
    return fail(ErrorCode::kInconsistentGroupProtocol);
  }
  if (unknown_member) {
    JoinNewMember(*group, request, info, std::move(reply));
  } else {
    JoinKnownMember(*group, request, info, std::move(reply));
  }
}

void GroupCoordinator::JoinNewMember(Group& group, const protocol::JoinGroupRequest& request,
                                     const RequestInfo& info, JoinCallback reply) {
  const auto& instance = request.group_instance_id;
  if (instance) {
    auto known = group.static_members.find(*instance);
    if (known != group.static_members.end()) {
      return ReplaceStaticMember(group, known->second, request, info, std::move(reply));
    }
  }
  if (static_cast<int64_t>(group.members.size() + group.pending_members.size()) >=
      options_.max_group_size) {
    return reply(JoinError(ErrorCode::kGroupMaxSizeReached, "", info.version));
  }
  std::string member_id = (instance ? *instance : info.client_id) + "-" + UuidText();
  if (!instance && info.version >= 4) {
    // KIP-394: the member must come back with this id, so a client that times out and retries
    // does not leave a ghost member behind.
    std::string group_id = group.id;
    auto task =
        wheel_->Schedule(now_ms_() + request.session_timeout_ms, [this, group_id, member_id] {
          Group* g = GetGroup(group_id);
          if (g == nullptr || !g->pending_members.erase(member_id)) return;
          Logger()->info("group {}: pending member {} expired", group_id, member_id);
          TryCompleteJoin(*g);
        });
    group.pending_members[member_id] = task;
    return reply(JoinError(ErrorCode::kMemberIdRequired, member_id, info.version));
  }
  AddMemberAndRebalance(group, member_id, request, info, std::move(reply));
}

void GroupCoordinator::JoinKnownMember(Group& group, const protocol::JoinGroupRequest& request,
                                       const RequestInfo& info, JoinCallback reply) {
  const std::string& member_id = request.member_id;
  if (group.IsStaticMemberFenced(request.group_instance_id, member_id)) {
    return reply(JoinError(ErrorCode::kFencedInstanceId, member_id, info.version));
  }
  auto pending = group.pending_members.find(member_id);
  if (pending != group.pending_members.end()) {
    wheel_->Cancel(pending->second);
    group.pending_members.erase(pending);
    return AddMemberAndRebalance(group, member_id, request, info, std::move(reply));
  }
  auto it = group.members.find(member_id);
  if (it == group.members.end()) {
    return reply(JoinError(ErrorCode::kUnknownMemberId, member_id, info.version));
  }
  Member& member = it->second;
  std::vector<GroupProtocol> protocols = Protocols(request);
  switch (group.state) {
    case GroupState::kPreparingRebalance:
      return UpdateMemberAndRebalance(group, member, request, info, std::move(reply));
    case GroupState::kCompletingRebalance:
      if (member.protocols == protocols) {
        // A retried join of this generation: answer it again.
        ScheduleSessionTimeout(group, member, member.session_timeout_ms);
        return reply(JoinResponse(group, member, info.version));
      }
      return UpdateMemberAndRebalance(group, member, request, info, std::move(reply));
    case GroupState::kStable:
      if (group.leader_id == member_id || member.protocols != protocols) {
        // The leader rejoining means it wants a new assignment (e.g. its subscription changed).
        return UpdateMemberAndRebalance(group, member, request, info, std::move(reply));
      }
      ScheduleSessionTimeout(group, member, member.session_timeout_ms);
      return reply(JoinResponse(group, member, info.version));
    case GroupState::kEmpty:
    case GroupState::kDead:
      return reply(JoinError(ErrorCode::kUnknownMemberId, member_id, info.version));
  }
}

void GroupCoordinator::AddMemberAndRebalance(Group& group, const std::string& member_id,
                                             const protocol::JoinGroupRequest& request,
                                             const RequestInfo& info, JoinCallback reply) {
  Member member;
  member.member_id = member_id;
  member.group_instance_id = request.group_instance_id;
  member.client_id = info.client_id;
  member.client_host = info.client_host;
  member.rebalance_timeout_ms = RebalanceTimeout(request);
  member.session_timeout_ms = request.session_timeout_ms;
  member.protocol_type = request.protocol_type;
  member.protocols = Protocols(request);
  member.awaiting_join = std::move(reply);
  member.join_version = info.version;
  member.is_new = true;
  if (group.members.empty()) group.protocol_type = request.protocol_type;
  if (member.group_instance_id) group.static_members[*member.group_instance_id] = member_id;
  if (!group.leader_id) group.leader_id = member_id;
  // A member arriving while the first generation's initial delay runs extends it (as Kafka).
  if (group.Is(GroupState::kPreparingRebalance) && group.generation == 0) {
    group.new_member_added = true;
  }
  Member& added = group.members.emplace(member_id, std::move(member)).first->second;
  ScheduleSessionTimeout(group, added, options_.new_member_join_timeout_ms);
  Logger()->info("group {}: member {} (client {}) joins", group.id, member_id, info.client_id);
  MaybePrepareRebalance(group, fmt::format("member {} joins", member_id));
  TryCompleteJoin(group);
}

void GroupCoordinator::UpdateMemberAndRebalance(Group& group, Member& member,
                                                const protocol::JoinGroupRequest& request,
                                                const RequestInfo& info, JoinCallback reply) {
  if (member.awaiting_join) {
    // A second JoinGroup while the first is parked: the first is superseded.
    member.awaiting_join(
        JoinError(ErrorCode::kRebalanceInProgress, member.member_id, member.join_version));
  }
  member.protocols = Protocols(request);
  member.rebalance_timeout_ms = RebalanceTimeout(request);
  member.session_timeout_ms = request.session_timeout_ms;
  member.client_id = info.client_id;
  member.client_host = info.client_host;
  member.awaiting_join = std::move(reply);
  member.join_version = info.version;
  ScheduleSessionTimeout(group, member, member.session_timeout_ms);
  MaybePrepareRebalance(group, fmt::format("member {} rejoins", member.member_id));
  TryCompleteJoin(group);
}

void GroupCoordinator::ReplaceStaticMember(Group& group, std::string old_member_id,
                                           const protocol::JoinGroupRequest& request,
                                           const RequestInfo& info, JoinCallback reply) {
  std::string new_member_id = *request.group_instance_id + "-" + UuidText();
  auto node = group.members.extract(old_member_id);
  Member& member = node.mapped();
  CancelMemberTimers(member);
  // The old incarnation's parked requests learn that they were replaced.
  if (member.awaiting_join) {
    member.awaiting_join(
        JoinError(ErrorCode::kFencedInstanceId, old_member_id, member.join_version));
    member.awaiting_join = nullptr;
  }
  if (member.awaiting_sync) {
    member.awaiting_sync(SyncError(ErrorCode::kFencedInstanceId));
    member.awaiting_sync = nullptr;
  }
  std::optional<std::string> current_leader = group.leader_id;
  if (group.leader_id == old_member_id) group.leader_id = new_member_id;
  if (group.pending_sync.erase(old_member_id)) group.pending_sync.insert(new_member_id);
  group.static_members[*request.group_instance_id] = new_member_id;
  member.member_id = new_member_id;
  member.client_id = info.client_id;
  member.client_host = info.client_host;
  member.rebalance_timeout_ms = RebalanceTimeout(request);
  member.session_timeout_ms = request.session_timeout_ms;
  member.protocols = Protocols(request);
  node.key() = new_member_id;
  Member& replaced = group.members.insert(std::move(node)).position->second;
  Logger()->info("group {}: static member {} rejoins as {} (was {})", group.id,
                 *request.group_instance_id, new_member_id, old_member_id);

  if (group.Is(GroupState::kStable) && group.SelectProtocol() == group.protocol_name) {
    // Nothing the assignment depends on changed: keep the generation, persist the new id, and
    // let the member fetch its old assignment with SyncGroup. The old leader id goes back so the
    // member does not run an assignment a stable group would not distribute.
    Status stored = StoreGroup(group);
    if (!stored.ok()) {
      Logger()->warn("group {}: storing the replaced static member failed: {}", group.id,
                     stored.ToString());
    }
    ScheduleSessionTimeout(group, replaced, replaced.session_timeout_ms);
    protocol::JoinGroupResponse r = JoinResponse(group, replaced, info.version);
    r.leader = current_leader.value_or("");
    r.members.clear();
    if (!stored.ok()) r = JoinError(ErrorCode::kUnknownServerError, new_member_id, info.version);
    return reply(std::move(r));
  }
  replaced.awaiting_join = std::move(reply);
  replaced.join_version = info.version;
  ScheduleSessionTimeout(group, replaced, replaced.session_timeout_ms);
  MaybePrepareRebalance(group, fmt::format("static member {} rejoins", new_member_id));
  TryCompleteJoin(group);
}

protocol::JoinGroupResponse GroupCoordinator::JoinResponse(const Group& group, const Member& member,
                                                           int16_t version) const {
  protocol::JoinGroupResponse r;
  r.error_code = Code(ErrorCode::kNone);
  r.generation_id = group.generation;
  r.protocol_type = group.protocol_type;
  r.protocol_name = group.protocol_name;
  if (version < 7 && !r.protocol_name) r.protocol_name = "";
  r.leader = group.leader_id.value_or("");
  r.member_id = member.member_id;
  if (group.leader_id == member.member_id && group.protocol_name) {
    for (const auto& [id, m] : group.members) {
      auto& out = r.members.emplace_back();
      out.member_id = id;
      out.group_instance_id = m.group_instance_id;
      if (const Bytes* metadata = m.MetadataFor(*group.protocol_name)) out.metadata = *metadata;
    }
  }
  return r;
}

void GroupCoordinator::MaybePrepareRebalance(Group& group, const std::string& reason) {
  if (group.Is(GroupState::kStable) || group.Is(GroupState::kCompletingRebalance) ||
      group.Is(GroupState::kEmpty)) {
    PrepareRebalance(group, reason);
  }
}

void GroupCoordinator::PrepareRebalance(Group& group, const std::string& reason) {
  if (group.Is(GroupState::kCompletingRebalance)) {
    // The assignment being made is void: the members waiting for it rejoin.
    for (auto& [id, member] : group.members) {
      if (member.awaiting_sync) {
        auto reply = std::move(member.awaiting_sync);
        member.awaiting_sync = nullptr;
        reply(SyncError(ErrorCode::kRebalanceInProgress));
      }
    }
  }
  if (group.sync_task) wheel_->Cancel(group.sync_task);
  group.sync_task = 0;
  group.pending_sync.clear();
  if (group.join_task) wheel_->Cancel(group.join_task);
  bool from_empty = group.Is(GroupState::kEmpty);
  TransitionTo(group, GroupState::kPreparingRebalance);
  int64_t rebalance_timeout = group.MaxRebalanceTimeoutMs();
  int64_t delay = rebalance_timeout;
  if (from_empty) {
    group.in_initial_delay = true;
    group.new_member_added = false;
    delay = std::min(options_.initial_rebalance_delay_ms, rebalance_timeout);
    group.initial_delay_remaining_ms =
        std::max<int64_t>(rebalance_timeout - options_.initial_rebalance_delay_ms, 0);
  } else {
    group.in_initial_delay = false;
  }
  std::string group_id = group.id;
  group.join_task =
      wheel_->Schedule(now_ms_() + delay, [this, group_id] { OnJoinTimer(group_id); });
  Logger()->info("group {}: preparing to rebalance (generation {}): {}", group.id, group.generation,
                 reason);
}

void GroupCoordinator::OnJoinTimer(const std::string& group_id) {
  Group* group = GetGroup(group_id);
  if (group == nullptr || !group->Is(GroupState::kPreparingRebalance)) return;
  group->join_task = 0;
  if (group->in_initial_delay && group->new_member_added && group->initial_delay_remaining_ms > 0) {
    // Members are still arriving: wait a little more, within the rebalance timeout.
    group->new_member_added = false;
    int64_t delay =
        std::min(options_.initial_rebalance_delay_ms, group->initial_delay_remaining_ms);
    group->initial_delay_remaining_ms -= delay;
    group->join_task =
        wheel_->Schedule(now_ms_() + delay, [this, group_id] { OnJoinTimer(group_id); });
    return;
  }
  group->in_initial_delay = false;
  CompleteJoin(*group);
}

void GroupCoordinator::TryCompleteJoin(Group& group) {
  if (!group.Is(GroupState::kPreparingRebalance) || group.in_initial_delay) return;
  if (!group.AllMembersJoined()) return;
  if (group.join_task) wheel_->Cancel(group.join_task);
  group.join_task = 0;
  CompleteJoin(group);
}

void GroupCoordinator::CompleteJoin(Group& group) {
  std::vector<std::string> missing;
  for (const auto& [id, member] : group.members) {
    if (!member.awaiting_join) missing.push_back(id);
  }
  for (const auto& id : missing) RemoveMember(group, id, "did not rejoin in time", false);
  ++group.generation;
  if (group.members.empty()) {
    group.protocol_name.reset();
    group.leader_id.reset();
    TransitionTo(group, GroupState::kEmpty);
    Logger()->info("group {}: generation {} has no members; group is Empty", group.id,
                   group.generation);
    Status stored = StoreGroup(group);
    if (!stored.ok()) {
      Logger()->warn("group {}: storing the empty group failed: {}", group.id, stored.ToString());
    }
    return;
  }
  if (!group.leader_id || !group.members.count(*group.leader_id)) {
    group.leader_id = group.members.begin()->first;
  }
  group.protocol_name = group.SelectProtocol();
  TransitionTo(group, GroupState::kCompletingRebalance);
  group.pending_sync.clear();
  for (const auto& [id, member] : group.members) group.pending_sync.insert(id);
  std::string group_id = group.id;
  int32_t generation = group.generation;
  group.sync_task =
      wheel_->Schedule(now_ms_() + group.MaxRebalanceTimeoutMs(),
                       [this, group_id, generation] { OnSyncTimer(group_id, generation); });
  Logger()->info("group {}: generation {} with {} members, protocol {}, leader {}", group.id,
                 group.generation, group.members.size(), group.protocol_name.value_or("-"),
                 *group.leader_id);
  for (auto& [id, member] : group.members) {
    JoinCallback reply = std::move(member.awaiting_join);
    member.awaiting_join = nullptr;
    member.is_new = false;
    ScheduleSessionTimeout(group, member, member.session_timeout_ms);
    reply(JoinResponse(group, member, member.join_version));
  }
}

void GroupCoordinator::OnSyncTimer(const std::string& group_id, int32_t generation) {
  Group* group = GetGroup(group_id);
  if (group == nullptr || group->generation != generation) return;
  group->sync_task = 0;
  if (!group->Is(GroupState::kCompletingRebalance) && !group->Is(GroupState::kStable)) return;
  if (group->pending_sync.empty()) return;
  std::vector<std::string> late(group->pending_sync.begin(), group->pending_sync.end());
  for (const auto& id : late) RemoveMember(*group, id, "did not sync in time", false);
  PrepareRebalance(*group, fmt::format("{} members did not send SyncGroup in time", late.size()));
  TryCompleteJoin(*group);
}

// ---------------------------------------------------------------------------------------------
// SyncGroup, Heartbeat, LeaveGroup

void GroupCoordinator::SyncGroup(const protocol::SyncGroupRequest& request, const RequestInfo& info,
                                 SyncCallback reply) {
  (void)info;
  if (ErrorCode e = CheckGroupId(request.group_id); e != ErrorCode::kNone) {
    return reply(SyncError(e));
  }
  Group* group = GetGroup(request.group_id);
  if (group == nullptr) return reply(SyncError(ErrorCode::kUnknownMemberId));
  if (group->Is(GroupState::kDead)) return reply(SyncError(ErrorCode::kCoordinatorNotAvailable));
  if (group->IsStaticMemberFenced(request.group_instance_id, request.member_id)) {
    return reply(SyncError(ErrorCode::kFencedInstanceId));
  }
  auto it = group->members.find(request.member_id);
  if (it == group->members.end()) return reply(SyncError(ErrorCode::kUnknownMemberId));
  if (request.generation_id != group->generation) {
    return reply(SyncError(ErrorCode::kIllegalGeneration));
  }
  if ((request.protocol_type && request.protocol_type != group->protocol_type) ||
      (request.protocol_name && request.protocol_name != group->protocol_name)) {
    return reply(SyncError(ErrorCode::kInconsistentGroupProtocol));
  }
  Member& member = it->second;
  auto answer = [group](const Member& m) {
    protocol::SyncGroupResponse r;
    r.error_code = Code(ErrorCode::kNone);
    r.protocol_type = group->protocol_type;
    r.protocol_name = group->protocol_name;
    r.assignment = m.assignment;
    return r;
  };
  switch (group->state) {
    case GroupState::kEmpty:
    case GroupState::kDead:
      return reply(SyncError(ErrorCode::kUnknownMemberId));
    case GroupState::kPreparingRebalance:
      return reply(SyncError(ErrorCode::kRebalanceInProgress));
    case GroupState::kStable:
      group->pending_sync.erase(member.member_id);
      ScheduleSessionTimeout(*group, member, member.session_timeout_ms);
      return reply(answer(member));
    case GroupState::kCompletingRebalance:
      break;
  }
  group->pending_sync.erase(member.member_id);
  ScheduleSessionTimeout(*group, member, member.session_timeout_ms);
  member.awaiting_sync = std::move(reply);
  if (group->leader_id != member.member_id) return;  // parked until the leader's SyncGroup

  // The leader's assignment: members it left out get an empty one.
  std::map<std::string, Bytes> assignments;
  for (const auto& a : request.assignments) assignments[a.member_id] = a.assignment;
  for (auto& [id, m] : group->members) {
    auto found = assignments.find(id);
    m.assignment = found == assignments.end() ? Bytes() : found->second;
  }
  Status stored = StoreGroup(*group);
  if (!stored.ok()) {
    Logger()->warn("group {}: storing generation {} failed: {}", group->id, group->generation,
                   stored.ToString());
    for (auto& [id, m] : group->members) {
      m.assignment.clear();
      if (m.awaiting_sync) {
        auto parked = std::move(m.awaiting_sync);
        m.awaiting_sync = nullptr;
        parked(SyncError(ErrorCode::kCoordinatorNotAvailable));
      }
    }
    PrepareRebalance(*group, "storing the assignment failed");
    return;
  }
  TransitionTo(*group, GroupState::kStable);
  for (auto& [id, m] : group->members) {
    if (!m.awaiting_sync) continue;
    auto parked = std::move(m.awaiting_sync);
    m.awaiting_sync = nullptr;
    parked(answer(m));
  }
}

protocol::HeartbeatResponse GroupCoordinator::Heartbeat(const protocol::HeartbeatRequest& request,
                                                        const RequestInfo& info) {
  (void)info;
  protocol::HeartbeatResponse r;
  auto with = [&r](ErrorCode code) {
    r.error_code = Code(code);
    return r;
  };
  if (ErrorCode e = CheckGroupId(request.group_id); e != ErrorCode::kNone) return with(e);
  Group* group = GetGroup(request.group_id);
  if (group == nullptr) return with(ErrorCode::kUnknownMemberId);
  if (group->Is(GroupState::kDead)) return with(ErrorCode::kCoordinatorNotAvailable);
  if (group->Is(GroupState::kEmpty)) return with(ErrorCode::kUnknownMemberId);
  if (group->IsStaticMemberFenced(request.group_instance_id, request.member_id)) {
    return with(ErrorCode::kFencedInstanceId);
  }
  auto it = group->members.find(request.member_id);
  if (it == group->members.end()) return with(ErrorCode::kUnknownMemberId);
  if (request.generation_id != group->generation) return with(ErrorCode::kIllegalGeneration);
  ScheduleSessionTimeout(*group, it->second, it->second.session_timeout_ms);
  // A member may heartbeat between its JoinGroup and SyncGroup answers: that is a normal
  // heartbeat (as Kafka since 2.x). Only a rebalance in its join phase tells members to rejoin.
  if (group->Is(GroupState::kPreparingRebalance)) return with(ErrorCode::kRebalanceInProgress);
  return with(ErrorCode::kNone);
}

protocol::LeaveGroupResponse GroupCoordinator::LeaveGroup(
    const protocol::LeaveGroupRequest& request, const RequestInfo& info) {
  protocol::LeaveGroupResponse r;
  r.error_code = Code(ErrorCode::kNone);
  std::vector<std::pair<std::string, std::optional<std::string>>> leaving;
  if (info.version < 3) {
    leaving.emplace_back(request.member_id, std::nullopt);
  } else {
    for (const auto& m : request.members) leaving.emplace_back(m.member_id, m.group_instance_id);
  }
  auto top = [&](ErrorCode code) {
    r.error_code = Code(code);
    return r;
  };
  if (ErrorCode e = CheckGroupId(request.group_id); e != ErrorCode::kNone) return top(e);
  Group* group = GetGroup(request.group_id);
  if (group != nullptr && group->Is(GroupState::kDead)) {
    return top(ErrorCode::kCoordinatorNotAvailable);
  }
  ErrorCode first_error = ErrorCode::kNone;
  for (const auto& [member_id, instance_id] : leaving) {
    ErrorCode code = ErrorCode::kNone;
    if (group == nullptr) {
      code = ErrorCode::kUnknownMemberId;
    } else if (!member_id.empty() && group->IsStaticMemberFenced(instance_id, member_id)) {
      code = ErrorCode::kFencedInstanceId;
    } else if (group->pending_members.count(member_id)) {
      wheel_->Cancel(group->pending_members[member_id]);
      group->pending_members.erase(member_id);
      TryCompleteJoin(*group);
    } else {
      std::string target = member_id;
      if (instance_id && group->static_members.count(*instance_id)) {
        target = group->static_members.at(*instance_id);
      }
      if (group->members.count(target)) {
        RemoveMember(*group, target, "left the group", true);
      } else {
        code = ErrorCode::kUnknownMemberId;
      }
    }
    if (first_error == ErrorCode::kNone) first_error = code;
    if (info.version >= 3) {
      auto& out = r.members.emplace_back();
      out.member_id = member_id;
      out.group_instance_id = instance_id;
      out.error_code = Code(code);
    }
  }
  // v0-2 name one member: its error is the request's.
  if (info.version < 3) r.error_code = Code(first_error);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Members and their timers

void GroupCoordinator::ScheduleSessionTimeout(Group& group, Member& member, int64_t timeout_ms) {
  if (member.heartbeat_task) wheel_->Cancel(member.heartbeat_task);
  std::string group_id = group.id;
  std::string member_id = member.member_id;
  member.heartbeat_task = wheel_->Schedule(now_ms_() + timeout_ms, [this, group_id, member_id] {
    OnSessionTimeout(group_id, member_id);
  });
}

void GroupCoordinator::CancelMemberTimers(Member& member) {
  if (member.heartbeat_task) wheel_->Cancel(member.heartbeat_task);
  member.heartbeat_task = 0;
}

void GroupCoordinator::OnSessionTimeout(const std::string& group_id, const std::string& member_id) {
  Group* group = GetGroup(group_id);
  if (group == nullptr) return;
  auto it = group->members.find(member_id);
  if (it == group->members.end()) return;
  Member& member = it->second;
  member.heartbeat_task = 0;
  // A member parked in a rebalance is kept until that rebalance ends (its own timeout is the
  // rebalance timeout), except a new member whose join has waited too long.
  if ((member.awaiting_join && !member.is_new) || member.awaiting_sync) {
    ScheduleSessionTimeout(*group, member, member.session_timeout_ms);
    return;
  }
  RemoveMember(*group, member_id,
               fmt::format("session timeout ({} ms) expired", member.session_timeout_ms), true);
}

void GroupCoordinator::RemoveMember(Group& group, const std::string& member_id,
                                    const std::string& reason, bool update_group) {
  auto node = group.members.extract(member_id);
  if (node.empty()) return;
  Member& member = node.mapped();
  CancelMemberTimers(member);
  Logger()->info("group {}: removing member {}: {}", group.id, member_id, reason);
  if (member.awaiting_join) {
    member.awaiting_join(JoinError(ErrorCode::kUnknownMemberId, member_id, member.join_version));
  }
  if (member.awaiting_sync) member.awaiting_sync(SyncError(ErrorCode::kUnknownMemberId));
  if (member.group_instance_id) {
    auto s = group.static_members.find(*member.group_instance_id);
    if (s != group.static_members.end() && s->second == member_id) group.static_members.erase(s);
  }
  group.pending_sync.erase(member_id);
  if (group.leader_id == member_id) {
    group.leader_id.reset();
    for (const auto& [id, m] : group.members) {
      if (m.awaiting_join) {
        group.leader_id = id;
        break;
      }
    }
    if (!group.leader_id && !group.members.empty()) group.leader_id = group.members.begin()->first;
  }
  if (!update_group) return;
  switch (group.state) {
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      PrepareRebalance(group, fmt::format("member {} removed: {}", member_id, reason));
      TryCompleteJoin(group);
      break;
    case GroupState::kPreparingRebalance:
      TryCompleteJoin(group);
      break;
    case GroupState::kEmpty:
    case GroupState::kDead:
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Offsets

protocol::OffsetCommitResponse GroupCoordinator::CommitOffsets(
    const protocol::OffsetCommitRequest& request, const RequestInfo& info) {
  protocol::OffsetCommitResponse r;
  // Every partition of the request, with one error for all of them.
  auto all = [&](ErrorCode code) {
    r.topics.clear();
    for (const auto& t : request.topics) {
      auto& topic = r.topics.emplace_back();
      topic.name = t.name;
      for (const auto& p : t.partitions) {
        auto& out = topic.partitions.emplace_back();
        out.partition_index = p.partition_index;
        out.error_code = Code(code);
      }
    }
    return r;
  };
  if (ErrorCode e = CheckGroupId(request.group_id); e != ErrorCode::kNone) return all(e);
  int32_t generation = info.version >= 1 ? request.generation_id_or_member_epoch : -1;
  Group* group = GetGroup(request.group_id);
  if (group == nullptr) {
    // A group that does not use the broker for membership (manual assignment, admin tools).
    if (generation >= 0) return all(ErrorCode::kIllegalGeneration);
    group = &GetOrCreateGroup(request.group_id);
  }
  if (group->Is(GroupState::kDead)) return all(ErrorCode::kCoordinatorNotAvailable);
  if (group->IsStaticMemberFenced(request.group_instance_id, request.member_id)) {
    return all(ErrorCode::kFencedInstanceId);
  }
  if (!(generation < 0 && group->Is(GroupState::kEmpty))) {
    if (group->Is(GroupState::kCompletingRebalance)) return all(ErrorCode::kRebalanceInProgress);
    auto member = group->members.find(request.member_id);
    if (member == group->members.end()) return all(ErrorCode::kUnknownMemberId);
    if (generation != group->generation) return all(ErrorCode::kIllegalGeneration);
    ScheduleSessionTimeout(*group, member->second, member->second.session_timeout_ms);
  }

  int64_t now = wall_ms_();
  std::vector<KeyValue> records;
  std::vector<std::pair<TopicPartition, CommittedOffset>> accepted;
  for (const auto& t : request.topics) {
    auto& topic = r.topics.emplace_back();
    topic.name = t.name;
    std::optional<metadata::TopicInfo> known = topics_->Find(t.name);
    for (const auto& p : t.partitions) {
      auto& out = topic.partitions.emplace_back();
      out.partition_index = p.partition_index;
      out.error_code = Code(ErrorCode::kNone);
      if (!known || p.partition_index < 0 || p.partition_index >= known->partitions) {
        out.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      std::string metadata = p.committed_metadata.value_or("");
      if (static_cast<int64_t>(metadata.size()) > options_.offset_metadata_max_bytes) {
        out.error_code = Code(ErrorCode::kOffsetMetadataTooLarge);
        continue;
      }
      CommittedOffset offset;
      offset.offset = p.committed_offset;
      offset.leader_epoch = p.committed_leader_epoch;
      offset.metadata = std::move(metadata);
      offset.commit_timestamp_ms =
          info.version == 1 && p.commit_timestamp >= 0 ? p.commit_timestamp : now;
      if (info.version >= 2 && info.version <= 4 && request.retention_time_ms >= 0) {
        offset.expire_timestamp_ms = offset.commit_timestamp_ms + request.retention_time_ms;
      }
      records.emplace_back(OffsetCommitKeyBytes(group->id, t.name, p.partition_index),
                           OffsetCommitValueBytes(offset));
      accepted.emplace_back(TopicPartition{t.name, p.partition_index}, std::move(offset));
    }
  }
  if (records.empty()) return r;
  auto stored = AppendBatch(group->id, std::move(records));
  if (stored.ok() && stored->rejected()) stored = Status::Internal(stored->producer_error);
  if (!stored.ok()) {
    Logger()->warn("group {}: storing offsets failed: {}", group->id, stored.status().ToString());
    ErrorCode code = StoreError(stored.status());
    for (auto& topic : r.topics) {
      for (auto& p : topic.partitions) {
        if (p.error_code == Code(ErrorCode::kNone)) p.error_code = Code(code);
      }
    }
    return r;
  }
  Offset record_offset = stored->base_offset;
  for (auto& [tp, offset] : accepted) {
    offset.record_offset = record_offset;
    ++record_offset;
    group->offsets[tp] = std::move(offset);
  }
  return r;
}

protocol::OffsetFetchResponse GroupCoordinator::FetchOffsets(
    const protocol::OffsetFetchRequest& request, const RequestInfo& info) {
  using Partition = protocol::OffsetFetchResponse::OffsetFetchResponsePartition;
  bool require_stable = info.version >= 7 && request.require_stable;
  struct TopicOut {
    std::string name;
    std::vector<Partition> partitions;
  };
  // One group's answer: a group-level error and its topics.
  auto fetch_group =
      [&](const std::string& group_id,
          const std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>>& wanted,
          ErrorCode* error) {
        std::vector<TopicOut> out;
        *error = CheckGroupId(group_id);
        const Group* group = *error == ErrorCode::kNone ? GetGroup(group_id) : nullptr;
        auto lookup = [&](const std::string& topic, int32_t partition) {
          Partition p;
          p.partition_index = partition;
          p.committed_offset = -1;
          p.committed_leader_epoch = -1;
          p.metadata = "";
          p.error_code = Code(*error);
          bool unstable = require_stable && group && group->HasPendingTxnOffset({topic, partition});
          if (unstable) {
            // Kafka answers no offset with it: the client retries until the transaction ends.
            p.error_code = Code(ErrorCode::kUnstableOffsetCommit);
          } else if (group != nullptr) {
            auto it = group->offsets.find({topic, partition});
            if (it != group->offsets.end()) {
              p.committed_offset = it->second.offset;
              p.committed_leader_epoch = it->second.leader_epoch;
              p.metadata = it->second.metadata;
            }
          }
          return p;
        };
        if (wanted) {
          for (const auto& [topic, partitions] : *wanted) {
            auto& t = out.emplace_back();
            t.name = topic;
            for (int32_t p : partitions) t.partitions.push_back(lookup(topic, p));
          }
        } else if (group != nullptr) {
          // Every committed partition; with RequireStable also those only a transaction holds,
          // so a consumer asking for all of them still learns it must wait.
          std::set<TopicPartition> partitions;
          for (const auto& [tp, offset] : group->offsets) partitions.insert(tp);
          if (require_stable) {
            for (const auto& [producer_id, pending] : group->pending_txn_offsets) {
              for (const auto& [tp, offset] : pending) partitions.insert(tp);
            }
          }
          for (const auto& tp : partitions) {
            if (out.empty() || out.back().name != tp.first) out.push_back({tp.first, {}});
            out.back().partitions.push_back(lookup(tp.first, tp.second));
          }
        }
        return out;
      };

  protocol::OffsetFetchResponse r;
  if (info.version >= 8) {
    for (const auto& g : request.groups) {
      std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>> wanted;
      if (g.topics) {
        wanted.emplace();
        for (const auto& t : *g.topics) wanted->emplace_back(t.name, t.partition_indexes);
      }
      ErrorCode error;
      auto topics = fetch_group(g.group_id, wanted, &error);
      auto& group_out = r.groups.emplace_back();
      group_out.group_id = g.group_id;
      group_out.error_code = Code(error);
      for (auto& t : topics) {
        auto& topic_out = group_out.topics.emplace_back();
        topic_out.name = t.name;
        for (auto& p : t.partitions) {
          auto& po = topic_out.partitions.emplace_back();
          po.partition_index = p.partition_index;
          po.committed_offset = p.committed_offset;
          po.committed_leader_epoch = p.committed_leader_epoch;
          po.metadata = p.metadata;
          po.error_code = p.error_code;
        }
      }
    }
    return r;
  }
  std::optional<std::vector<std::pair<std::string, std::vector<int32_t>>>> wanted;
  if (request.topics) {
    wanted.emplace();
    for (const auto& t : *request.topics) wanted->emplace_back(t.name, t.partition_indexes);
  }
  ErrorCode error;
  auto topics = fetch_group(request.group_id, wanted, &error);
  // v2+ carry the group's error once; v0-1 only per partition.
  if (info.version >= 2) r.error_code = Code(error);
  for (auto& t : topics) {
    auto& topic_out = r.topics.emplace_back();
    topic_out.name = t.name;
    topic_out.partitions = std::move(t.partitions);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Transactional offsets

protocol::TxnOffsetCommitResponse GroupCoordinator::CommitTxnOffsets(
    const protocol::TxnOffsetCommitRequest& request, const RequestInfo& info) {
  protocol::TxnOffsetCommitResponse r;
  // Every partition of the request, with one error for all of them.
  auto all = [&](ErrorCode code) {
    r.topics.clear();
    for (const auto& t : request.topics) {
      auto& topic = r.topics.emplace_back();
      topic.name = t.name;
      for (const auto& p : t.partitions) {
        auto& out = topic.partitions.emplace_back();
        out.partition_index = p.partition_index;
        out.error_code = Code(code);
      }
    }
    return r;
  };
  if (ErrorCode e = CheckGroupId(request.group_id); e != ErrorCode::kNone) return all(e);
  // No real client sends this (Kafka fails building the batch); a transactional batch without a
  // producer would stay pending forever, since no marker can end it.
  if (request.producer_id < 0) return all(ErrorCode::kInvalidRequest);
  // v0-2 carry no member (KIP-447 added it in v3): no member check then.
  bool v3 = info.version >= 3;
  int32_t generation = v3 ? request.generation_id : -1;
  std::string member_id = v3 ? request.member_id : "";
  std::optional<std::string> instance_id = v3 ? request.group_instance_id : std::nullopt;
  bool created = GetGroup(request.group_id) == nullptr;
  Group* group = &GetOrCreateGroup(request.group_id);  // Kafka creates a missing group Empty
  // Kafka's validateOffsetCommit with isTransactional: unlike OffsetCommit, no check of the
  // state (a rebalance does not fence a transaction) and none without member information.
  ErrorCode e = ErrorCode::kNone;
  if (group->Is(GroupState::kDead)) {
    e = ErrorCode::kCoordinatorNotAvailable;
  } else if (group->IsStaticMemberFenced(instance_id, member_id)) {
    e = ErrorCode::kFencedInstanceId;
  } else if (generation >= 0 || !member_id.empty() || instance_id) {
    if (!group->members.count(member_id)) {
      e = ErrorCode::kUnknownMemberId;
    } else if (generation != group->generation) {
      e = ErrorCode::kIllegalGeneration;
    }
  }

  int64_t now = wall_ms_();
  std::vector<KeyValue> records;
  std::vector<std::pair<TopicPartition, CommittedOffset>> accepted;
  if (e == ErrorCode::kNone) {
    for (const auto& t : request.topics) {
      auto& topic = r.topics.emplace_back();
      topic.name = t.name;
      std::optional<metadata::TopicInfo> known = topics_->Find(t.name);
      for (const auto& p : t.partitions) {
        auto& out = topic.partitions.emplace_back();
        out.partition_index = p.partition_index;
        out.error_code = Code(ErrorCode::kNone);
        if (!known || p.partition_index < 0 || p.partition_index >= known->partitions) {
          out.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
          continue;
        }
        std::string metadata = p.committed_metadata.value_or("");
        if (static_cast<int64_t>(metadata.size()) > options_.offset_metadata_max_bytes) {
          out.error_code = Code(ErrorCode::kOffsetMetadataTooLarge);
          continue;
        }
        CommittedOffset offset;
        offset.offset = p.committed_offset;
        offset.leader_epoch = info.version >= 2 ? p.committed_leader_epoch : -1;
        offset.metadata = std::move(metadata);
        offset.commit_timestamp_ms = now;
        records.emplace_back(OffsetCommitKeyBytes(group->id, t.name, p.partition_index),
                             OffsetCommitValueBytes(offset));
        accepted.emplace_back(TopicPartition{t.name, p.partition_index}, std::move(offset));
      }
    }
  }
  if (!records.empty()) {
    // One transactional batch of the producer, as Kafka writes it: the producer state of the
    // offsets partition opens the producer's transaction there and fences an older epoch.
    record::BatchBuilderOptions batch;
    batch.producer_id = ProducerId(request.producer_id);
    batch.producer_epoch = ProducerEpoch(request.producer_epoch);
    batch.base_sequence = record::kNoSequence;
    batch.transactional = true;
    log::AppendOptions append;
    append.origin = log::AppendOrigin::kCoordinator;
    auto stored = AppendBatch(group->id, std::move(records), batch, append);
    if (!stored.ok()) {
      Logger()->warn("group {}: storing transactional offsets of producer {} failed: {}", group->id,
                     request.producer_id, stored.status().ToString());
      e = StoreError(stored.status());
    } else if (stored->rejected()) {
      // INVALID_PRODUCER_EPOCH (47) for every version: it is what Kafka's storeOffsets passes on
      // from the log (ProducerStateManager answers 47 since 2.7; PRODUCER_FENCED, 90, only comes
      // from the transaction coordinator), and librdkafka 2.0.2 handles 47 in TxnOffsetCommit as
      // the fatal fencing error it is, whereas 90 there falls to its default (abortable) branch.
      Logger()->info("group {}: transactional offsets of producer {} rejected: {}", group->id,
                     request.producer_id, stored->producer_error);
      e = stored->producer_check == log::ProducerCheck::kInvalidProducerEpoch
              ? ErrorCode::kInvalidProducerEpoch
              : ErrorCode::kUnknownServerError;
    } else {
      OffsetMap& pending = group->pending_txn_offsets[ProducerId(request.producer_id)];
      Offset record_offset = stored->base_offset;
      for (auto& [tp, offset] : accepted) {
        offset.record_offset = record_offset;
        ++record_offset;
        pending[tp] = std::move(offset);
      }
      txn_groups_[ProducerId(request.producer_id)].insert(group->id);
    }
  }
  if (created && group->pending_txn_offsets.empty()) RemoveGroup(group->id);
  return e == ErrorCode::kNone ? r : all(e);
}

Status GroupCoordinator::WriteTxnMarker(int32_t offsets_partition, ProducerId producer_id,
                                        ProducerEpoch producer_epoch, int32_t coordinator_epoch,
                                        bool commit) {
  std::string topic(kConsumerOffsetsTopic);
  if (!topics_->Find(topic)) return Status::NotFound(fmt::format("{} does not exist", topic));
  if (offsets_partition < 0 || offsets_partition >= partitions_) {
    return Status::InvalidArgument(fmt::format("{} has no partition {}", topic, offsets_partition));
  }
  log::Log* log = topics_->GetLog(topic, offsets_partition);
  if (log == nullptr) {
    return Status::Unavailable(fmt::format("{}-{} is missing", topic, offsets_partition));
  }
  Bytes marker = record::BuildControlBatch(
      commit ? record::ControlType::kCommit : record::ControlType::kAbort, producer_id,
      producer_epoch, coordinator_epoch, Offset(0), wall_ms_());
  log::AppendOptions append;
  append.origin = log::AppendOrigin::kCoordinator;
  BROOK_ASSIGN_OR_RETURN(log::AppendResult appended,
                         log->Append(std::span<uint8_t>(marker), append));
  if (appended.rejected()) return Status::FailedPrecondition(appended.producer_error);
  bool loading =
      partition_state_.empty() || partition_state_[offsets_partition] == PartitionState::kLoading;
  if (loading) {
    deferred_txn_ends_[offsets_partition].emplace_back(producer_id, commit);
  } else {
    CompleteTxn(offsets_partition, producer_id, commit);
  }
  return Status::Ok();
}

void GroupCoordinator::CompleteTxn(int32_t partition, ProducerId producer_id, bool commit) {
  auto it = txn_groups_.find(producer_id);
  if (it == txn_groups_.end()) return;
  std::set<std::string>& ids = it->second;
  for (auto id = ids.begin(); id != ids.end();) {
    if (GroupPartition(*id, partitions_) != partition) {
      ++id;
      continue;
    }
    if (Group* group = GetGroup(*id)) {
      auto pending = group->pending_txn_offsets.find(producer_id);
      if (pending != group->pending_txn_offsets.end()) {
        Logger()->debug("group {}: transaction of producer {} {}: {} offsets", *id, producer_id,
                        commit ? "committed" : "aborted", pending->second.size());
        if (commit) MergeCommittedTxnOffsets(group->offsets, std::move(pending->second));
        group->pending_txn_offsets.erase(pending);
      }
    }
    id = ids.erase(id);
  }
  if (ids.empty()) txn_groups_.erase(it);
}

int GroupCoordinator::ExpireOffsets() {
  int64_t now = wall_ms_();
  int removed = 0;
  std::vector<std::string> dead;
  for (auto& [id, group_ptr] : groups_) {
    Group& group = *group_ptr;
    if (CheckGroupId(id) != ErrorCode::kNone || group.Is(GroupState::kDead)) continue;
    std::optional<std::set<std::string>> subscribed;
    bool all_expire_together = group.protocol_type && group.Is(GroupState::kEmpty);
    if (group.protocol_type && !group.Is(GroupState::kEmpty)) {
      // An active consumer group keeps the offsets of the topics it reads (KIP-496).
      subscribed = group.SubscribedTopics();
      if (!subscribed) continue;
    }
    std::vector<TopicPartition> expired;
    for (const auto& [tp, offset] : group.offsets) {
      if (subscribed && subscribed->count(tp.first)) continue;
      bool is_expired = offset.expire_timestamp_ms
                            ? now >= *offset.expire_timestamp_ms
                            : now - (all_expire_together ? group.state_timestamp_ms
                                                         : offset.commit_timestamp_ms) >=
                                  options_.offsets_retention_ms;
      if (is_expired) expired.push_back(tp);
    }
    // Pending transactional offsets never expire, and keep their group: the transaction
    // coordinator's marker must still find them (committed offsets expire as usual; a
    // committing transaction brings its own back).
    bool forget = group.Is(GroupState::kEmpty) && expired.size() == group.offsets.size() &&
                  group.pending_members.empty() && group.pending_txn_offsets.empty();
    if (expired.empty() && !forget) continue;
    std::vector<KeyValue> tombstones;
    for (const auto& tp : expired) {
      tombstones.emplace_back(OffsetCommitKeyBytes(id, tp.first, tp.second), std::nullopt);
    }
    if (forget) tombstones.emplace_back(GroupMetadataKeyBytes(id), std::nullopt);
    Status stored = Append(id, std::move(tombstones));
    if (!stored.ok()) {
      Logger()->warn("group {}: writing expiry tombstones failed: {}", id, stored.ToString());
      continue;
    }
    for (const auto& tp : expired) group.offsets.erase(tp);
    removed += static_cast<int>(expired.size());
    if (!expired.empty()) {
      Logger()->info("group {}: expired {} committed offsets", id, expired.size());
    }
    if (forget) dead.push_back(id);
  }
  for (const auto& id : dead) {
    TransitionTo(*groups_[id], GroupState::kDead);
    RemoveGroup(id);
    Logger()->info("group {}: no members and no offsets left; removed", id);
  }
  return removed;
}

// ---------------------------------------------------------------------------------------------
// Admin

protocol::DescribeGroupsResponse GroupCoordinator::DescribeGroups(
    const protocol::DescribeGroupsRequest& request, const RequestInfo& info) {
  (void)info;
  protocol::DescribeGroupsResponse r;
  for (const auto& id : request.groups) {
    auto& out = r.groups.emplace_back();
    out.group_id = id;
    ErrorCode e = CheckGroupId(id);
    out.error_code = Code(e);
    const Group* group = e == ErrorCode::kNone ? GetGroup(id) : nullptr;
    if (group == nullptr || group->Is(GroupState::kDead)) {
      out.group_state = e == ErrorCode::kNone ? "Dead" : "";
      continue;
    }
    out.group_state = GroupStateName(group->state);
    out.protocol_type = group->protocol_type.value_or("");
    bool stable = group->Is(GroupState::kStable) && group->protocol_name;
    out.protocol_data = stable ? *group->protocol_name : "";
    for (const auto& [member_id, member] : group->members) {
      auto& m = out.members.emplace_back();
      m.member_id = member_id;
      m.group_instance_id = member.group_instance_id;
      m.client_id = member.client_id;
      m.client_host = member.client_host;
      if (stable) {
        if (const Bytes* metadata = member.MetadataFor(*group->protocol_name)) {
          m.member_metadata = *metadata;
        }
        m.member_assignment = member.assignment;
      }
    }
  }
  return r;
}

protocol::ListGroupsResponse GroupCoordinator::ListGroups(
    const protocol::ListGroupsRequest& request, const RequestInfo& info) {
  protocol::ListGroupsResponse r;
  r.error_code = Code(ErrorCode::kNone);
  for (auto state : partition_state_) {
    if (state == PartitionState::kLoading)
      r.error_code = Code(ErrorCode::kCoordinatorLoadInProgress);
  }
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  std::set<std::string> states;
  if (info.version >= 4) {
    for (const auto& s : request.states_filter) states.insert(lower(s));
  }
  std::vector<const Group*> sorted;
  for (const auto& [id, group] : groups_) {
    if (!group->Is(GroupState::kDead)) sorted.push_back(group.get());
  }
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->id < b->id; });
  for (const Group* group : sorted) {
    std::string state(GroupStateName(group->state));
    if (!states.empty() && !states.count(lower(state))) continue;
    auto& out = r.groups.emplace_back();
    out.group_id = group->id;
    out.protocol_type = group->protocol_type.value_or("");
    out.group_state = state;
  }
  return r;
}

protocol::DeleteGroupsResponse GroupCoordinator::DeleteGroups(
    const protocol::DeleteGroupsRequest& request, const RequestInfo& info) {
  (void)info;
  protocol::DeleteGroupsResponse r;
  for (const auto& id : request.groups_names) {
    auto& out = r.results.emplace_back();
    out.group_id = id;
    ErrorCode e = CheckGroupId(id);
    Group* group = e == ErrorCode::kNone ? GetGroup(id) : nullptr;
    if (e == ErrorCode::kNone && (group == nullptr || group->Is(GroupState::kDead))) {
      e = ErrorCode::kGroupIdNotFound;
    } else if (e == ErrorCode::kNone &&
               (!group->Is(GroupState::kEmpty) || !group->pending_txn_offsets.empty())) {
      // Unlike Kafka, an open transaction's offsets also keep the group: deleting it would drop
      // them silently (or let the COMMIT marker bring back a deleted group's offsets).
      e = ErrorCode::kNonEmptyGroup;
    }
    if (e == ErrorCode::kNone) {
      std::vector<KeyValue> tombstones;
      for (const auto& [tp, offset] : group->offsets) {
        tombstones.emplace_back(OffsetCommitKeyBytes(id, tp.first, tp.second), std::nullopt);
      }
      tombstones.emplace_back(GroupMetadataKeyBytes(id), std::nullopt);
      Status stored = Append(id, std::move(tombstones));
      if (stored.ok()) {
        TransitionTo(*group, GroupState::kDead);
        RemoveGroup(id);
        Logger()->info("group {}: deleted", id);
      } else {
        Logger()->warn("group {}: deleting failed: {}", id, stored.ToString());
        e = ErrorCode::kCoordinatorNotAvailable;
      }
    }
    out.error_code = Code(e);
  }
  return r;
}

protocol::OffsetDeleteResponse GroupCoordinator::DeleteOffsets(
    const protocol::OffsetDeleteRequest& request, const RequestInfo& info) {
  (void)info;
  protocol::OffsetDeleteResponse r;
  ErrorCode e = CheckGroupId(request.group_id);
  Group* group = e == ErrorCode::kNone ? GetGroup(request.group_id) : nullptr;
  if (e == ErrorCode::kNone && (group == nullptr || group->Is(GroupState::kDead))) {
    e = ErrorCode::kGroupIdNotFound;
  }
  // An active consumer group may lose the offsets of topics it does not read; any other active
  // group none.
  std::optional<std::set<std::string>> subscribed;
  if (e == ErrorCode::kNone && !group->Is(GroupState::kEmpty)) {
    if (group->protocol_type != "consumer") {
      e = ErrorCode::kNonEmptyGroup;
    } else {
      subscribed = group->SubscribedTopics();
    }
  }
  r.error_code = Code(e);
  if (e != ErrorCode::kNone) return r;
  bool active = !group->Is(GroupState::kEmpty);
  std::vector<KeyValue> tombstones;
  std::vector<TopicPartition> deleted;
  for (const auto& t : request.topics) {
    auto& topic = r.topics.emplace_back();
    topic.name = t.name;
    std::optional<metadata::TopicInfo> known = topics_->Find(t.name);
    for (const auto& p : t.partitions) {
      auto& out = topic.partitions.emplace_back();
      out.partition_index = p.partition_index;
      out.error_code = Code(ErrorCode::kNone);
      if (!known || p.partition_index < 0 || p.partition_index >= known->partitions) {
        out.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
      } else if (active && (!subscribed || subscribed->count(t.name))) {
        out.error_code = Code(ErrorCode::kGroupSubscribedToTopic);
      } else if (group->offsets.count({t.name, p.partition_index})) {
        tombstones.emplace_back(OffsetCommitKeyBytes(group->id, t.name, p.partition_index),
                                std::nullopt);
        deleted.emplace_back(t.name, p.partition_index);
      }
    }
  }
  if (tombstones.empty()) return r;
  Status stored = Append(group->id, std::move(tombstones));
  if (!stored.ok()) {
    Logger()->warn("group {}: deleting offsets failed: {}", group->id, stored.ToString());
    r.error_code = Code(ErrorCode::kCoordinatorNotAvailable);
    r.topics.clear();
    return r;
  }
  for (const auto& tp : deleted) group->offsets.erase(tp);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Storage

Status GroupCoordinator::StoreGroup(const Group& group) {
  std::vector<KeyValue> records;
  records.emplace_back(GroupMetadataKeyBytes(group.id), GroupMetadataValueBytes(group, wall_ms_()));
  return Append(group.id, std::move(records));
}

Result<log::AppendResult> GroupCoordinator::AppendBatch(
    const std::string& group_id, std::vector<KeyValue> records,
    const record::BatchBuilderOptions& batch_options, const log::AppendOptions& append_options) {
  if (EnsureOffsetsTopic() != ErrorCode::kNone) {
    return Status::Unavailable(fmt::format("{} cannot be created", kConsumerOffsetsTopic));
  }
  int32_t partition = GroupPartition(group_id, partitions_);
  log::Log* log = topics_->GetLog(std::string(kConsumerOffsetsTopic), partition);
  if (log == nullptr) {
    return Status::Unavailable(fmt::format("{}-{} is missing", kConsumerOffsetsTopic, partition));
  }
  record::RecordBatchBuilder builder(batch_options);
  int64_t now = wall_ms_();
  for (const auto& [key, value] : records) {
    builder.Add(now, ByteView(key),
                value ? std::optional<ByteView>(ByteView(*value)) : std::nullopt);
  }
  BROOK_ASSIGN_OR_RETURN(Bytes batch, builder.Build());
  return log->Append(std::span<uint8_t>(batch), append_options);
}

Status GroupCoordinator::Append(const std::string& group_id, std::vector<KeyValue> records) {
  auto appended = AppendBatch(group_id, std::move(records));
  if (!appended.ok()) return appended.status();
  // Batches without a producer id are never checked; a rejection would be a log bug.
  if (appended->rejected()) return Status::Internal(appended->producer_error);
  return Status::Ok();
}

}  // namespace brook::broker::coordinator
