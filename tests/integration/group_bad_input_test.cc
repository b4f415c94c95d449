// What the group coordinator does with group requests a well-behaved consumer would not send:
// each gets Kafka's error code (or, when it cannot be parsed, a closed connection), and the
// group it was aimed at is unharmed: its member keeps its generation, heartbeats answer NONE,
// and it still rebalances with only its real members.
#include <gtest/gtest.h>

#include "broker/protocol/error_code.h"
#include "broker/protocol/messages.h"
#include "tests/integration/admin_helpers.h"
#include "tests/integration/broker_fixture.h"
#include "tests/integration/group_member.h"
#include "tests/integration/kafka_test_client.h"
#include "tests/integration/raw_client.h"

namespace brook::testing {
namespace {

namespace protocol = broker::protocol;
using protocol::ErrorCode;

class GroupBadInputTest : public BrokerSuite {
 protected:
  // A JoinGroup from a new connection; its error code.
  int16_t JoinFromStranger(const protocol::JoinGroupRequest& request) {
    RawClient stranger(bootstrap_);
    return Call(stranger, request, kJoinGroupVersion).error_code;
  }

  // `member`, alone in its group, is unharmed: its heartbeat answers NONE with the generation it
  // has, DescribeGroups shows it as the only member of a Stable group, a rebalance it starts
  // (rejoining as the leader) completes with it alone, and the broker serves new connections.
  void ExpectUnharmed(GroupMember& member, const std::string& group_id) {
    EXPECT_EQ(member.Heartbeat(), 0);

    protocol::DescribeGroupsRequest describe;
    describe.groups = {group_id};
    RawClient observer(bootstrap_);
    auto described = Call(observer, describe, 2);
    ASSERT_EQ(described.groups.size(), 1u);
    const auto& group = described.groups[0];
    EXPECT_EQ(group.error_code, 0);
    EXPECT_EQ(group.group_state, "Stable");
    EXPECT_EQ(group.protocol_type, "consumer");
    EXPECT_EQ(group.protocol_data, "range");
    ASSERT_EQ(group.members.size(), 1u);
    EXPECT_EQ(group.members[0].member_id, member.member_id());

    int32_t generation = member.generation();
    ASSERT_EQ(member.Join(), 0);
    EXPECT_EQ(member.generation(), generation + 1);
    EXPECT_TRUE(member.is_leader());
    EXPECT_EQ(member.join_members(), 1u);
    ASSERT_EQ(member.Sync(), 0);
    EXPECT_EQ(member.Heartbeat(), 0);

    RawClient fresh(bootstrap_);
    EXPECT_EQ(Call(fresh, protocol::ApiVersionsRequest{}, 3).error_code, 0);
  }
};

TEST_F(GroupBadInputTest, AJoinWithAnotherProtocolTypeIsInconsistentGroupProtocol) {
  std::string group = TopicName();
  GroupMember alice(bootstrap_, group);
  alice.JoinAndSync();

  auto request = JoinRequest(group, "");
  request.protocol_type = "connect";
  EXPECT_EQ(JoinFromStranger(request), Code(ErrorCode::kInconsistentGroupProtocol));
  // Also from a member that already has its id.
  request.member_id = alice.member_id();
  EXPECT_EQ(Call(alice.client(), request, kJoinGroupVersion).error_code,
            Code(ErrorCode::kInconsistentGroupProtocol));
  ExpectUnharmed(alice, group);
}

TEST_F(GroupBadInputTest, AJoinSharingNoProtocolWithTheMembersIsInconsistentGroupProtocol) {
  std::string group = TopicName();
  GroupMember alice(bootstrap_, group);
  alice.JoinAndSync();

  EXPECT_EQ(JoinFromStranger(JoinRequest(group, "", std::nullopt, {"roundrobin", "sticky"})),
            Code(ErrorCode::kInconsistentGroupProtocol));
  // Protocols without a name in common with Alice's, static: no member id is handed out first.
  EXPECT_EQ(JoinFromStranger(JoinRequest(group, "", "static-1", {"cooperative-sticky"})),
            Code(ErrorCode::kInconsistentGroupProtocol));
  ExpectUnharmed(alice, group);
}

TEST_F(GroupBadInputTest, AHeartbeatWithAStaleGenerationIsIllegalGeneration) {
  std::string group = TopicName();
  GroupMember alice(bootstrap_, group);
  alice.JoinAndSync();
  int32_t stale = alice.generation();
  // The leader rejoining starts a new generation.
  alice.JoinAndSync();
  ASSERT_EQ(alice.generation(), stale + 1);

  EXPECT_EQ(alice.HeartbeatAs(alice.member_id(), stale), Code(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(alice.HeartbeatAs(alice.member_id(), stale + 5), Code(ErrorCode::kIllegalGeneration));
  // A commit of the stale generation is refused the same way.
  protocol::OffsetCommitRequest commit;
  commit.group_id = group;
  commit.generation_id_or_member_epoch = stale;
  commit.member_id = alice.member_id();
  commit.topics.emplace_back().name = "any-topic";
  commit.topics[0].partitions.push_back({.partition_index = 0, .committed_offset = 1});
  auto committed = Call(alice.client(), commit, kOffsetCommitVersion);
  ASSERT_EQ(committed.topics.size(), 1u);
  ASSERT_EQ(committed.topics[0].partitions.size(), 1u);
  EXPECT_EQ(committed.topics[0].partitions[0].error_code, Code(ErrorCode::kIllegalGeneration));
  ExpectUnharmed(alice, group);
}

TEST_F(GroupBadInputTest, HeartbeatAndSyncGroupFromAnUnknownMemberAreUnknownMemberId) {
  std::string group = TopicName();
  GroupMember alice(bootstrap_, group);
  alice.JoinAndSync();

  RawClient stranger(bootstrap_);
  protocol::HeartbeatRequest heartbeat;
  heartbeat.group_id = group;
  heartbeat.generation_id = alice.generation();
  heartbeat.member_id = "nobody-00000000-0000-0000-0000-000000000000";
  EXPECT_EQ(Call(stranger, heartbeat, kHeartbeatVersion).error_code,
            Code(ErrorCode::kUnknownMemberId));
  heartbeat.group_id = group + "-never-created";
  EXPECT_EQ(Call(stranger, heartbeat, kHeartbeatVersion).error_code,
            Code(ErrorCode::kUnknownMemberId));

  protocol::SyncGroupRequest sync;
  sync.group_id = group;
  sync.generation_id = alice.generation();
  sync.member_id = "nobody-00000000-0000-0000-0000-000000000000";
  sync.assignments.push_back({.member_id = alice.member_id(), .assignment = Bytes{9, 9}});
  EXPECT_EQ(Call(stranger, sync, kSyncGroupVersion).error_code, Code(ErrorCode::kUnknownMemberId));
  ExpectUnharmed(alice, group);
}

TEST_F(GroupBadInputTest, ACommitFromAMemberFencedByANewerStaticInstanceIsFencedInstanceId) {
  std::string group = TopicName();
  std::string topic = TopicName("-topic");
  {
    Producer admin(bootstrap_);
    ASSERT_EQ(CreateTopic(admin.handle(), topic, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  GroupMember old_instance(bootstrap_, group, "app-1");
  ASSERT_EQ(old_instance.Join(), 0);
  ASSERT_EQ(old_instance.Sync(Bytes{4, 2}), 0);
  ASSERT_EQ(old_instance.Commit(topic, 10), 0);

  // The same instance restarts: a new member id, the same generation and assignment.
  GroupMember new_instance(bootstrap_, group, "app-1");
  ASSERT_EQ(new_instance.Join(), 0);
  EXPECT_NE(new_instance.member_id(), old_instance.member_id());
  EXPECT_EQ(new_instance.generation(), old_instance.generation());
  ASSERT_EQ(new_instance.Sync(), 0);
  EXPECT_EQ(new_instance.assignment(), (Bytes{4, 2}));

  EXPECT_EQ(old_instance.Commit(topic, 99), Code(ErrorCode::kFencedInstanceId));
  EXPECT_EQ(old_instance.Heartbeat(), Code(ErrorCode::kFencedInstanceId));
  // Without its instance id the old member id is simply unknown.
  EXPECT_EQ(old_instance.Commit(topic, 99, /*with_instance_id=*/false),
            Code(ErrorCode::kUnknownMemberId));

  EXPECT_EQ(new_instance.Heartbeat(), 0);
  EXPECT_EQ(new_instance.Commit(topic, 20), 0);
  protocol::OffsetFetchRequest fetch;
  fetch.group_id = group;
  fetch.topics = std::vector<protocol::OffsetFetchRequest::OffsetFetchRequestTopic>{
      {.name = topic, .partition_indexes = {0}}};
  auto fetched = Call(new_instance.client(), fetch, 4);
  EXPECT_EQ(fetched.error_code, 0);
  ASSERT_EQ(fetched.topics.size(), 1u);
  ASSERT_EQ(fetched.topics[0].partitions.size(), 1u);
  EXPECT_EQ(fetched.topics[0].partitions[0].committed_offset, 20);
  ExpectUnharmed(new_instance, group);
}

TEST_F(GroupBadInputTest, ASessionTimeoutOutsideTheBrokerLimitsIsInvalidSessionTimeout) {
  std::string group = TopicName();
  GroupMember alice(bootstrap_, group);
  alice.JoinAndSync();

  auto request = JoinRequest(group, "");
  request.session_timeout_ms = 1000;  // group.min.session.timeout.ms is 6000
  EXPECT_EQ(JoinFromStranger(request), Code(ErrorCode::kInvalidSessionTimeout));
  request.session_timeout_ms = 1'800'001;  // group.max.session.timeout.ms is 1800000
  EXPECT_EQ(JoinFromStranger(request), Code(ErrorCode::kInvalidSessionTimeout));
  // Alice herself asking for one keeps her membership as it was.
  request.member_id = alice.member_id();
  request.session_timeout_ms = 5999;
  EXPECT_EQ(Call(alice.client(), request, kJoinGroupVersion).error_code,
            Code(ErrorCode::kInvalidSessionTimeout));
  ExpectUnharmed(alice, group);
}

TEST_F(GroupBadInputTest, ATruncatedJoinGroupClosesOnlyItsConnection) {
  std::string group = TopicName();
  GroupMember alice(bootstrap_, group);
  alice.JoinAndSync();

  protocol::RequestHeader header;
  header.request_api_version = kJoinGroupVersion;
  header.correlation_id = 1;
  header.client_id = "truncating";
  Bytes body;
  protocol::EncodeRequestFrame(header, JoinRequest(group, ""), &body);
  for (size_t cut = 10; cut < body.size(); ++cut) {
    RawClient client(bootstrap_);
    client.SendFrame(ByteView(body).first(cut));
    EXPECT_TRUE(client.ClosedByBroker()) << cut;
  }
  // Alice's connection was never touched.
  EXPECT_EQ(alice.Heartbeat(), 0);
  ExpectUnharmed(alice, group);
}

}  // namespace
}  // namespace brook::testing
