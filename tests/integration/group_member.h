#pragma once

// A consumer-group member spelled out request by request over its own RawClient connection,
// with the versions kafkajs 2.2.4 uses (JoinGroup v5, SyncGroup v3, Heartbeat v3) and
// OffsetCommit v7 (the first that carries a group instance id). For tests that interleave a
// well-behaved member with requests a real client would not send.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "broker/protocol/error_code.h"
#include "broker/protocol/messages.h"
#include "tests/integration/raw_client.h"

namespace brook::testing {

inline constexpr int16_t kJoinGroupVersion = 5;
inline constexpr int16_t kSyncGroupVersion = 3;
inline constexpr int16_t kHeartbeatVersion = 3;
inline constexpr int16_t kOffsetCommitVersion = 7;

inline int16_t Code(broker::protocol::ErrorCode code) { return static_cast<int16_t>(code); }

// Sends `request` at `version` and waits for its answer; a missing or undecodable answer is a
// test failure and comes back as a default response.
template <typename Request>
typename Request::Response Call(RawClient& client, const Request& request, int16_t version) {
  client.Send(request, version);
  auto response = client.Receive<Request>(version);
  if (!response) {
    ADD_FAILURE() << Request::kName << " v" << version << ": no answer";
    return {};
  }
  return std::move(*response);
}

// A consumer-protocol subscription to `topic` (version 1, as librdkafka writes it).
inline Bytes Subscription(const std::string& topic) {
  broker::protocol::ConsumerProtocolSubscription subscription;
  subscription.topics = {topic};
  subscription.user_data = Bytes();
  Bytes out;
  broker::protocol::Writer writer(&out);
  writer.WriteInt16(1);
  subscription.Encode(writer, 1);
  return out;
}

// A JoinGroup as kafkajs sends it: protocol type "consumer", session timeout 10 s.
inline broker::protocol::JoinGroupRequest JoinRequest(
    const std::string& group_id, const std::string& member_id,
    const std::optional<std::string>& instance_id = std::nullopt,
    const std::vector<std::string>& protocols = {"range"}) {
  broker::protocol::JoinGroupRequest request;
  request.group_id = group_id;
  request.session_timeout_ms = 10'000;
  request.rebalance_timeout_ms = 10'000;
  request.member_id = member_id;
  request.group_instance_id = instance_id;
  request.protocol_type = "consumer";
  for (const auto& name : protocols) {
    request.protocols.push_back({.name = name, .metadata = Subscription("some-topic")});
  }
  return request;
}

// One member of `group_id`, blocking on each answer (5 s at most, RawClient's limit). Not
// thread-safe: one test thread drives it.
class GroupMember {
 public:
  // A dynamic member, or a static one with `instance_id`. Connects at once; joins on Join().
  GroupMember(const std::string& bootstrap, std::string group_id,
              std::optional<std::string> instance_id = std::nullopt)
      : client_(bootstrap), group_id_(std::move(group_id)), instance_id_(std::move(instance_id)) {}
  GroupMember(const GroupMember&) = delete;
  GroupMember& operator=(const GroupMember&) = delete;

  // Joins (a dynamic member first gets MEMBER_ID_REQUIRED and its id) and waits for the join
  // phase to end. NONE on success, with member_id(), generation() and leader() set.
  int16_t Join() {
    auto response =
        Call(client_, JoinRequest(group_id_, member_id_, instance_id_), kJoinGroupVersion);
    if (response.error_code == Code(broker::protocol::ErrorCode::kMemberIdRequired)) {
      member_id_ = response.member_id;
      response = Call(client_, JoinRequest(group_id_, member_id_, instance_id_), kJoinGroupVersion);
    }
    if (response.error_code == 0) {
      member_id_ = response.member_id;
      generation_ = response.generation_id;
      leader_ = response.leader;
      join_members_ = response.members.size();
    }
    return response.error_code;
  }

  // SyncGroup for this generation; a leader hands itself `assignment`. NONE on success, with
  // assignment() set.
  int16_t Sync(const Bytes& assignment = Bytes{0, 1, 2, 3}) {
    broker::protocol::SyncGroupRequest request;
    request.group_id = group_id_;
    request.generation_id = generation_;
    request.member_id = member_id_;
    request.group_instance_id = instance_id_;
    if (is_leader()) {
      request.assignments.push_back({.member_id = member_id_, .assignment = assignment});
    }
    auto response = Call(client_, request, kSyncGroupVersion);
    if (response.error_code == 0) assignment_ = response.assignment;
    return response.error_code;
  }

  // Join() then Sync(), expecting NONE from both.
  void JoinAndSync() {
    ASSERT_EQ(Join(), 0) << group_id_;
    ASSERT_EQ(Sync(), 0) << group_id_;
  }

  int16_t Heartbeat() { return HeartbeatAs(member_id_, generation_, instance_id_); }
  int16_t HeartbeatAs(const std::string& member_id, int32_t generation,
                      const std::optional<std::string>& instance_id = std::nullopt) {
    broker::protocol::HeartbeatRequest request;
    request.group_id = group_id_;
    request.generation_id = generation;
    request.member_id = member_id;
    request.group_instance_id = instance_id;
    return Call(client_, request, kHeartbeatVersion).error_code;
  }

  // Commits `offset` for partition 0 of `topic` as this member (with its instance id unless
  // `with_instance_id` is false); the partition's error code.
  int16_t Commit(const std::string& topic, int64_t offset, bool with_instance_id = true) {
    broker::protocol::OffsetCommitRequest request;
    request.group_id = group_id_;
    request.generation_id_or_member_epoch = generation_;
    request.member_id = member_id_;
    if (with_instance_id) request.group_instance_id = instance_id_;
    auto& t = request.topics.emplace_back();
    t.name = topic;
    t.partitions.push_back({.partition_index = 0, .committed_offset = offset});
    auto response = Call(client_, request, kOffsetCommitVersion);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "OffsetCommit answered " << response.topics.size() << " topics";
      return -999;
    }
    return response.topics[0].partitions[0].error_code;
  }

  RawClient& client() { return client_; }
  const std::string& member_id() const { return member_id_; }
  int32_t generation() const { return generation_; }
  const std::string& leader() const { return leader_; }
  bool is_leader() const { return leader_ == member_id_; }
  // Members listed in the last JoinGroup answer (the leader's only).
  size_t join_members() const { return join_members_; }
  const Bytes& assignment() const { return assignment_; }

 private:
  RawClient client_;
  std::string group_id_;
  std::optional<std::string> instance_id_;
  std::string member_id_;
  int32_t generation_ = -1;
  std::string leader_;
  size_t join_members_ = 0;
  Bytes assignment_;
};

}  // namespace brook::testing
