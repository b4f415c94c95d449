// `brook produce` and `brook consume` against librdkafka's mock cluster.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/tools/cli_fixture.h"

namespace brook::tools {
namespace {

using ::testing::HasSubstr;

TEST_F(BrookCliTest, ProducedKeysAndHeadersComeBackInFieldOrder) {
  const std::string topic = CreateTopic(1);
  ProcessResult produced = Brook(
      {"produce", topic, "--key-separator", ":", "--headers", "h1=a,h2=b"}, "k1:v1\nk2:v:2\n");
  ASSERT_EQ(produced.exit_code, 0) << produced.err;

  ProcessResult consumed =
      Brook({"consume", topic, "--from-beginning", "--max-messages", "2", "--print-key",
             "--print-headers", "--print-offset", "--print-partition"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  EXPECT_EQ(consumed.out, "0\t0\tk1\th1=a,h2=b\tv1\n0\t1\tk2\th1=a,h2=b\tv:2\n");
}

TEST_F(BrookCliTest, WithoutSeparatorKeysAreNullAndOnlyValuesPrintByDefault) {
  const std::string topic = CreateTopic(1);
  ASSERT_EQ(Brook({"produce", topic}, "one\ntwo\n").exit_code, 0);

  EXPECT_EQ(Brook({"consume", topic, "--from-beginning", "--max-messages", "2"}).out, "one\ntwo\n");
  EXPECT_EQ(Brook({"consume", topic, "--from-beginning", "--max-messages", "1", "--print-key",
                   "--print-headers"})
                .out,
            "null\tNO_HEADERS\tone\n");
}

TEST_F(BrookCliTest, TimestampIsTheProduceTimeInMilliseconds) {
  const std::string topic = CreateTopic(1);
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  ASSERT_EQ(Brook({"produce", topic}, "v\n").exit_code, 0);
  ProcessResult consumed =
      Brook({"consume", topic, "--from-beginning", "--max-messages", "1", "--print-timestamp"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  const size_t tab = consumed.out.find('\t');
  ASSERT_NE(tab, std::string::npos) << consumed.out;
  const long long timestamp = std::stoll(consumed.out.substr(0, tab));
  EXPECT_GE(timestamp, now - 60'000);
  EXPECT_LE(timestamp, now + 60'000);
  EXPECT_EQ(consumed.out.substr(tab), "\tv\n");
}

TEST_F(BrookCliTest, PartitionFlagWritesAndReadsOnlyThatPartition) {
  const std::string topic = CreateTopic(3);
  ASSERT_EQ(Brook({"produce", topic, "--partition", "2"}, "a\nb\nc\n").exit_code, 0);

  EXPECT_EQ(Brook({"consume", topic, "--partition", "2", "--from-beginning", "--max-messages", "3",
                   "--print-partition"})
                .out,
            "2\ta\n2\tb\n2\tc\n");
  ProcessResult empty =
      Brook({"consume", topic, "--partition", "1", "--from-beginning", "--timeout-ms", "1000"});
  EXPECT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(empty.out, "");
  EXPECT_EQ(Brook({"consume", topic, "--partition", "2", "--offset", "1", "--max-messages", "2",
                   "--print-offset"})
                .out,
            "1\tb\n2\tc\n");
}

TEST_F(BrookCliTest, ConsumingAllPartitionsFromAnOffsetSkipsEarlierRecords) {
  const std::string topic = CreateTopic(2);
  ASSERT_EQ(Brook({"produce", topic, "--partition", "0"}, "p0-0\np0-1\n").exit_code, 0);
  ASSERT_EQ(Brook({"produce", topic, "--partition", "1"}, "p1-0\np1-1\n").exit_code, 0);
  ProcessResult consumed = Brook({"consume", topic, "--offset", "1", "--max-messages", "2"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  EXPECT_THAT(consumed.out, HasSubstr("p0-1\n"));
  EXPECT_THAT(consumed.out, HasSubstr("p1-1\n"));
  EXPECT_EQ(consumed.out.size(), std::string("p0-1\np1-1\n").size());
}

TEST_F(BrookCliTest, EveryCompressionCodecRoundTrips) {
  const std::string topic = CreateTopic(1);
  for (const char* codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
    ProcessResult produced =
        Brook({"produce", topic, "--compression", codec, "--acks", "1"}, std::string(codec) + "\n");
    ASSERT_EQ(produced.exit_code, 0) << codec << ": " << produced.err;
  }
  EXPECT_EQ(Brook({"consume", topic, "--from-beginning", "--max-messages", "5"}).out,
            "none\ngzip\nsnappy\nlz4\nzstd\n");
}

// The 2.0.2 mock holds a rejoin until the session of the member that left has expired, so both
// members use a short session timeout.
TEST_F(BrookCliTest, GroupMemberResumesFromCommittedOffsets) {
  const std::string topic = CreateTopic(1);
  ASSERT_EQ(Brook({"produce", topic}, "a\nb\n").exit_code, 0);
  ProcessResult first = Brook({"consume", topic, "--group", "g1", "--from-beginning",
                               "--max-messages", "2", "-X", "session.timeout.ms=6000"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, "a\nb\n");

  ASSERT_EQ(Brook({"produce", topic}, "c\n").exit_code, 0);
  ProcessResult second = Brook({"consume", topic, "--group", "g1", "--from-beginning",
                                "--max-messages", "1", "-X", "session.timeout.ms=6000"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, "c\n");
}

TEST_F(BrookCliTest, ReadCommittedConsumerReadsPlainRecords) {
  const std::string topic = CreateTopic(1);
  ASSERT_EQ(Brook({"produce", topic}, "x\n").exit_code, 0);
  EXPECT_EQ(Brook({"consume", topic, "--from-beginning", "--max-messages", "1", "--isolation-level",
                   "read_committed"})
                .out,
            "x\n");
}

TEST_F(BrookCliTest, RejectedDeliveryFailsWithExitOne) {
  const std::string topic = CreateTopic(1);
  // Produce is API key 0; a non-retriable error for the one request the CLI sends.
  rd_kafka_mock_push_request_errors(cluster_, 0, 1, RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE);
  ProcessResult produced = Brook({"produce", topic}, "v\n");
  EXPECT_EQ(produced.exit_code, 1);
  EXPECT_THAT(produced.err, HasSubstr("brook: 1 of 1 records were not delivered"));
}

TEST_F(BrookCliTest, LineWithoutKeySeparatorIsAnError) {
  const std::string topic = CreateTopic(1);
  ProcessResult produced = Brook({"produce", topic, "--key-separator", ":"}, "k:v\nnokey\n");
  EXPECT_EQ(produced.exit_code, 1);
  EXPECT_THAT(produced.err, HasSubstr("brook: line 2 has no key separator ':'"));
}

}  // namespace
}  // namespace brook::tools
