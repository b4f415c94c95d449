// Admin against the in-process broker: topics created with their partitions and configs,
// creating an existing topic, partition counts and the topic list.
#include "framework/client/admin.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/framework/client/client_test_util.h"

namespace brook::framework::client {
namespace {

class AdminTest : public ClientTest {
 protected:
  void SetUp() override {
    auto admin = Admin::Create(Bootstrap());
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_ = std::move(admin).value();
  }

  std::unique_ptr<Admin> admin_;
};

TEST_F(AdminTest, CreatedTopicsHaveTheirPartitionCounts) {
  const std::string changelog = TopicName("-changelog");
  const std::string repartition = TopicName("-repartition");
  Status created = admin_->CreateTopics(
      {{changelog, 3, -1, {{"cleanup.policy", "compact"}}}, {repartition, 1, 1, {}}}, 10s);
  ASSERT_TRUE(created.ok()) << created.ToString();

  auto counts = admin_->PartitionCounts({changelog, repartition, TopicName("-missing")}, 10s);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(*counts, (std::map<std::string, int32_t>{{changelog, 3}, {repartition, 1}}))
      << "a missing topic is absent";

  auto topics = admin_->ListTopics(10s);
  ASSERT_TRUE(topics.ok()) << topics.status().ToString();
  EXPECT_TRUE(std::is_sorted(topics->begin(), topics->end()));
  EXPECT_NE(std::find(topics->begin(), topics->end(), changelog), topics->end());
  EXPECT_NE(std::find(topics->begin(), topics->end(), repartition), topics->end());
}

TEST_F(AdminTest, CreatingAnExistingTopicSucceedsAndKeepsItsPartitions) {
  const std::string topic = TopicName();
  ASSERT_TRUE(admin_->CreateTopics({{topic, 2, -1, {}}}, 10s).ok());
  Status again = admin_->CreateTopics({{topic, 4, -1, {}}}, 10s);
  EXPECT_TRUE(again.ok()) << again.ToString();
  auto counts = admin_->PartitionCounts({topic}, 10s);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(*counts, (std::map<std::string, int32_t>{{topic, 2}}));
}

TEST_F(AdminTest, BrokerDefaultPartitionCountIsUsedForMinusOne) {
  const std::string topic = TopicName();
  Status created = admin_->CreateTopics({{topic, -1, -1, {}}}, 10s);
  ASSERT_TRUE(created.ok()) << created.ToString();
  auto counts = admin_->PartitionCounts({topic}, 10s);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(*counts, (std::map<std::string, int32_t>{{topic, 1}})) << "num.partitions=1";
}

TEST_F(AdminTest, BadTopicsFailNamingTheTopic) {
  const std::string topic = TopicName();
  Status zero = admin_->CreateTopics({{topic, 0, -1, {}}}, 10s);
  EXPECT_EQ(zero.code(), StatusCode::kInvalidArgument) << zero.ToString();
  EXPECT_NE(zero.message().find(topic), std::string::npos) << zero.ToString();

  Status bad_config =
      admin_->CreateTopics({{topic, 1, -1, {{"cleanup.policy", "sometimes"}}}}, 10s);
  EXPECT_FALSE(bad_config.ok());
  EXPECT_NE(bad_config.message().find(topic), std::string::npos) << bad_config.ToString();
  auto counts = admin_->PartitionCounts({topic}, 10s);
  ASSERT_TRUE(counts.ok());
  EXPECT_TRUE(counts->empty());
}

}  // namespace
}  // namespace brook::framework::client
