// `brook groups reset-offsets` against a real broker: the plan, --execute, each strategy, the
// partition selection and the refusals.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/tools/groups_fixture.h"

namespace brook::tools {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class ResetOffsetsTest : public GroupsCliTest {
 protected:
  // A topic with `records` records in each partition and a group, now without members, that
  // committed `committed` on each partition.
  void MakeIdleGroup(int partitions, int records, int committed) {
    topic_ = CreateTopic(partitions);
    group_ = Name("group");
    for (int p = 0; p < partitions; ++p) {
      ASSERT_TRUE(ProduceRecords(bootstrap_, topic_, p, records));
    }
    GroupConsumer member(bootstrap_, group_, topic_);
    ASSERT_TRUE(member.Consume(partitions * records));
    ASSERT_EQ(member.Commit(), RD_KAFKA_RESP_ERR_NO_ERROR);
    member.Close();
    if (committed != records) {
      ASSERT_EQ(Reset({"--topic", topic_, "--to-offset", std::to_string(committed), "--execute"})
                    .exit_code,
                0);
    }
  }

  // `brook groups reset-offsets --group <group_> ARGS...`.
  ProcessResult Reset(std::vector<std::string> args) {
    args.insert(args.begin(), {"groups", "reset-offsets", "--group", group_});
    return Brook(std::move(args));
  }

  std::string topic_;
  std::string group_;
};

TEST_F(ResetOffsetsTest, WithoutExecuteItOnlyPrintsThePlan) {
  MakeIdleGroup(1, 10, 5);
  ProcessResult planned = Reset({"--topic", topic_, "--to-earliest"});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  const auto rows = Rows(planned.out);
  ASSERT_EQ(rows.size(), 2u) << planned.out;
  EXPECT_THAT(rows[0], ElementsAre("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"));
  EXPECT_THAT(rows[1], ElementsAre(group_, topic_, "0", "0"));
  EXPECT_THAT(planned.err, HasSubstr("Dry run: no offsets were changed"));
  EXPECT_EQ(CommittedOffset(group_, topic_, 0), "5");

  ProcessResult dry_run = Reset({"--topic", topic_, "--to-earliest", "--dry-run"});
  ASSERT_EQ(dry_run.exit_code, 0) << dry_run.err;
  EXPECT_EQ(dry_run.out, planned.out);
  EXPECT_EQ(dry_run.err, "");
  EXPECT_EQ(CommittedOffset(group_, topic_, 0), "5");
}

TEST_F(ResetOffsetsTest, ExecuteCommitsEachStrategyWithinTheLog) {
  MakeIdleGroup(1, 10, 5);
  struct Step {
    std::vector<std::string> strategy;
    std::string expected;
    std::string warning;  // part of the stderr warning when the offset is clamped
  };
  const std::vector<Step> steps = {
      {{"--to-offset", "3"}, "3", ""},
      {{"--shift-by", "4"}, "7", ""},
      {{"--shift-by=-2"}, "5", ""},
      {{"--shift-by", "100"},
       "10",
       "New offset (105) is higher than latest offset for topic partition " + topic_ +
           "-0. Value will be set to 10"},
      {{"--to-earliest"}, "0", ""},
      {{"--shift-by=-3"},
       "0",
       "New offset (-3) is lower than earliest offset for topic partition " + topic_ +
           "-0. Value will be set to 0"},
      {{"--to-latest"}, "10", ""},
      {{"--to-offset", "4"}, "4", ""},
      {{"--to-offset", "50"}, "10", "New offset (50) is higher than latest offset"},
  };
  for (const Step& step : steps) {
    std::vector<std::string> args = {"--topic", topic_, "--execute"};
    args.insert(args.end(), step.strategy.begin(), step.strategy.end());
    ProcessResult reset = Reset(args);
    ASSERT_EQ(reset.exit_code, 0) << step.strategy[0] << ": " << reset.err;
    EXPECT_THAT(Rows(reset.out), Contains(ElementsAre(group_, topic_, "0", step.expected)))
        << step.strategy[0];
    if (step.warning.empty()) {
      EXPECT_EQ(reset.err, "") << step.strategy[0];
    } else {
      EXPECT_THAT(reset.err, HasSubstr("brook: warning: " + step.warning)) << step.strategy[0];
    }
    EXPECT_EQ(CommittedOffset(group_, topic_, 0), step.expected) << step.strategy[0];
  }
}

TEST_F(ResetOffsetsTest, ToDatetimeFindsTheFirstRecordAtOrAfterTheTime) {
  const std::string topic = CreateTopic(1);
  group_ = Name("group");  // never joined: a plan for a group that does not exist yet is fine
  constexpr int64_t kNewYear2024 = 1704067200000;  // 2024-01-01T00:00:00Z
  ASSERT_TRUE(ProduceRecords(bootstrap_, topic, 0, 10, kNewYear2024, 60'000));  // one a minute
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"2024-01-01T00:05:00Z", "5"},     {"2024-01-01T00:05:00.000", "5"},  // no zone: UTC
      {"2024-01-01T00:02:30.5", "3"},    {"2024-01-01T01:03:00+01:00", "3"},
      {"2023-12-31T23:04:00-0100", "4"}, {"2023-06-01T00:00:00Z", "0"},
      {"2030-01-01T00:00:00Z", "10"},  // after every record: the log end
  };
  for (const auto& [time, expected] : cases) {
    ProcessResult planned = Reset({"--topic", topic, "--to-datetime", time});
    ASSERT_EQ(planned.exit_code, 0) << time << ": " << planned.err;
    EXPECT_THAT(Rows(planned.out), Contains(ElementsAre(group_, topic, "0", expected))) << time;
  }
}

TEST_F(ResetOffsetsTest, TopicPartitionListsAndAllTopicsChooseThePartitions) {
  MakeIdleGroup(3, 10, 10);
  ProcessResult some = Reset({"--topic", topic_ + ":0,2", "--to-offset", "4", "--execute"});
  ASSERT_EQ(some.exit_code, 0) << some.err;
  const auto rows = Rows(some.out);
  EXPECT_EQ(rows.size(), 3u) << some.out;
  EXPECT_THAT(rows, Contains(ElementsAre(group_, topic_, "0", "4")));
  EXPECT_THAT(rows, Contains(ElementsAre(group_, topic_, "2", "4")));
  EXPECT_EQ(CommittedOffset(group_, topic_, 0), "4");
  EXPECT_EQ(CommittedOffset(group_, topic_, 1), "10");
  EXPECT_EQ(CommittedOffset(group_, topic_, 2), "4");

  ProcessResult all = Reset({"--all-topics", "--to-earliest", "--execute"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(Rows(all.out).size(), 4u) << all.out;
  for (int p = 0; p < 3; ++p) EXPECT_EQ(CommittedOffset(group_, topic_, p), "0") << p;
}

TEST_F(ResetOffsetsTest, RefusesAGroupWithActiveMembers) {
  MakeIdleGroup(1, 10, 5);
  GroupConsumer member(bootstrap_, group_, topic_);
  ASSERT_TRUE(member.Consume(5));

  ProcessResult refused = Reset({"--topic", topic_, "--to-earliest", "--execute"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "brook: Assignments can only be reset if the group '" + group_ +
                             "' is inactive, but the current state is Stable.\n");
  EXPECT_THAT(refused.out, IsEmpty());
  EXPECT_EQ(CommittedOffset(group_, topic_, 0), "5");
}

TEST_F(ResetOffsetsTest, UnknownTopicsPartitionsAndMissingOffsetsAreErrors) {
  MakeIdleGroup(2, 3, 3);
  ProcessResult no_topic = Reset({"--topic", Name("missing"), "--to-earliest"});
  EXPECT_EQ(no_topic.exit_code, 1);
  EXPECT_EQ(no_topic.err, "brook: topic '" + Name("missing") + "' does not exist\n");

  ProcessResult no_partition = Reset({"--topic", topic_ + ":1,7", "--to-earliest"});
  EXPECT_EQ(no_partition.exit_code, 1);
  EXPECT_EQ(no_partition.err, "brook: topic '" + topic_ + "' has no partition 7 (it has 2)\n");

  group_ = Name("new-group");
  ProcessResult no_offset = Reset({"--topic", topic_, "--shift-by", "1"});
  EXPECT_EQ(no_offset.exit_code, 1);
  EXPECT_EQ(no_offset.err, "brook: cannot shift the offset of partition " + topic_ +
                               "-0: the group has no committed offset for it\n");
  ProcessResult nothing = Reset({"--all-topics", "--to-earliest"});
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_THAT(nothing.err, HasSubstr("has no committed offsets"));
}

}  // namespace
}  // namespace brook::tools
