#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "statestore/api/windowed_serdes.h"
#include "tests/operators/dsl/dsl_test_util.h"

// Windowed aggregations and suppress(untilWindowCloses) through the TopologyTestDriver: windows
// close on stream time (the largest timestamp the task has seen) plus the grace period.
namespace brook::streams {
namespace {

using std::chrono::milliseconds;
using testing::DroppedRecords;
using testing::S;
using testing::StringConsumed;

StreamsConfig Config() {
  StreamsConfig config;
  config.set("application.id", "windowed-test");
  return config;
}

// "key@start" -> count, in output order.
std::vector<std::pair<S, int64_t>> Rows(TopologyTestDriver& driver, const S& topic) {
  auto out = driver.createOutputTopic(topic, Serdes::String(), Serdes::Int64());
  std::vector<std::pair<S, int64_t>> rows;
  for (const auto& kv : out.readKeyValuesToList()) rows.emplace_back(kv.key, kv.value);
  return rows;
}

void ToRows(KTable<Windowed<S>, int64_t> table, const S& topic) {
  table.toStream()
      .map([](const Windowed<S>& key, int64_t count) {
        return KeyValue<S, int64_t>{key.key() + "@" + std::to_string(key.window().start()),
                                    count};
      })
      .to(topic, Produced<S, int64_t>::with(Serdes::String(), Serdes::Int64()));
}

TEST(DslWindowedTest, TumblingCountDropsRecordsPastTheGrace) {
  StreamsBuilder builder;
  ToRows(builder.stream("in", StringConsumed())
             .groupByKey()
             .windowedBy(TimeWindows::ofSizeAndGrace(milliseconds(100), milliseconds(20)))
             // Kept 10 s (not only size + grace) so window 0 can be read at the end.
             .count(Materialized<S, int64_t, WindowBytesStore>::as("counts")
                        .withCachingDisabled()
                        .withRetention(10000)),
         "out");
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("k", "v", 10);   // window 0
  in.pipeInput("k", "v", 110);  // window 100; stream time 110 closes windows ending <= 90
  in.pipeInput("k", "v", 90);   // window 0 ends at 100 > 90: still open, out of order
  in.pipeInput("k", "v", 130);  // window 100; windows ending <= 110 are closed now
  in.pipeInput("k", "v", 121);  // window 100, out of order
  in.pipeInput("k", "v", 250);  // window 200; stream time 250 closes windows ending <= 230
  in.pipeInput("k", "v", 99);   // window 0 is closed: dropped
  in.pipeInput("k", "v", 199);  // window 100 ends at 200 <= 230: dropped
  EXPECT_EQ(Rows(driver, "out"), (std::vector<std::pair<S, int64_t>>{{"k@0", 1},
                                                                     {"k@100", 1},
                                                                     {"k@0", 2},
                                                                     {"k@100", 2},
                                                                     {"k@100", 3},
                                                                     {"k@200", 1}}));
  auto* store = driver.getTimestampedWindowStore<S, int64_t>("counts");
  ASSERT_NE(store, nullptr);
  auto window0 = store->fetch("k", 0);
  ASSERT_TRUE(window0.has_value());
  EXPECT_EQ(window0->value, 2);
  EXPECT_EQ(window0->timestamp, 90);  // the largest timestamp of its records
}

TEST(DslWindowedTest, HoppingWindowsCountARecordInEveryWindowThatHoldsIt) {
  StreamsBuilder builder;
  ToRows(builder.stream("in", StringConsumed())
             .groupByKey()
             .windowedBy(TimeWindows::ofSizeWithNoGrace(milliseconds(100)).advanceBy(milliseconds(50)))
             .count(Materialized<S, int64_t, WindowBytesStore>::with(Serdes::String(), Serdes::Int64())
                        .withCachingDisabled()),
         "out");
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("k", "v", 120);  // windows [50,150) and [100,200)
  EXPECT_EQ(Rows(driver, "out"),
            (std::vector<std::pair<S, int64_t>>{{"k@50", 1}, {"k@100", 1}}));
}

TEST(DslWindowedTest, SuppressForwardsOneFinalResultPerWindowOnceItCloses) {
  StreamsBuilder builder;
  ToRows(builder.stream("in", StringConsumed())
             .groupByKey()
             .windowedBy(TimeWindows::ofSizeAndGrace(milliseconds(100), milliseconds(50)))
             .count()
             .suppress(Suppressed::untilWindowCloses()),
         "out");
  StreamsConfig config = Config();
  config.set("default.key.serde", "string").set("default.value.serde", "string");
  TopologyTestDriver driver(builder.build(), config);
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("a", "v", 10);
  in.pipeInput("b", "v", 20);
  in.pipeInput("a", "v", 60);
  in.pipeInput("a", "v", 120);  // stream time 120: window 0 closes at 100 + 50
  EXPECT_TRUE(Rows(driver, "out").empty());
  in.pipeInput("a", "v", 140);  // still before 150
  EXPECT_TRUE(Rows(driver, "out").empty());
  in.pipeInput("b", "v", 150);  // closes window 0 of a and b
  EXPECT_EQ(Rows(driver, "out"),
            (std::vector<std::pair<S, int64_t>>{{"a@0", 2}, {"b@0", 1}}));
  EXPECT_EQ(DroppedRecords(driver), 0);
  in.pipeInput("a", "v", 40);  // late for the closed window 0: dropped, nothing forwarded
  EXPECT_EQ(DroppedRecords(driver), 1) << "counted in the task's dropped-records-total";
  in.pipeInput("a", "v", 260);  // closes window 100: a has 2 (120, 140), b has 1 (150)
  EXPECT_EQ(Rows(driver, "out"),
            (std::vector<std::pair<S, int64_t>>{{"a@100", 2}, {"b@100", 1}}));
  // The buffer logs each window it holds and deletes it when forwarded.
  EXPECT_TRUE(driver.producedTopicNames().count(
      "windowed-test-KTABLE-SUPPRESS-STATE-STORE-0000000004-changelog"));
}

TEST(DslWindowedTest, EmitOnWindowCloseForwardsEachWindowOnceWhenItCloses) {
  for (StoreType type : {StoreType::kRocksDB, StoreType::kInMemory}) {
    SCOPED_TRACE(type == StoreType::kRocksDB ? "RocksDB" : "in memory");
    StreamsBuilder builder;
    ToRows(builder.stream("in", StringConsumed())
               .groupByKey()
               .windowedBy(TimeWindows::ofSizeAndGrace(milliseconds(100), milliseconds(50)))
               .emitStrategy(EmitStrategy::onWindowClose())
               .count(Materialized<S, int64_t, WindowBytesStore>::as(type)),
           "out");
    TopologyTestDriver driver(builder.build(), Config());
    auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
    auto sorted = [&driver] {
      auto rows = Rows(driver, "out");
      std::sort(rows.begin(), rows.end());
      return rows;
    };
    in.pipeInput("a", "v", 10);
    in.pipeInput("b", "v", 20);
    in.pipeInput("a", "v", 60);
    in.pipeInput("a", "v", 120);
    in.pipeInput("a", "v", 140);  // close time 90: window 0 still open
    EXPECT_TRUE(sorted().empty());
    in.pipeInput("b", "v", 150);  // close time 100: window 0 closes for a and b
    EXPECT_EQ(sorted(), (std::vector<std::pair<S, int64_t>>{{"a@0", 2}, {"b@0", 1}}));
    in.pipeInput("a", "v", 40);  // late: dropped, nothing forwarded
    in.pipeInput("a", "v", 160);  // close time 110: nothing new closed
    EXPECT_TRUE(sorted().empty());
    in.pipeInput("a", "v", 260);  // close time 210: window 100 closes
    EXPECT_EQ(sorted(), (std::vector<std::pair<S, int64_t>>{{"a@100", 3}, {"b@100", 1}}));
    EXPECT_EQ(DroppedRecords(driver), 1);
  }
}

TEST(DslWindowedTest, WindowedKeysWriteKafkasTimeWindowedLayout) {
  const SerdePtr<Windowed<S>> windowed = std::make_shared<TimeWindowedSerde<S>>(Serdes::String(), 1000);
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .groupByKey()
      .windowedBy(TimeWindows::ofSizeWithNoGrace(milliseconds(1000)))
      .count(Materialized<S, int64_t, WindowBytesStore>::as("c").withCachingDisabled())
      .toStream()
      .to("out", Produced<Windowed<S>, int64_t>::with(windowed, Serdes::Int64()));
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("key", "v", 2500);
  auto out = driver.createOutputTopic("out", windowed, Serdes::Int64());
  auto kv = out.readKeyValue();
  EXPECT_EQ(kv.key.key(), "key");
  EXPECT_EQ(kv.key.window().start(), 2000);
  EXPECT_EQ(kv.key.window().end(), 3000);
  EXPECT_EQ(kv.value, 1);
}

TEST(DslWindowedTest, RetentionShorterThanSizePlusGraceIsATopologyError) {
  StreamsBuilder builder;
  auto grouped = builder.stream("in", StringConsumed()).groupByKey();
  EXPECT_THROW(grouped.windowedBy(TimeWindows::ofSizeAndGrace(milliseconds(100), milliseconds(50)))
                   .count(Materialized<S, int64_t, WindowBytesStore>::as("c").withRetention(120)),
               TopologyException);
  EXPECT_THROW(TimeWindows::ofSizeWithNoGrace(milliseconds(0)), TopologyException);
  EXPECT_THROW(TimeWindows::ofSizeWithNoGrace(milliseconds(10)).advanceBy(milliseconds(11)),
               TopologyException);
}

}  // namespace
}  // namespace brook::streams
