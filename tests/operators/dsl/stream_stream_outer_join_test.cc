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
#include "operators/processors/outer_join_store_format.h"

// KStream-KStream outer joins with Kafka 3.1+ semantics (unjoined records of either side wait in
// the outer shared store until their window closes): Kafka's KStreamKStreamOuterJoinTest, same
// inputs and expected outputs, through the TopologyTestDriver (emit interval 0, as Kafka's).
namespace brook::streams {
namespace {

using std::chrono::milliseconds;
using Out = std::tuple<int32_t, std::string, int64_t>;
using Outs = std::vector<Out>;

// Kafka's MockValueJoiner.TOSTRING_JOINER.
std::string ToStringJoiner(const std::optional<std::string>& left,
                           const std::optional<int64_t>& right) {
  return left.value_or("null") + "+" + (right ? std::to_string(*right) : "null");
}

// topic1 (String values) outerJoin topic2 (Long values) into "out", as Kafka's tests build it.
struct OuterJoin {
  explicit OuterJoin(const JoinWindows& windows) {
    auto stream1 = builder.stream(
        "topic1", Consumed<int32_t, std::string>::with(Serdes::Int32(), Serdes::String()));
    auto stream2 = builder.stream(
        "topic2", Consumed<int32_t, int64_t>::with(Serdes::Int32(), Serdes::Int64()));
    stream1
        .outerJoin(stream2, ToStringJoiner, windows,
                   StreamJoined<int32_t, std::string, int64_t>::with(
                       Serdes::Int32(), Serdes::String(), Serdes::Int64()))
        .to("out", Produced<int32_t, std::string>::with(Serdes::Int32(), Serdes::String()));
  }
  StreamsBuilder builder;
};

StreamsConfig Config() {
  StreamsConfig config;
  config.set("application.id", "outer-join-test");
  return config;
}

struct Driver {
  explicit Driver(OuterJoin& join)
      : driver(join.builder.build(), Config()),
        input1(driver.createInputTopic("topic1", Serdes::Int32(), Serdes::String())),
        input2(driver.createInputTopic("topic2", Serdes::Int32(), Serdes::Int64())),
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
  TestInputTopic<int32_t, int64_t> input2;
  TestOutputTopic<int32_t, std::string> out;
};

TEST(StreamStreamOuterJoinTest, NonJoinedDuplicatesOfBothSidesAreEmittedWhenTheWindowCloses) {
  OuterJoin join(JoinWindows::ofTimeDifferenceAndGrace(milliseconds(100), milliseconds(10)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 0);
  d.input1.pipeInput(0, "A0-0", 0);
  d.input2.pipeInput(1, 11, 0);
  d.input2.pipeInput(1, 12, 0);
  d.input2.pipeInput(1, 10, 111);
  d.input2.pipeInput(3, 100, 211);
  // At one timestamp right records come first (the store's key order, as Kafka's).
  EXPECT_EQ(d.Read(),
            (Outs{{1, "null+11", 0}, {1, "null+12", 0}, {0, "A0+null", 0}, {0, "A0-0+null", 0}}));
  d.input1.pipeInput(2, "A2", 200);
  d.input1.pipeInput(2, "A2-0", 200);
  d.input2.pipeInput(2, 13, 201);
  d.input2.pipeInput(2, 14, 201);
  EXPECT_EQ(d.Read(),
            (Outs{{2, "A2+13", 201}, {2, "A2-0+13", 201}, {2, "A2+14", 201}, {2, "A2-0+14", 201}}));
  d.input2.pipeInput(3, 100, 1500);
  EXPECT_EQ(d.Read(), (Outs{{1, "null+10", 111}, {3, "null+100", 211}}));
}

TEST(StreamStreamOuterJoinTest, ExpiredLeftRecordsAreEmittedByTheLeftProcessor) {
  OuterJoin join(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(100)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 1);
  d.input1.pipeInput(1, "A1", 2);
  d.input1.pipeInput(0, "A0-0", 3);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(1, 11, 3);
  EXPECT_EQ(d.Read(), (Outs{{1, "A1+11", 3}}));
  d.input1.pipeInput(2, "dummy", 401);
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+null", 1}, {0, "A0-0+null", 3}}));
  d.input2.pipeInput(2, 100, 401);
  EXPECT_EQ(d.Read(), (Outs{{2, "dummy+100", 401}}));
}

TEST(StreamStreamOuterJoinTest, ExpiredLeftRecordsAreEmittedByTheRightProcessor) {
  OuterJoin join(JoinWindows::ofTimeDifferenceAndGrace(milliseconds(100), milliseconds(0)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 1);
  d.input1.pipeInput(1, "A1", 2);
  d.input1.pipeInput(0, "A0-0", 3);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(1, 11, 3);
  EXPECT_EQ(d.Read(), (Outs{{1, "A1+11", 3}}));
  d.input2.pipeInput(2, 100, 401);
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+null", 1}, {0, "A0-0+null", 3}}));
  d.input1.pipeInput(2, "dummy", 402);
  EXPECT_EQ(d.Read(), (Outs{{2, "dummy+100", 402}}));
}

TEST(StreamStreamOuterJoinTest, ExpiredRightRecordsAreEmittedByTheLeftProcessor) {
  OuterJoin join(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(100)));
  Driver d(join);
  d.input2.pipeInput(0, 10, 1);
  d.input2.pipeInput(1, 11, 2);
  d.input2.pipeInput(0, 12, 3);
  EXPECT_EQ(d.Read(), Outs{});
  d.input1.pipeInput(1, "A1", 3);
  EXPECT_EQ(d.Read(), (Outs{{1, "A1+11", 3}}));
  d.input1.pipeInput(2, "dummy", 401);
  EXPECT_EQ(d.Read(), (Outs{{0, "null+10", 1}, {0, "null+12", 3}}));
  d.input2.pipeInput(2, 100, 402);
  EXPECT_EQ(d.Read(), (Outs{{2, "dummy+100", 402}}));
}

TEST(StreamStreamOuterJoinTest, ExpiredRightRecordsAreEmittedByTheRightProcessor) {
  OuterJoin join(JoinWindows::ofTimeDifferenceAndGrace(milliseconds(100), milliseconds(0)));
  Driver d(join);
  d.input2.pipeInput(0, 10, 1);
  d.input2.pipeInput(1, 11, 2);
  d.input2.pipeInput(0, 12, 3);
  EXPECT_EQ(d.Read(), Outs{});
  d.input1.pipeInput(1, "A1", 3);
  EXPECT_EQ(d.Read(), (Outs{{1, "A1+11", 3}}));
  d.input2.pipeInput(2, 100, 401);
  EXPECT_EQ(d.Read(), (Outs{{0, "null+10", 1}, {0, "null+12", 3}}));
  d.input1.pipeInput(2, "dummy", 402);
  EXPECT_EQ(d.Read(), (Outs{{2, "dummy+100", 402}}));
}

TEST(StreamStreamOuterJoinTest, ClosedNonJoinedRecordsComeBeforeTheJoinThatClosedThem) {
  OuterJoin join(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(100)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 0);
  d.input1.pipeInput(1, "A1", 100);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(1, 11, 110);
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+null", 0}, {1, "A1+11", 110}}));
}

TEST(StreamStreamOuterJoinTest, NonJoinedRecordsWaitForTheGracePeriod) {
  OuterJoin join(JoinWindows::ofTimeDifferenceAndGrace(milliseconds(100), milliseconds(10)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 0);
  d.input2.pipeInput(1, 11, 0);
  EXPECT_EQ(d.Read(), Outs{});
  d.input1.pipeInput(1, "A1", 101);
  d.input2.pipeInput(0, 10, 101);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(0, 100, 112);
  EXPECT_EQ(d.Read(), (Outs{{1, "null+11", 0}, {0, "A0+null", 0}}));
}

// Each side's records close with their own side of an asymmetric window: a right record after
// the windows' before (5), a left one after their after (20).
TEST(StreamStreamOuterJoinTest, AsymmetricWindowClosesEachSideOnItsOwnBound) {
  OuterJoin join(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(5)).after(milliseconds(20)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 29);
  EXPECT_EQ(d.Read(), Outs{});
  d.input1.pipeInput(1, "A1", 30);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(2, 12, 31);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(3, 13, 36);
  EXPECT_EQ(d.Read(), Outs{});
  d.input2.pipeInput(4, 14, 37);
  EXPECT_EQ(d.Read(), (Outs{{2, "null+12", 31}}));
  d.input2.pipeInput(5, 15, 50);
  EXPECT_EQ(d.Read(), (Outs{{0, "A0+null", 29}, {3, "null+13", 36}, {4, "null+14", 37}}));
}

// The outer store is logged like the window stores, under Kafka's name.
TEST(StreamStreamOuterJoinTest, TheOuterSharedStoreHasAChangelog) {
  OuterJoin join(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(100)));
  Driver d(join);
  d.input1.pipeInput(0, "A0", 1);
  EXPECT_TRUE(d.driver.producedTopicNames().count(
      "outer-join-test-KSTREAM-OUTERSHARED-0000000004-store-changelog"));
}

// Kafka's TimestampedKeyAndJoinSideSerializer and ListSerde(LeftOrRightValueSerializer) bytes.
TEST(StreamStreamOuterJoinTest, OuterStoreBytesAreKafkas) {
  using operators::processors::LeftOrRightValue;
  using operators::processors::LeftOrRightValueListSerde;
  using operators::processors::TimestampedKeyAndJoinSide;
  using operators::processors::TimestampedKeyAndJoinSideSerde;
  TimestampedKeyAndJoinSideSerde<int32_t> key_serde(Serdes::Int32());
  std::string key;
  key_serde.serialize("", TimestampedKeyAndJoinSide<int32_t>{7, 0x0102, true}, key);
  EXPECT_EQ(key, std::string("\0\0\0\0\0\0\x01\x02\x01\0\0\0\x07", 13));
  EXPECT_EQ(key_serde.deserialize("", key), (TimestampedKeyAndJoinSide<int32_t>{7, 0x0102, true}));

  LeftOrRightValueListSerde<std::string, int64_t> list_serde(Serdes::String(), Serdes::Int64());
  std::vector<LeftOrRightValue<std::string, int64_t>> list(2);
  list[0].left = "a";
  list[1].right = 5;
  std::string value;
  list_serde.serialize("", list, value);
  EXPECT_EQ(value, std::string("\x01\0\0\0\x02"
                               "\0\0\0\x02\x01"
                               "a"
                               "\0\0\0\x09\0\0\0\0\0\0\0\0\x05",
                               24));
  auto back = list_serde.deserialize("", value);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].left, std::optional<std::string>("a"));
  EXPECT_EQ(back[1].right, std::optional<int64_t>(5));
}

}  // namespace
}  // namespace brook::streams
