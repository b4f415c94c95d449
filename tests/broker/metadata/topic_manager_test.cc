#include "broker/metadata/topic_manager.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "broker/record/batch_builder.h"

namespace brook::broker::metadata {
namespace {

class TopicManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/topic_manager_test-XXXXXX";
    dir_ = ::mkdtemp(pattern);
  }
  void TearDown() override {
    manager_.reset();
    std::filesystem::remove_all(dir_);
  }
  TopicManager& Open(ConfigMap broker_set = {}) {
    manager_.reset();
    TopicManagerOptions options;
    options.log_dir = dir_;
    options.broker_set = broker_set;
    options.start_cleaner = false;
    auto opened = TopicManager::Open(options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    manager_ = std::move(opened).value();
    return *manager_;
  }
  void AppendOne(log::Log* log) {
    record::RecordBatchBuilder builder;
    builder.Add(1000, AsBytes("k"), AsBytes("v"));
    Bytes batch = *builder.Build();
    ASSERT_TRUE(log->Append(batch).ok());
  }

  std::string dir_;
  std::unique_ptr<TopicManager> manager_;
};

TEST_F(TopicManagerTest, TopicsSurviveARestartWithTheirIdsConfigsAndData) {
  Uuid id;
  {
    auto& topics = Open();
    auto created = topics.CreateTopic("orders", 3, {{"cleanup.policy", "compact"}});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    id = created->id;
    EXPECT_FALSE(id.is_zero());
    AppendOne(topics.GetLog("orders", 2));
    ASSERT_TRUE(topics.Close().ok());
  }
  auto& topics = Open();
  auto found = topics.Find("orders");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->partitions, 3);
  EXPECT_EQ(found->configs.at("cleanup.policy"), "compact");
  EXPECT_TRUE(topics.GetLog("orders", 0)->config().cleanup_compact);
  EXPECT_EQ(topics.GetLog("orders", 2)->log_end_offset(), Offset(1));
  EXPECT_EQ(topics.GetLog("orders", 3), nullptr);
  EXPECT_EQ(topics.FindById(id)->name, "orders");
  // Kafka's partition.metadata names the topic id.
  std::ifstream in(dir_ + "/orders-1/partition.metadata");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "version: 0\ntopic_id: " + id.ToString() + "\n");
}

TEST_F(TopicManagerTest, BadNamesPartitionCountsAndConfigsAreRefused) {
  auto& topics = Open();
  for (const char* bad : {"", ".", "..", "has space", "slash/y", "ü"}) {
    EXPECT_EQ(topics.CreateTopic(bad, 1, {}).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(topics.CreateTopic(std::string(250, 'a'), 1, {}).ok());
  EXPECT_TRUE(topics.CreateTopic(std::string(249, 'a'), 1, {}).ok());
  EXPECT_EQ(topics.CreateTopic("t", 0, {}).status().code(), StatusCode::kInvalidArgument);
  auto unknown = topics.CreateTopic("t", 1, {{"no.such.config", "1"}});
  EXPECT_NE(unknown.status().message().find("Unknown topic config name"), std::string::npos);
  EXPECT_FALSE(topics.CreateTopic("t", 1, {{"retention.ms", "soon"}}).ok());
  EXPECT_FALSE(topics.CreateTopic("t", 1, {{"cleanup.policy", "shred"}}).ok());
  EXPECT_FALSE(topics.Find("t").has_value());
  ASSERT_TRUE(topics.CreateTopic("t", 1, {}).ok());
  EXPECT_EQ(topics.CreateTopic("t", 1, {}).status().code(), StatusCode::kAlreadyExists);
}

TEST_F(TopicManagerTest, ValidateOnlyCreatesNothing) {
  auto& topics = Open();
  ASSERT_TRUE(topics.CreateTopic("dry", 4, {}, /*validate_only=*/true).ok());
  EXPECT_FALSE(topics.Find("dry").has_value());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/dry-0"));
}

TEST_F(TopicManagerTest, DeleteRemovesDataAndAnInterruptedDeleteFinishesOnOpen) {
  {
    auto& topics = Open();
    ASSERT_TRUE(topics.CreateTopic("gone", 2, {}).ok());
    ASSERT_TRUE(topics.DeleteTopic("gone").ok());
    EXPECT_FALSE(topics.Find("gone").has_value());
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/gone-0"));
    EXPECT_EQ(topics.DeleteTopic("gone").code(), StatusCode::kNotFound);
    ASSERT_TRUE(topics.Close().ok());
  }
  // A deletion that stopped after renaming the directory.
  std::filesystem::create_directories(dir_ + "/half-0.AAAAAAAAAAEAAAAAAAAAAg-delete");
  auto& topics = Open();
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/half-0.AAAAAAAAAAEAAAAAAAAAAg-delete"));
  EXPECT_TRUE(topics.Topics().empty());
}

TEST_F(TopicManagerTest, PartitionDirectoriesMissingFromTheRecordAreAdopted) {
  Uuid id;
  {
    auto& topics = Open();
    id = topics.CreateTopic("kept", 2, {})->id;
    AppendOne(topics.GetLog("kept", 1));
    ASSERT_TRUE(topics.Close().ok());
  }
  std::filesystem::remove(dir_ + "/brook-topics.json");
  auto& topics = Open();
  auto found = topics.Find("kept");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->partitions, 2);
  EXPECT_EQ(topics.GetLog("kept", 1)->log_end_offset(), Offset(1));
}

TEST_F(TopicManagerTest, PartitionsOnlyGrow) {
  auto& topics = Open();
  ASSERT_TRUE(topics.CreateTopic("grow", 2, {}).ok());
  EXPECT_EQ(topics.CreatePartitions("grow", 2).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(topics.CreatePartitions("nope", 5).code(), StatusCode::kNotFound);
  ASSERT_TRUE(topics.CreatePartitions("grow", 5, /*validate_only=*/true).ok());
  EXPECT_EQ(topics.Find("grow")->partitions, 2);
  ASSERT_TRUE(topics.CreatePartitions("grow", 5).ok());
  EXPECT_EQ(topics.Find("grow")->partitions, 5);
  EXPECT_NE(topics.GetLog("grow", 4), nullptr);
}

TEST_F(TopicManagerTest, AlteredConfigsReachTheLogsAndDescribeShowsTheirSource) {
  auto& topics = Open({{"retention.ms", "1000"}});
  ASSERT_TRUE(topics.CreateTopic("cfg", 1, {}).ok());
  ASSERT_TRUE(topics.SetTopicConfigs("cfg", {{"segment.bytes", "1048576"}}).ok());
  EXPECT_EQ(topics.GetLog("cfg", 0)->config().segment_bytes, 1048576);
  auto entries = topics.DescribeConfigs(*topics.Find("cfg"));
  auto entry = [&](const std::string& name) {
    for (const auto& e : entries) {
      if (e.name == name) return e;
    }
    ADD_FAILURE() << name;
    return ConfigEntry{};
  };
  EXPECT_EQ(entry("segment.bytes").value, "1048576");
  EXPECT_EQ(entry("segment.bytes").source, ConfigSource::kTopicConfig);
  EXPECT_EQ(entry("retention.ms").source, ConfigSource::kStaticBrokerConfig);
  EXPECT_EQ(entry("cleanup.policy").value, "delete");
  EXPECT_EQ(entry("cleanup.policy").source, ConfigSource::kDefaultConfig);
  EXPECT_EQ(entry("max.message.bytes").value, "1048588");
  EXPECT_FALSE(topics.SetTopicConfigs("cfg", {{"segment.bytes", "x"}}).ok());
}

}  // namespace
}  // namespace brook::broker::metadata

#include "broker/metadata/meta_properties.h"

namespace brook::broker::metadata {
namespace {

TEST_F(TopicManagerTest, ClusterIdIsGeneratedOnceAndKept) {
  auto first = LoadOrCreateClusterId(log::Env::Posix(), dir_, 1);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(Uuid::FromString(*first).has_value());
  auto again = LoadOrCreateClusterId(log::Env::Posix(), dir_, 1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  EXPECT_EQ(LoadOrCreateClusterId(log::Env::Posix(), dir_, 2).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace brook::broker::metadata
