#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "statestore/api/windowed_serdes.h"
#include "tests/operators/dsl/dsl_test_util.h"

// Sliding-window aggregations through the TopologyTestDriver, with the inputs and expected
// outputs of Kafka Streams' KStreamSlidingWindowAggregateTest: windows [t - difference, t]
// (both ends included) created where their content changes, out-of-order records updating
// earlier windows and creating right windows, early records (t < difference) sharing
// [0, difference], and records past the grace dropped. Each runs on RocksDB and in-memory
// stores, with and without caching.
namespace brook::streams {
namespace {

using std::chrono::milliseconds;
using testing::DroppedRecords;
using testing::S;
using testing::StringConsumed;

// Window start -> every (aggregate, timestamp) forwarded for it (Kafka's gatherOutput).
using Output = std::map<int64_t, std::set<std::pair<S, int64_t>>>;

StreamsConfig Config() {
  StreamsConfig config;
  config.set("application.id", "sliding-test");
  return config;
}

// MockInitializer.STRING_INIT and MockAggregator.TOSTRING_ADDER.
S Init() { return "0"; }
S Add(const S&, const S& value, const S& aggregate) { return aggregate + "+" + value; }

class SlidingWindowedTest : public ::testing::TestWithParam<std::tuple<StoreType, bool>> {
 protected:
  Materialized<S, S, WindowBytesStore> Store(const S& name) const {
    auto m = Materialized<S, S, WindowBytesStore>::as(name)
                 .withStoreType(std::get<0>(GetParam()))
                 .withValueSerde(Serdes::String());
    return std::get<1>(GetParam()) ? m.withCachingEnabled() : m.withCachingDisabled();
  }

  // Aggregates "in" into sliding windows and writes the table to "out".
  void Build(StreamsBuilder& builder, SlidingWindows windows) const {
    builder.stream("in", StringConsumed())
        .groupByKey()
        .windowedBy(windows)
        .aggregate<S>(Init, Add, Store("windows"))
        .toStream()
        .to("out", Produced<Windowed<S>, S>::with(WindowedSerdes::timeWindowedSerdeFrom(
                                                      Serdes::String(), windows.timeDifferenceMs()),
                                                  Serdes::String()));
  }

  static Output Gather(TopologyTestDriver& driver, int64_t difference) {
    auto out = driver.createOutputTopic(
        "out", WindowedSerdes::timeWindowedSerdeFrom(Serdes::String(), difference),
        Serdes::String());
    Output output;
    for (const auto& record : out.readRecordsToList()) {
      EXPECT_EQ(record.key.window().end(), record.key.window().start() + difference);
      output[record.key.window().start()].insert({record.value, record.timestamp});
    }
    return output;
  }
};

TEST_P(SlidingWindowedTest, OutOfOrderRecordsUpdateAndCreateWindowsAsKafkas) {
  StreamsBuilder builder;
  Build(builder, SlidingWindows::ofTimeDifferenceAndGrace(milliseconds(10), milliseconds(5)));
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("A", "1", 10);
  in.pipeInput("A", "2", 10);
  in.pipeInput("A", "3", 14);
  in.pipeInput("A", "4", 15);
  in.pipeInput("A", "5", 20);
  in.pipeInput("A", "6", 22);
  in.pipeInput("A", "7", 30);
  // Kafka's testAggregateSmallInput.
  EXPECT_EQ(Gather(driver, 10), (Output{{0, {{"0+1", 10}, {"0+1+2", 10}}},
                                        {4, {{"0+1+2+3", 14}}},
                                        {5, {{"0+1+2+3+4", 15}}},
                                        {10, {{"0+1+2+3+4+5", 20}}},
                                        {11, {{"0+3", 14}, {"0+3+4", 15}, {"0+3+4+5", 20}}},
                                        {12, {{"0+3+4+5+6", 22}}},
                                        {15, {{"0+4", 15}, {"0+4+5", 20}, {"0+4+5+6", 22}}},
                                        {16, {{"0+5", 20}, {"0+5+6", 22}}},
                                        {20, {{"0+5+6+7", 30}}},
                                        {21, {{"0+6", 22}, {"0+6+7", 30}}},
                                        {23, {{"0+7", 30}}}}));
}

TEST_P(SlidingWindowedTest, EarlyRecordsShareTheFirstWindow) {
  StreamsBuilder builder;
  Build(builder, SlidingWindows::ofTimeDifferenceWithNoGrace(milliseconds(50)));
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("A", "1", 0);
  in.pipeInput("A", "2", 5);
  in.pipeInput("A", "3", 6);
  in.pipeInput("A", "4", 3);
  in.pipeInput("A", "5", 13);
  in.pipeInput("A", "6", 10);
  in.pipeInput("A", "7", 70);
  // Kafka's testEarlyRecordsSmallInput.
  EXPECT_EQ(
      Gather(driver, 50),
      (Output{
          {0,
           {{"0+1", 0},
            {"0+1+2", 5},
            {"0+1+2+3", 6},
            {"0+1+2+3+4", 6},
            {"0+1+2+3+4+5", 13},
            {"0+1+2+3+4+5+6", 13}}},
          {1, {{"0+2", 5}, {"0+2+3", 6}, {"0+2+3+4", 6}, {"0+2+3+4+5", 13}, {"0+2+3+4+5+6", 13}}},
          {4, {{"0+2+3", 6}, {"0+2+3+5", 13}, {"0+2+3+5+6", 13}}},
          {6, {{"0+3", 6}, {"0+3+5", 13}, {"0+3+5+6", 13}}},
          {7, {{"0+5", 13}, {"0+5+6", 13}}},
          {11, {{"0+5", 13}}},
          {20, {{"0+7", 70}}}}));
}

TEST_P(SlidingWindowedTest, RecordsForWindowsPastTheGraceAreDropped) {
  StreamsBuilder builder;
  Build(builder, SlidingWindows::ofTimeDifferenceAndGrace(milliseconds(10), milliseconds(90)));
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("k", "100", 200);  // stream time 200: windows ending before 110 are closed
  for (int i = 0; i <= 5; ++i)
    in.pipeInput("k", std::to_string(i), 100 + i);  // left windows closed
  in.pipeInput("k", "6", 15);                       // even its right window would be closed
  in.pipeInput("k", "101", 300);
  in.pipeInput("k", "102", 400);
  // Kafka's shouldLogAndMeterWhenSkippingExpiredWindowByGrace.
  auto out = driver.createOutputTopic(
      "out", WindowedSerdes::timeWindowedSerdeFrom(Serdes::String(), 10), Serdes::String());
  std::vector<std::tuple<int64_t, S, int64_t>> records;
  for (const auto& r : out.readRecordsToList()) {
    records.emplace_back(r.key.window().start(), r.value, r.timestamp);
  }
  EXPECT_EQ(records, (std::vector<std::tuple<int64_t, S, int64_t>>{
                         {190, "0+100", 200}, {290, "0+101", 300}, {390, "0+102", 400}}));
  // Kafka's assertLatenessMetrics: 7 dropped (six closed left windows, one record whose right
  // window was closed too).
  EXPECT_EQ(DroppedRecords(driver), 7);
}

INSTANTIATE_TEST_SUITE_P(
    StoresAndCaching, SlidingWindowedTest,
    ::testing::Combine(::testing::Values(StoreType::kRocksDB, StoreType::kInMemory),
                       ::testing::Bool()),
    [](const ::testing::TestParamInfo<std::tuple<StoreType, bool>>& info) {
      return std::string(std::get<0>(info.param) == StoreType::kRocksDB ? "RocksDB" : "InMemory") +
             (std::get<1>(info.param) ? "Cached" : "Uncached");
    });

using Rows = std::vector<std::pair<S, int64_t>>;

Rows ReadCounts(TopologyTestDriver& driver) {
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::Int64());
  Rows rows;
  for (const auto& kv : out.readKeyValuesToList()) rows.emplace_back(kv.key, kv.value);
  return rows;
}

TEST(SlidingWindowedDslTest, CountAndReduceWithSuppressForwardEachWindowOnceItCloses) {
  StreamsBuilder builder;
  auto grouped = builder.stream("in", StringConsumed()).groupByKey();
  const auto windows = SlidingWindows::ofTimeDifferenceAndGrace(milliseconds(10), milliseconds(5));
  grouped.windowedBy(windows)
      .count()
      .suppress(Suppressed::untilWindowCloses())
      .toStream()
      .map([](const Windowed<S>& key, int64_t count) {
        return KeyValue<S, int64_t>{key.key() + "@" + std::to_string(key.window().start()), count};
      })
      .to("out", Produced<S, int64_t>::with(Serdes::String(), Serdes::Int64()));
  grouped.windowedBy(windows)
      .reduce([](const S& a, const S& b) { return a + b; })
      .toStream()
      .map([](const Windowed<S>& key, const S& value) {
        return KeyValue<S, S>{key.key() + "@" + std::to_string(key.window().start()), value};
      })
      .to("reduced", testing::StringProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("a", "x", 20);  // [10,20] = 1
  in.pipeInput("a", "y", 25);  // [15,25] = 2, the right window of 20: [21,31] = 1
  // Out of order, stream time 25: [10,20] = 2 (its end is not before 25 - 5), the right window
  // [13,23] = 1 (the record at 20); its left window [2,12] is closed already.
  in.pipeInput("a", "z", 12);
  EXPECT_TRUE(ReadCounts(driver).empty());
  in.pipeInput("b", "v", 35);  // final: windows ending before 30
  EXPECT_EQ(ReadCounts(driver), (Rows{{"a@10", 2}, {"a@13", 1}, {"a@15", 2}}));
  in.pipeInput("b", "v", 37);  // [21,31] is final once stream time passes 36
  EXPECT_EQ(ReadCounts(driver), (Rows{{"a@21", 1}}));

  auto reduced = driver.createOutputTopic("reduced", Serdes::String(), Serdes::String());
  std::map<S, S> last;
  for (const auto& kv : reduced.readKeyValuesToList()) last[kv.key] = kv.value;
  EXPECT_EQ(last, (std::map<S, S>{{"a@10", "xz"},
                                  {"a@13", "x"},
                                  {"a@15", "xy"},
                                  {"a@21", "y"},
                                  {"b@25", "v"},
                                  {"b@27", "vv"},
                                  {"b@36", "v"}}));
}

// The input of the suppress test above with emit-on-window-close instead: the same windows,
// each once, when the stream time passes its end + grace, on every backend (the cache is off
// whatever Materialized asks, as Kafka).
TEST_P(SlidingWindowedTest, EmitOnWindowCloseForwardsEachWindowOnceItCloses) {
  StreamsBuilder builder;
  auto materialized = Materialized<S, int64_t, WindowBytesStore>::as("counts").withStoreType(
      std::get<0>(GetParam()));
  builder.stream("in", StringConsumed())
      .groupByKey()
      .windowedBy(SlidingWindows::ofTimeDifferenceAndGrace(milliseconds(10), milliseconds(5)))
      .emitStrategy(EmitStrategy::onWindowClose())
      .count(std::get<1>(GetParam()) ? materialized.withCachingEnabled()
                                     : materialized.withCachingDisabled())
      .toStream()
      .map([](const Windowed<S>& key, int64_t count) {
        return KeyValue<S, int64_t>{key.key() + "@" + std::to_string(key.window().start()), count};
      })
      .to("out", Produced<S, int64_t>::with(Serdes::String(), Serdes::Int64()));
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("a", "x", 20);
  in.pipeInput("a", "y", 25);
  in.pipeInput("a", "z", 12);
  EXPECT_TRUE(ReadCounts(driver).empty());
  in.pipeInput("b", "v", 35);  // windows ending before 30 close
  EXPECT_EQ(ReadCounts(driver), (Rows{{"a@10", 2}, {"a@13", 1}, {"a@15", 2}}));
  in.pipeInput("b", "v", 36);
  EXPECT_TRUE(ReadCounts(driver).empty());
  in.pipeInput("b", "v", 37);  // [21,31] closes once stream time passes 36
  EXPECT_EQ(ReadCounts(driver), (Rows{{"a@21", 1}}));
  in.pipeInput("a", "w", 3);  // its windows closed long ago: dropped, nothing forwarded
  EXPECT_TRUE(ReadCounts(driver).empty());
  // Per closed window, as Kafka: the left window [2,12] of the record at 12, and the record at 3.
  EXPECT_EQ(DroppedRecords(driver), 2);
}

TEST(SlidingWindowedDslTest, NamesAndRetentionAsKafkas) {
  const auto windows =
      SlidingWindows::ofTimeDifferenceAndGrace(milliseconds(100), milliseconds(50));
  {
    StreamsBuilder builder;
    auto windowed = builder.stream("in", StringConsumed()).groupByKey().windowedBy(windows);
    // Retention must cover 2 * difference + grace.
    EXPECT_THROW(
        windowed.count(Materialized<S, int64_t, WindowBytesStore>::as("c").withRetention(249)),
        TopologyException);
    EXPECT_NO_THROW(
        windowed.count(Materialized<S, int64_t, WindowBytesStore>::as("d").withRetention(250)));
  }
  EXPECT_THROW(SlidingWindows::ofTimeDifferenceWithNoGrace(milliseconds(0)), TopologyException);
  EXPECT_THROW(SlidingWindows::ofTimeDifferenceAndGrace(milliseconds(1), milliseconds(-1)),
               TopologyException);
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .groupByKey()
      .windowedBy(windows)
      .count()
      .toStream()
      .to("out",
          Produced<Windowed<S>, int64_t>::with(
              WindowedSerdes::timeWindowedSerdeFrom(Serdes::String(), 100), Serdes::Int64()));
  EXPECT_EQ(builder.build().describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n"
            "      --> KSTREAM-AGGREGATE-0000000002\n"
            "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: "
            "[KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n"
            "      --> KTABLE-TOSTREAM-0000000003\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KTABLE-TOSTREAM-0000000003 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000004\n"
            "      <-- KSTREAM-AGGREGATE-0000000002\n"
            "    Sink: KSTREAM-SINK-0000000004 (topic: out)\n"
            "      <-- KTABLE-TOSTREAM-0000000003\n"
            "\n");
}

}  // namespace
}  // namespace brook::streams
