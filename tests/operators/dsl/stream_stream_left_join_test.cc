#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"

// KStream-KStream left joins with Kafka 3.1+ semantics (unjoined records wait in the outer shared
// store until their window closes): Kafka's KStreamKStreamLeftJoinTest, same inputs and expected
// outputs, through the TopologyTestDriver (emit interval 0, as Kafka's driver).
namespace brook::streams {
namespace {

using std::chrono::milliseconds;
using Out = std::tuple<int32_t, std::string, int64_t>;
using Outs = std::vector<Out>;

// Kafka's MockValueJoiner.TOSTRING_JOINER.
std::string ToStringJoiner(const std::string& left, const std::optional<std::string>& right) {
  return left + "+" + right.value_or("null");
}

StreamsConfig Config() {
  StreamsConfig config;
  config.set("application.id", "left-join-test");
  return config;
}

// topic1 leftJoin topic2 into "out", as Kafka's tests build it.
struct LeftJoin {
  explicit LeftJoin(const JoinWindows& windows) {
    auto consumed = Consumed<int32_t, std::string>::with(Serdes::Int32(), Serdes::String());
    auto stream1 = builder.stream("topic1", consumed);
    auto stream2 = builder.stream("topic2", consumed);
    stream1
        .leftJoin(stream2, ToStringJoiner, windows,
                  StreamJoined<int32_t, std::string, std::string>::with(
                      Serdes::Int32(), Serdes::String(), Serdes::String()))
        .to("out", Produced<int32_t, std::string>::with(Serdes::Int32(), Serdes::String()));
  }
  StreamsBuilder builder;
};

struct Driver {
  explicit Driver(LeftJoin& join)
      : driver(join.builder.build(), Config()),
        input1(driver.createInputTopic("topic1", Serdes::Int32(), Serdes::String())),
        input2(driver.createInputTopic("topic2", Serdes::Int32(), Serdes::String())),
        out(driver.createOutputTopic("out", Serdes::Int32(), Serdes::String())) {}

  // Kafka's processor.checkAndClearProcessResult: what was forwarded since the last call.
  Outs Read() {
    Outs result;
    for (const auto& record : out.readRecordsToList()) {
      result.emplace_back(record.key, record.value, record.timestamp);
    }
    return result;
  }

  TopologyTestDriver driver;
  TestInputTopic<int32_t, std::string> input1;
  TestInputTopic<int32_t, std::string> input2;
  TestOutputTopic<int32_t, std::string> out;
};

TEST(StreamStreamLeftJoinTest, NonJoinedDuplicatesAreEmittedWhenTheWindowClosesJoinedOnesNot) {
  LeftJoin join(JoinWindows::ofTimeDifferenceAndGrace(milliseconds(100), milliseconds(10)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 0);
  d.input1.pipeInput(0, "A0-0", 0);
  d.input2.pipeInput(1, "a0", 111);
  d.input2.pipeInput(2, "dummy", 500);  // bumps stream time: the left-join results
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+null", 0}, {0, "A0-0+null", 0}}));

  d.input1.pipeInput(2, "A2", 1000);
  d.input1.pipeInput(2, "A2-0", 1000);
  d.input2.pipeInput(2, "a2", 1001);
  EXPECT_EQ(d.Read(), (Outs{{2, "A2+a2", 1001}, {2, "A2-0+a2", 1001}}));

  // Would expire A2 and A2-0, but they were joined.
  d.input2.pipeInput(3, "a3", 315);
  EXPECT_EQ(d.Read(), Outs{});
}

TEST(StreamStreamLeftJoinTest, ExpiredLeftRecordsAreEmittedByTheLeftProcessor) {
  LeftJoin join(JoinWindows::ofTimeDifferenceAndGrace(milliseconds(100), milliseconds(0)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 1);
  d.input1.pipeInput(1, "A1", 2);
  d.input1.pipeInput(0, "A0-0", 3);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(1, "a1", 3);
  EXPECT_EQ(d.Read(), (Outs{{1, "A1+a1", 3}}));
  d.input1.pipeInput(2, "dummy", 401);
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+null", 1}, {0, "A0-0+null", 3}}));
  d.input2.pipeInput(2, "dummy", 401);
  EXPECT_EQ(d.Read(), (Outs{{2, "dummy+dummy", 401}}));
}

TEST(StreamStreamLeftJoinTest, ExpiredLeftRecordsAreEmittedByTheRightProcessor) {
  LeftJoin join(JoinWindows::ofTimeDifferenceAndGrace(milliseconds(100), milliseconds(0)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 1);
  d.input1.pipeInput(1, "A1", 2);
  d.input1.pipeInput(0, "A0-0", 3);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(1, "a1", 3);
  EXPECT_EQ(d.Read(), (Outs{{1, "A1+a1", 3}}));
  d.input2.pipeInput(2, "dummy", 401);
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+null", 1}, {0, "A0-0+null", 3}}));
  d.input1.pipeInput(2, "dummy", 402);
  EXPECT_EQ(d.Read(), (Outs{{2, "dummy+dummy", 402}}));
}

TEST(StreamStreamLeftJoinTest, RightRecordsWithoutPartnerAreNeverEmittedByTheLeftProcessor) {
  LeftJoin join(JoinWindows::ofTimeDifferenceAndGrace(milliseconds(100), milliseconds(0)));
  Driver d(join);
  d.input2.pipeInput(0, "A0", 1);
  d.input2.pipeInput(1, "A1", 2);
  d.input2.pipeInput(0, "A0-0", 3);
  EXPECT_EQ(d.Read(), Outs{});
  d.input1.pipeInput(1, "a1", 3);
  EXPECT_EQ(d.Read(), (Outs{{1, "a1+A1", 3}}));
  d.input1.pipeInput(2, "dummy", 401);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(2, "dummy", 402);
  EXPECT_EQ(d.Read(), (Outs{{2, "dummy+dummy", 402}}));
}

TEST(StreamStreamLeftJoinTest, RightRecordsWithoutPartnerAreNeverEmittedByTheRightProcessor) {
  LeftJoin join(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(100)));
  Driver d(join);
  d.input2.pipeInput(0, "A0", 1);
  d.input2.pipeInput(1, "A1", 2);
  d.input2.pipeInput(0, "A0-0", 3);
  EXPECT_EQ(d.Read(), Outs{});
  d.input1.pipeInput(1, "a1", 3);
  EXPECT_EQ(d.Read(), (Outs{{1, "a1+A1", 3}}));
  d.input2.pipeInput(2, "dummy", 401);
  EXPECT_EQ(d.Read(), Outs{});
  d.input1.pipeInput(2, "dummy", 402);
  EXPECT_EQ(d.Read(), (Outs{{2, "dummy+dummy", 402}}));
}

TEST(StreamStreamLeftJoinTest, WithZeroAfterOnlyEarlierPartnersJoin) {
  LeftJoin join(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(100)).after(milliseconds(0)));
  Driver d(join);
  const std::vector<int32_t> keys = {0, 1, 2, 3};
  int64_t time = 1000;
  for (size_t i = 0; i < keys.size(); ++i) {
    d.input1.pipeInput(keys[i], "A" + std::to_string(keys[i]), time + static_cast<int64_t>(i));
  }
  // With after 0 each left record's window closes as soon as stream time passes it.
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+null", 1000}, {1, "A1+null", 1001}, {2, "A2+null", 1002}}));
  time = 999;
  for (int32_t key : keys) d.input2.pipeInput(key, "a" + std::to_string(key), time);
  EXPECT_EQ(d.Read(),
            (Outs{{0, "A0+a0", 1000}, {1, "A1+a1", 1001}, {2, "A2+a2", 1002}, {3, "A3+a3", 1003}}));
  time += 1;
  for (int32_t key : keys) d.input2.pipeInput(key, "b" + std::to_string(key), time);
  EXPECT_EQ(d.Read(),
            (Outs{{0, "A0+b0", 1000}, {1, "A1+b1", 1001}, {2, "A2+b2", 1002}, {3, "A3+b3", 1003}}));
  time += 1;
  for (int32_t key : keys) d.input2.pipeInput(key, "c" + std::to_string(key), time);
  EXPECT_EQ(d.Read(), (Outs{{1, "A1+c1", 1001}, {2, "A2+c2", 1002}, {3, "A3+c3", 1003}}));
  time += 1;
  for (int32_t key : keys) d.input2.pipeInput(key, "d" + std::to_string(key), time);
  EXPECT_EQ(d.Read(), (Outs{{2, "A2+d2", 1002}, {3, "A3+d3", 1003}}));
  time += 1;
  for (int32_t key : keys) d.input2.pipeInput(key, "e" + std::to_string(key), time);
  EXPECT_EQ(d.Read(), (Outs{{3, "A3+e3", 1003}}));
  time = 1100;
  for (int32_t key : keys) d.input2.pipeInput(key, "f" + std::to_string(key), time);
  EXPECT_EQ(d.Read(), Outs{});
}

TEST(StreamStreamLeftJoinTest, ClosedNonJoinedRecordsComeBeforeTheJoinThatClosedThem) {
  LeftJoin join(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(100)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 0);
  d.input1.pipeInput(1, "A1", 100);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(1, "a1", 110);
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+null", 0}, {1, "A1+a1", 110}}));
}

TEST(StreamStreamLeftJoinTest, NonJoinedRecordsWaitForTheGracePeriod) {
  LeftJoin join(JoinWindows::ofTimeDifferenceAndGrace(milliseconds(100), milliseconds(10)));
  Driver d(join);
  const std::vector<int32_t> keys = {0, 1, 2, 3};
  int64_t time = 0;
  for (int i = 0; i < 2; ++i) d.input1.pipeInput(keys[i], "A" + std::to_string(keys[i]), time);
  EXPECT_EQ(d.Read(), Outs{});
  // Past the window's end but within the grace: neither joined nor emitted yet.
  time += 101;
  for (int32_t key : keys) d.input2.pipeInput(key, "a" + std::to_string(key), time);
  EXPECT_EQ(d.Read(), Outs{});
  time += 1100;
  d.input2.pipeInput(0, "dummy", time);
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+null", 0}, {1, "A1+null", 0}}));
}

TEST(StreamStreamLeftJoinTest, AsymmetricWindowEmitsOnlyClosedNonJoinedRecords) {
  LeftJoin join(
      JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(100)).before(milliseconds(0)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 0);
  d.input1.pipeInput(1, "A1", 1);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(0, "a0", 100);
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+a0", 100}}));
  d.input2.pipeInput(1, "a1", 102);
  EXPECT_EQ(d.Read(), (Outs{{1, "A1+null", 1}}));
}

// Kafka's KStreamKStreamLeftJoinTest.testWindowing's first steps.
TEST(StreamStreamLeftJoinTest, PartnersWithinTheWindowJoinWithoutNullResults) {
  LeftJoin join(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(100)));
  Driver d(join);
  const std::vector<int32_t> keys = {0, 1, 2, 3};
  for (int i = 0; i < 2; ++i) d.input1.pipeInput(keys[i], "A" + std::to_string(keys[i]), 0);
  EXPECT_EQ(d.Read(), Outs{});
  for (int32_t key : keys) d.input2.pipeInput(key, "a" + std::to_string(key), 0);
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+a0", 0}, {1, "A1+a1", 0}}));
}

// The emit interval is wall-clock time: under KafkaStreams (1000 ms by default) a second scan of
// the outer store within the interval is skipped; the records wait for a later one.
TEST(StreamStreamLeftJoinTest, TheEmitIntervalThrottlesScansOnWallClockTime) {
  LeftJoin join(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(10)));
  StreamsConfig config = Config();
  config.set(StreamsConfig::kEmitIntervalMsOuterJoinSpuriousResultsFix, "1000");
  TopologyTestDriver driver(join.builder.build(), config);
  auto input1 = driver.createInputTopic("topic1", Serdes::Int32(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::Int32(), Serdes::String());
  // The first record scans (an empty store, as in Kafka) and starts the interval.
  input1.pipeInput(0, "A0", 0);
  input1.pipeInput(1, "A1", 100);  // A0's window closed, but the last scan was 0 ms ago
  input1.pipeInput(2, "A2", 200);
  EXPECT_TRUE(out.readValuesToList().empty());
  driver.advanceWallClockTime(milliseconds(1000));
  input1.pipeInput(3, "A3", 300);
  EXPECT_EQ(out.readValuesToList(), (std::vector<std::string>{"A0+null", "A1+null", "A2+null"}));
}

}  // namespace
}  // namespace brook::streams
