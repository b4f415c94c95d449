// How `brook` fails: unknown topics, unreachable brokers, bad flags.

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "tests/tools/cli_fixture.h"

namespace brook::tools {
namespace {

using ::testing::HasSubstr;

TEST_F(BrookCliTest, UnknownTopicIsReportedByConsumeProduceAndDescribe) {
  CreateTopic(1);
  for (const char* command : {"consume", "produce"}) {
    ProcessResult result = Brook({command, "missing"}, "v\n");
    EXPECT_EQ(result.exit_code, 1) << command;
    EXPECT_THAT(result.err, HasSubstr("brook: topic 'missing' does not exist")) << command;
  }
  ProcessResult described = Brook({"topics", "describe", "missing"});
  EXPECT_EQ(described.exit_code, 1);
  EXPECT_THAT(described.err, HasSubstr("brook: topic 'missing' does not exist"));
}

TEST_F(BrookCliTest, PartitionBeyondTheTopicIsAnError) {
  const std::string topic = CreateTopic(2);
  ProcessResult result = Brook({"consume", topic, "--partition", "5"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("has no partition 5"));
}

// A bound socket that never listens: connections to its port are refused.
class ClosedPort {
 public:
  ClosedPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    socklen_t size = sizeof(address);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
  }
  ~ClosedPort() { close(fd_); }
  std::string Address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

TEST_F(BrookCliTest, UnreachableBrokerIsReportedByEveryCommand) {
  ClosedPort port;
  const std::string expected = "brook: cannot reach broker at " + port.Address();
  const std::vector<std::vector<std::string>> commands = {{"topics", "list"},
                                                          {"topics", "describe"},
                                                          {"topics", "create", "t"},
                                                          {"produce", "t"},
                                                          {"consume", "t"},
                                                          {"groups", "list"},
                                                          {"groups", "describe", "g"},
                                                          {"groups", "delete", "g"}};
  for (std::vector<std::string> args : commands) {
    args.push_back("--bootstrap-server");
    args.push_back(port.Address());
    ProcessResult result = BrookRaw(args, "v\n");  // default timeouts; 30 s guards a hang
    EXPECT_FALSE(result.timed_out) << args[0];
    EXPECT_EQ(result.exit_code, 1) << args[0];
    EXPECT_THAT(result.err, HasSubstr(expected)) << args[0];
  }
}

TEST_F(BrookCliTest, BadFlagsExitWithTwoAndCliMessage) {
  const std::vector<std::vector<std::string>> bad = {
      {},
      {"topics"},
      {"consume"},
      {"consume", "t", "--isolation-level", "sometimes"},
      {"consume", "t", "--group", "g", "--partition", "0"},
      {"consume", "t", "--max-messages", "many"},
      {"produce", "t", "--compression", "brotli"},
      {"produce", "t", "--acks", "2"},
      {"produce", "t", "--headers", "novalue"},
      {"topics", "create", "t", "--partitions", "0"},
      {"topics", "create", "t", "--config", "retention.ms"},
      {"topics", "alter", "t"},
      {"groups"},
      {"groups", "describe"},
      {"groups", "delete"},
      {"groups", "reset-offsets", "--group", "g", "--topic", "t"},
      {"groups", "reset-offsets", "--group", "g", "--to-earliest"},
      {"groups", "reset-offsets", "--group", "g", "--topic", "t", "--to-earliest", "--to-latest"},
      {"groups", "reset-offsets", "--group", "g", "--all-topics", "--topic", "t", "--to-latest"},
      {"groups", "reset-offsets", "--group", "g", "--topic", "t:x", "--to-latest"},
      {"groups", "reset-offsets", "--group", "g", "--topic", "t", "--to-datetime", "today"},
      {"groups", "reset-offsets", "--group", "g", "--topic", "t", "--to-offset", "-1"},
      {"groups", "reset-offsets", "--group", "g", "--all-topics", "--to-latest", "--dry-run",
       "--execute"},
      {"groups", "reset-offsets", "--topic", "t", "--to-latest"},
      {"no-such-command"},
  };
  for (const auto& args : bad) {
    ProcessResult result = BrookRaw(args);
    EXPECT_EQ(result.exit_code, 2) << ::testing::PrintToString(args) << result.err;
    EXPECT_FALSE(result.err.empty()) << ::testing::PrintToString(args);
  }
}

TEST_F(BrookCliTest, HelpListsEverySubcommand) {
  ProcessResult help = BrookRaw({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"topics", "produce", "consume", "groups", "broker"}) {
    EXPECT_THAT(help.out, HasSubstr(command));
  }
  ProcessResult consume = BrookRaw({"consume", "--help"});
  EXPECT_EQ(consume.exit_code, 0);
  EXPECT_THAT(consume.out, HasSubstr("read_uncommitted"));
  EXPECT_THAT(consume.out, HasSubstr("--bootstrap-server"));
}

}  // namespace
}  // namespace brook::tools
