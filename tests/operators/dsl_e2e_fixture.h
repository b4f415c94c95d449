#pragma once

// Shared by the DSL's end-to-end tests: KafkaStreams running a DSL topology against the
// in-process broker (one per suite), with a state directory per test.
#include <unistd.h>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "framework/api/kafka_streams.h"
#include "framework/client/admin.h"
#include "tests/framework/client/client_test_util.h"

namespace brook::streams {

using namespace std::chrono_literals;

class DslE2ETest : public framework::client::ClientTest {
 protected:
  void SetUp() override {
    state_dir_ = std::filesystem::temp_directory_path() /
                 ("brook-dsl-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(state_dir_);
  }
  void TearDown() override { std::filesystem::remove_all(state_dir_); }

  StreamsConfig Config(const std::string& app) const {
    StreamsConfig config;
    config.set("application.id", app)
        .set("bootstrap.servers", bootstrap_)
        .set("processing.guarantee", "at_least_once")
        .set("state.dir", state_dir_.string())
        .set("commit.interval.ms", "100")
        .set("consumer.session.timeout.ms", "6000")
        .set("consumer.heartbeat.interval.ms", "200")
        .set("producer.linger.ms", "1");
    return config;
  }

  // Sends `records` (timestamp 0: now) and waits for their delivery.
  static void Send(const std::string& topic,
                   const std::vector<std::pair<std::string, std::string>>& records,
                   int64_t timestamp = 0) {
    auto producer = MakeProducer();
    ASSERT_NE(producer, nullptr);
    for (const auto& [key, value] : records) {
      ASSERT_TRUE(producer->Send(Record(topic, -1, key, value, timestamp)).ok());
    }
    ASSERT_TRUE(producer->Flush(10s).ok());
    ASSERT_TRUE(producer->TakeDeliveryErrors().empty());
  }

  // Sends each (key, value) keyed to its partition; a value of nullopt is a tombstone.
  static void SendOptional(
      const std::string& topic,
      const std::vector<std::pair<std::string, std::optional<std::string>>>& records) {
    auto producer = MakeProducer();
    ASSERT_NE(producer, nullptr);
    for (const auto& [key, value] : records) {
      ASSERT_TRUE(producer->Send(Record(topic, -1, key, value)).ok());
    }
    ASSERT_TRUE(producer->Flush(10s).ok());
    ASSERT_TRUE(producer->TakeDeliveryErrors().empty());
  }

  static int32_t PartitionsOf(const std::string& topic) {
    auto admin = framework::client::Admin::Create(Bootstrap());
    EXPECT_TRUE(admin.ok()) << admin.status().ToString();
    if (!admin.ok()) return -1;
    auto counts = (*admin)->PartitionCounts({topic}, 10s);
    if (!counts.ok() || counts->count(topic) == 0) return -1;
    return counts->at(topic);
  }

  // The repartition topics of application `app` and their partition counts.
  static std::map<std::string, int32_t> RepartitionTopics(const std::string& app) {
    std::map<std::string, int32_t> result;
    auto admin = framework::client::Admin::Create(Bootstrap());
    EXPECT_TRUE(admin.ok()) << admin.status().ToString();
    if (!admin.ok()) return result;
    auto topics = (*admin)->ListTopics(10s);
    EXPECT_TRUE(topics.ok()) << topics.status().ToString();
    if (!topics.ok()) return result;
    for (const auto& topic : *topics) {
      if (topic.rfind(app + "-", 0) == 0 && topic.find("-repartition") != std::string::npos) {
        result[topic] = PartitionsOf(topic);
      }
    }
    return result;
  }

  std::filesystem::path state_dir_;
  static inline int counter_ = 0;
};

}  // namespace brook::streams
