#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "broker/app/embedded_broker.h"
#include "tests/tools/cli_fixture.h"

namespace brook::tools {

// Runs the real `brook` binary against a real broker: an in-process brook-broker
// (EmbeddedBroker, fresh for every test, groups join without the initial rebalance delay), or
// the one BROOK_TEST_BOOTSTRAP=HOST:PORT names.
class BrookCliRealBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bootstrap = std::getenv("BROOK_TEST_BOOTSTRAP");
    if (bootstrap != nullptr && *bootstrap != '\0') {
      bootstrap_ = bootstrap;
      return;
    }
    char pattern[] = "/tmp/brook-cli-test-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    auto broker = broker::app::EmbeddedBroker::Start(
        dir_, {{"group.initial.rebalance.delay.ms", "0"}});
    ASSERT_TRUE(broker.ok()) << broker.status().ToString();
    broker_ = std::move(broker).value();
    bootstrap_ = broker_->bootstrap();
  }
  void TearDown() override {
    broker_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // `brook ARGS... --bootstrap-server <broker>`.
  ProcessResult Brook(std::vector<std::string> args) {
    args.push_back("--bootstrap-server");
    args.push_back(bootstrap_);
    return RunBrook(std::move(args));
  }

  std::unique_ptr<broker::app::EmbeddedBroker> broker_;
  std::string dir_;
  std::string bootstrap_;
};

}  // namespace brook::tools
