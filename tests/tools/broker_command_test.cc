// `brook broker ...` runs brook-broker from brook's own directory with the same arguments.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/tools/subprocess.h"

namespace brook::tools {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class BrokerCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("brook-cli-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(directory_);
    // A copy, not a link: brook finds brook-broker next to its resolved /proc/self/exe.
    fs::copy_file(BROOK_CLI_PATH, directory_ / "brook", fs::copy_options::overwrite_existing);
  }
  void TearDown() override { fs::remove_all(directory_); }

  ProcessResult Run(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {(directory_ / "brook").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProcess(argv, "", std::chrono::seconds(30));
  }

  fs::path directory_;
};

TEST_F(BrokerCommandTest, PassesEveryArgumentToBrookBroker) {
  const fs::path broker = directory_ / "brook-broker";
  std::ofstream(broker) << "#!/bin/sh\nprintf '%s|' \"$@\"\nexit 7\n";
  fs::permissions(broker, fs::perms::owner_all);
  ProcessResult result =
      Run({"broker", "server.properties", "--override", "log.dirs=/x", "--help"});
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_EQ(result.out, "server.properties|--override|log.dirs=/x|--help|");
}

TEST_F(BrokerCommandTest, MissingBrokerBinaryIsAClearError) {
  ProcessResult result = Run({"broker"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("brook: brook-broker not found at " +
                                    (directory_ / "brook-broker").string()));
}

}  // namespace
}  // namespace brook::tools
