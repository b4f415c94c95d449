#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/tools/subprocess.h"

namespace brook::tools {

// `brook ARGS...` exactly as given, killed if it runs longer than 30 s.
inline ProcessResult RunBrook(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), BROOK_CLI_PATH);
  return RunProcess(args, input, std::chrono::seconds(30));
}

// Runs the real `brook` binary as a child process against librdkafka's mock cluster, which runs
// inside the test process (one broker, fresh for every test).
class BrookCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char error[256];
    rd_kafka_conf_set(conf, "log_level", "0", error, sizeof(error));
    handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
    ASSERT_NE(handle_, nullptr) << error;
    cluster_ = rd_kafka_mock_cluster_new(handle_, 1);
    ASSERT_NE(cluster_, nullptr);
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
  }

  void TearDown() override {
    if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
    if (handle_ != nullptr) rd_kafka_destroy(handle_);
  }

  // A topic of the mock cluster named after the running test.
  std::string CreateTopic(int partitions) {
    std::string topic = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    EXPECT_EQ(rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    return topic;
  }

  // `brook ARGS... --bootstrap-server <mock>` with `input` on stdin.
  ProcessResult Brook(std::vector<std::string> args, const std::string& input = "") {
    args.push_back("--bootstrap-server");
    args.push_back(bootstrap_);
    return BrookRaw(std::move(args), input);
  }

  // `brook ARGS...` exactly as given.
  static ProcessResult BrookRaw(std::vector<std::string> args, const std::string& input = "") {
    return RunBrook(std::move(args), input);
  }

  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_;
};

}  // namespace brook::tools
