// `brook topics`: metadata parts against the mock cluster; the admin requests (create, alter,
// delete, configs) against a real broker named by BROOK_TEST_BOOTSTRAP, since librdkafka
// 2.0.2's mock cluster does not implement them.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/tools/cli_fixture.h"
#include "tests/tools/real_broker_fixture.h"

namespace brook::tools {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(BrookCliTest, ListPrintsTopicNamesSorted) {
  rd_kafka_mock_topic_create(cluster_, "b-topic", 1, 1);
  rd_kafka_mock_topic_create(cluster_, "a-topic", 2, 1);
  ProcessResult listed = Brook({"topics", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out, "a-topic\nb-topic\n");
}

TEST_F(BrookCliTest, DescribeShowsPartitionsLeaderReplicasAndIsr) {
  const std::string topic = CreateTopic(2);
  ProcessResult described = Brook({"topics", "describe", topic, "--request-timeout-ms", "1000"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  // The mock names no controller, so DescribeConfigs times out: configs are left out.
  EXPECT_THAT(described.err, HasSubstr("brook: configs of '" + topic + "' unavailable"));
  EXPECT_THAT(described.out,
              HasSubstr("Topic: " + topic + "\tPartitionCount: 2\tReplicationFactor: 1"));
  EXPECT_THAT(described.out,
              HasSubstr("\tTopic: " + topic + "\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\n"));
  EXPECT_THAT(described.out, HasSubstr("\tPartition: 1\t"));
}

TEST_F(BrookCliTest, CreateAgainstBrokerWithoutAdminApisFailsCleanly) {
  // The mock has no CreateTopics: the CLI must say so and exit 1, not hang or crash.
  ProcessResult created = Brook({"topics", "create", "new-topic", "--request-timeout-ms", "1000"});
  EXPECT_EQ(created.exit_code, 1);
  EXPECT_THAT(created.err, HasSubstr("brook: request failed: "));
}

TEST_F(BrookCliRealBrokerTest, TopicLifecycleCreateDescribeAlterDelete) {
  const std::string topic =
      "brook-cli-test-" +
      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  ProcessResult created = Brook({"topics", "create", topic, "--partitions", "2",
                                 "--replication-factor", "1", "--config", "retention.ms=60000"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out, "Created topic " + topic + ".\n");
  ProcessResult again = Brook({"topics", "create", topic});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("brook: topic '" + topic + "' already exists"));

  EXPECT_THAT(Brook({"topics", "list"}).out, HasSubstr(topic + "\n"));
  ProcessResult described = Brook({"topics", "describe", topic});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_THAT(described.out, HasSubstr("PartitionCount: 2"));
  EXPECT_THAT(described.out, HasSubstr("retention.ms=60000"));

  ProcessResult altered = Brook({"topics", "alter", topic, "--partitions", "3", "--config",
                                 "cleanup.policy=compact", "--delete-config", "retention.ms"});
  ASSERT_EQ(altered.exit_code, 0) << altered.err;
  described = Brook({"topics", "describe", topic});
  EXPECT_THAT(described.out, HasSubstr("PartitionCount: 3"));
  EXPECT_THAT(described.out, HasSubstr("cleanup.policy=compact"));
  EXPECT_THAT(described.out, Not(HasSubstr("retention.ms=60000")));

  ProcessResult deleted = Brook({"topics", "delete", topic});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  ProcessResult gone = Brook({"topics", "delete", topic});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_THAT(gone.err, HasSubstr("brook: topic '" + topic + "' does not exist"));
}

}  // namespace
}  // namespace brook::tools
