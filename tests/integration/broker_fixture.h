#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "broker/app/embedded_broker.h"

namespace brook::testing {

// A fresh directory under /tmp, removed when the object goes.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/brook-test-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// One in-process broker per test suite, on an ephemeral loopback port. BROOK_TEST_BOOTSTRAP
// points the same tests at another Kafka-compatible broker instead.
class BrokerSuite : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    if (const char* external = std::getenv("BROOK_TEST_BOOTSTRAP")) {
      bootstrap_ = external;
      return;
    }
    dir_ = new TempDir();
    auto broker = broker::app::EmbeddedBroker::Start(dir_->path() + "/data");
    ASSERT_TRUE(broker.ok()) << broker.status().ToString();
    broker_ = broker->release();
    bootstrap_ = broker_->bootstrap();
  }
  static void TearDownTestSuite() {
    delete broker_;
    broker_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

 protected:
  // A topic name unique to the running test.
  static std::string TopicName(const std::string& suffix = "") {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name() + suffix;
    for (auto& c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
    }
    return name.substr(0, 200);
  }

  inline static std::string bootstrap_;
  inline static broker::app::EmbeddedBroker* broker_ = nullptr;
  inline static TempDir* dir_ = nullptr;
};

}  // namespace brook::testing
