// `brook groups list|describe|delete` against a real broker, with groups made by librdkafka
// consumers; and how the groups commands fail without one.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/tools/cli_fixture.h"
#include "tests/tools/groups_fixture.h"

namespace brook::tools {
namespace {

using ::testing::_;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using Fields = std::vector<std::string>;

TEST_F(GroupsCliTest, ListShowsEveryGroupAndWithStateItsState) {
  const std::string topic = CreateTopic(1);
  ASSERT_TRUE(ProduceRecords(bootstrap_, topic, 0, 4));
  const std::string active = Name("active");
  const std::string idle = Name("idle");
  GroupConsumer member(bootstrap_, active, topic);
  ASSERT_TRUE(member.Consume(1));
  {
    GroupConsumer left(bootstrap_, idle, topic);
    ASSERT_TRUE(left.Consume(2));
    ASSERT_EQ(left.Commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  ProcessResult listed = Brook({"groups", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(Rows(listed.out), Contains(ElementsAre(active)));
  EXPECT_THAT(Rows(listed.out), Contains(ElementsAre(idle)));

  ProcessResult with_state = Brook({"groups", "list", "--state"});
  ASSERT_EQ(with_state.exit_code, 0) << with_state.err;
  const auto rows = Rows(with_state.out);
  ASSERT_FALSE(rows.empty());
  EXPECT_THAT(rows[0], ElementsAre("GROUP", "STATE"));
  EXPECT_THAT(rows, Contains(ElementsAre(active, "Stable")));
  EXPECT_THAT(rows, Contains(ElementsAre(idle, "Empty")));
}

TEST_F(GroupsCliTest, DescribeShowsCommittedOffsetLagMemberAndState) {
  const std::string topic = CreateTopic(1);
  ASSERT_TRUE(ProduceRecords(bootstrap_, topic, 0, 10));
  const std::string group = Name("group");
  GroupConsumer member(bootstrap_, group, topic);
  ASSERT_TRUE(member.Consume(5));
  ASSERT_EQ(member.Commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
  const std::string member_id = member.MemberId();
  ASSERT_FALSE(member_id.empty());

  ProcessResult described = Brook({"groups", "describe", group});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  const auto rows = Rows(described.out);
  ASSERT_FALSE(rows.empty()) << described.out;
  EXPECT_THAT(rows[0], ElementsAre("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET",
                                   "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"));
  EXPECT_THAT(rows, Contains(ElementsAre(group, topic, "0", "5", "10", "5", member_id, _,
                                         "brook-test-member")))
      << described.out;
  EXPECT_THAT(rows, Contains(ElementsAre("MEMBER-ID", "CLIENT-ID", "HOST", "ASSIGNMENT")));
  EXPECT_THAT(rows, Contains(ElementsAre(member_id, "brook-test-member", _, topic + ":0")))
      << described.out;
  EXPECT_THAT(described.out,
              HasSubstr("\nGroup '" + group + "' is Stable, 1 member, assignor range\n"));
  EXPECT_THAT(described.out, Not(HasSubstr("no active members")));
}

TEST_F(GroupsCliTest, DescribeOfAGroupWithoutMembersStillShowsItsOffsets) {
  const std::string topic = CreateTopic(1);
  ASSERT_TRUE(ProduceRecords(bootstrap_, topic, 0, 10));
  const std::string group = Name("group");
  {
    GroupConsumer member(bootstrap_, group, topic);
    ASSERT_TRUE(member.Consume(5));
    ASSERT_EQ(member.Commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  ProcessResult described = Brook({"groups", "describe", group});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_THAT(described.out, StartsWith("Consumer group '" + group + "' has no active members.\n"));
  EXPECT_THAT(Rows(described.out),
              Contains(ElementsAre(group, topic, "0", "5", "10", "5", "-", "-", "-")))
      << described.out;
  EXPECT_THAT(described.out, Not(HasSubstr("MEMBER-ID")));
  EXPECT_THAT(described.out, HasSubstr("\nGroup '" + group + "' is Empty, 0 members\n"));
}

TEST_F(GroupsCliTest, DescribeShowsTheInstanceIdOfStaticMembers) {
  const std::string topic = CreateTopic(2);
  ASSERT_TRUE(ProduceRecords(bootstrap_, topic, 0, 3));
  const std::string group = Name("group");
  GroupConsumer member(bootstrap_, group, topic, {"static-client", "instance-1"});
  ASSERT_TRUE(member.Consume(3));

  ProcessResult described = Brook({"groups", "describe", group});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  const auto rows = Rows(described.out);
  EXPECT_THAT(rows, Contains(ElementsAre("MEMBER-ID", "GROUP-INSTANCE-ID", "CLIENT-ID", "HOST",
                                         "ASSIGNMENT")))
      << described.out;
  EXPECT_THAT(rows, Contains(ElementsAre(member.MemberId(), "instance-1", "static-client", _,
                                         topic + ":0,1")))
      << described.out;
  // Nothing committed yet: the assigned partitions show without offsets or lag.
  EXPECT_THAT(rows, Contains(ElementsAre(group, topic, "1", "-", "0", "-", member.MemberId(), _,
                                         "static-client")))
      << described.out;
}

TEST_F(GroupsCliTest, DescribeOfAnUnknownGroupIsAnError) {
  ProcessResult described = Brook({"groups", "describe", Name("missing")});
  EXPECT_EQ(described.exit_code, 1);
  EXPECT_EQ(described.err, "brook: consumer group '" + Name("missing") + "' does not exist\n");
  EXPECT_EQ(described.out, "");
}

TEST_F(GroupsCliTest, DeleteRefusesAGroupWithMembersAndDeletesItOnceEmpty) {
  const std::string topic = CreateTopic(1);
  ASSERT_TRUE(ProduceRecords(bootstrap_, topic, 0, 2));
  const std::string group = Name("group");
  GroupConsumer member(bootstrap_, group, topic);
  ASSERT_TRUE(member.Consume(2));
  ASSERT_EQ(member.Commit(), RD_KAFKA_RESP_ERR_NO_ERROR);

  ProcessResult refused = Brook({"groups", "delete", group});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "brook: consumer group '" + group +
                             "' could not be deleted: The group is not empty (NON_EMPTY_GROUP)\n");
  EXPECT_EQ(Brook({"groups", "describe", group}).exit_code, 0);

  member.Close();
  ProcessResult deleted = Brook({"groups", "delete", group});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(deleted.out,
            "Deletion of requested consumer groups ('" + group + "') was successful.\n");
  EXPECT_THAT(Rows(Brook({"groups", "list"}).out), Not(Contains(ElementsAre(group))));
  ProcessResult gone = Brook({"groups", "describe", group});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_THAT(gone.err, HasSubstr("does not exist"));
}

TEST_F(GroupsCliTest, DeleteOfSeveralGroupsDeletesWhatItCanAndNamesEachFailure) {
  const std::string topic = CreateTopic(1);
  ASSERT_TRUE(ProduceRecords(bootstrap_, topic, 0, 1));
  const std::string empty = Name("empty");
  {
    GroupConsumer member(bootstrap_, empty, topic);
    ASSERT_TRUE(member.Consume(1));
    ASSERT_EQ(member.Commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  const std::string missing = Name("missing");

  ProcessResult deleted = Brook({"groups", "delete", empty, missing});
  EXPECT_EQ(deleted.exit_code, 1);
  EXPECT_EQ(deleted.out, "These consumer groups were deleted successfully: '" + empty + "'\n");
  EXPECT_EQ(deleted.err, "brook: consumer group '" + missing + "' does not exist\n");
  EXPECT_EQ(Brook({"groups", "describe", empty}).exit_code, 1);
}

TEST_F(BrookCliTest, GroupsAgainstABrokerWithoutGroupAdminApisFailCleanly) {
  // librdkafka's mock cluster has no ListGroups, DescribeGroups or DeleteGroups (and librdkafka
  // 2.0.2 hangs or aborts when such a request goes to a coordinator: brook must not send it).
  const std::vector<std::vector<std::string>> commands = {
      {"groups", "list"},
      {"groups", "describe", "g"},
      {"groups", "delete", "g", "h"},
      {"groups", "reset-offsets", "--group", "g", "--all-topics", "--to-earliest"}};
  for (std::vector<std::string> args : commands) {
    args.insert(args.end(), {"--request-timeout-ms", "2000"});
    ProcessResult result = Brook(args);
    EXPECT_FALSE(result.timed_out) << args[1];
    EXPECT_EQ(result.exit_code, 1) << args[1];
    EXPECT_EQ(result.err,
              "brook: the broker does not support consumer groups (ListGroups): Local: Required "
              "feature not supported by broker\n")
        << args[1];
  }
}

}  // namespace
}  // namespace brook::tools
