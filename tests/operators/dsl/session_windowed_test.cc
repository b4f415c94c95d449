#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "statestore/api/windowed_serdes.h"
#include "tests/operators/dsl/dsl_test_util.h"

// Session-windowed aggregations through the TopologyTestDriver, as Kafka Streams'
// KStreamSessionWindowAggregateProcessorTest and SessionWindowedKStreamImplTest: records within
// the inactivity gap share a session, a record between two sessions merges them (the merged-away
// sessions are deleted), sessions close at stream time end + gap + grace, and
// suppress(untilWindowCloses) forwards each surviving session once. Each behavior runs on
// RocksDB and in-memory stores, with and without caching.
namespace brook::streams {
namespace {

using std::chrono::milliseconds;
using testing::DroppedRecords;
using testing::S;
using testing::StringConsumed;

using Rows = std::vector<std::pair<S, int64_t>>;

// The changelog's values, where a delete is a Kafka null.
class NullableInt64Serde final : public Serde<std::optional<int64_t>> {
 public:
  bool serialize(std::string_view, const std::optional<int64_t>&, std::string&) const override {
    return false;
  }
  std::optional<int64_t> deserialize(std::string_view topic,
                                     std::optional<std::string_view> bytes) const override {
    if (!bytes) return std::nullopt;
    return Serdes::Int64()->deserialize(topic, bytes);
  }
  std::string name() const override { return "NullableInt64"; }
};

StreamsConfig Config() {
  StreamsConfig config;
  config.set("application.id", "session-test");
  return config;
}

S Label(const Windowed<S>& key) {
  return key.key() + "@" + std::to_string(key.window().start()) + "-" +
         std::to_string(key.window().end());
}

template <typename V>
void ToRows(KTable<Windowed<S>, V> table, const S& topic, SerdePtr<V> value_serde) {
  table.toStream()
      .map([](const Windowed<S>& key, const V& value) { return KeyValue<S, V>{Label(key), value}; })
      .to(topic, Produced<S, V>::with(Serdes::String(), value_serde));
}

template <typename V>
std::vector<std::pair<S, V>> Read(TopologyTestDriver& driver, const S& topic,
                                  SerdePtr<V> value_serde) {
  auto out = driver.createOutputTopic(topic, Serdes::String(), value_serde);
  std::vector<std::pair<S, V>> rows;
  for (const auto& kv : out.readKeyValuesToList()) rows.emplace_back(kv.key, kv.value);
  return rows;
}
Rows Read(TopologyTestDriver& driver, const S& topic) {
  return Read<int64_t>(driver, topic, Serdes::Int64());
}

// The backend and whether the store caches.
class SessionWindowedTest : public ::testing::TestWithParam<std::tuple<StoreType, bool>> {
 protected:
  Materialized<S, int64_t, SessionBytesStore> Counts(const S& name = "sessions") const {
    auto m = Materialized<S, int64_t, SessionBytesStore>::as(name).withStoreType(
        std::get<0>(GetParam()));
    return std::get<1>(GetParam()) ? m.withCachingEnabled() : m.withCachingDisabled();
  }
  template <typename V>
  Materialized<S, V, SessionBytesStore> Values() const {
    auto m = Materialized<S, V, SessionBytesStore>::as(std::get<0>(GetParam()))
                 .withValueSerde(Serdes::String());
    return std::get<1>(GetParam()) ? m.withCachingEnabled() : m.withCachingDisabled();
  }
};

TEST_P(SessionWindowedTest, ARecordBetweenTwoSessionsMergesThemAndDeletesBoth) {
  StreamsBuilder builder;
  ToRows(builder.stream("in", StringConsumed())
             .groupByKey()
             .windowedBy(SessionWindows::ofInactivityGapAndGrace(milliseconds(10), milliseconds(30)))
             .count(Counts()),
         "out", Serdes::Int64());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("a", "v", 0);
  in.pipeInput("a", "v", 20);  // more than the gap after 0: a second session
  in.pipeInput("b", "v", 5);
  in.pipeInput("a", "v", 10);  // out of order, within the gap of both: one session [0,20]
  in.pipeInput("a", "v", 25);  // extends [0,20]
  in.pipeInput("a", "v", 15);  // inside [0,25]
  EXPECT_EQ(Read(driver, "out"), (Rows{{"a@0-0", 1},
                                       {"a@20-20", 1},
                                       {"b@5-5", 1},
                                       {"a@0-20", 3},
                                       {"a@0-25", 4},
                                       {"a@0-25", 5}}));

  // The store holds the merged session only; its changelog deleted the merged-away ones.
  auto* store = driver.getSessionStore<S, int64_t>("sessions");
  ASSERT_NE(store, nullptr);
  std::vector<std::pair<S, int64_t>> sessions;
  for (auto it = store->fetch(S("a")); it->hasNext();) {
    auto kv = it->next();
    sessions.emplace_back(Label(kv.key), kv.value);
  }
  EXPECT_EQ(sessions, (Rows{{"a@0-25", 5}}));
  auto changelog = driver.createOutputTopic<Windowed<S>, std::optional<int64_t>>(
      "session-test-sessions-changelog", WindowedSerdes::sessionWindowedSerdeFrom(Serdes::String()),
      std::make_shared<NullableInt64Serde>());
  std::vector<std::pair<S, std::optional<int64_t>>> logged;
  for (const auto& kv : changelog.readKeyValuesToList()) logged.emplace_back(Label(kv.key), kv.value);
  const std::vector<std::pair<S, std::optional<int64_t>>> expected =
      std::get<1>(GetParam())
          // The cache writes each session once per commit (the driver commits per record); a
          // session removed and put back between commits is one update.
          ? std::vector<std::pair<S, std::optional<int64_t>>>{{"a@0-0", 1},
                                                              {"a@20-20", 1},
                                                              {"b@5-5", 1},
                                                              {"a@0-0", std::nullopt},
                                                              {"a@20-20", std::nullopt},
                                                              {"a@0-20", 3},
                                                              {"a@0-20", std::nullopt},
                                                              {"a@0-25", 4},
                                                              {"a@0-25", 5}}
          : std::vector<std::pair<S, std::optional<int64_t>>>{{"a@0-0", 1},
                                                              {"a@20-20", 1},
                                                              {"b@5-5", 1},
                                                              {"a@0-0", std::nullopt},
                                                              {"a@20-20", std::nullopt},
                                                              {"a@0-20", 3},
                                                              {"a@0-20", std::nullopt},
                                                              {"a@0-25", 4},
                                                              {"a@0-25", std::nullopt},
                                                              {"a@0-25", 5}};
  EXPECT_EQ(logged, expected);
}

TEST_P(SessionWindowedTest, RecordsWhoseSessionEndsBeforeStreamTimeMinusGraceAreDropped) {
  StreamsBuilder builder;
  ToRows(builder.stream("in", StringConsumed())
             .groupByKey()
             .windowedBy(SessionWindows::ofInactivityGapAndGrace(milliseconds(10), milliseconds(5)))
             .count(Counts()),
         "out", Serdes::Int64());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("a", "v", 100);
  in.pipeInput("x", "v", 200);  // stream time 200: sessions ending before 195 are closed
  in.pipeInput("a", "v", 196);  // a new session, still open
  in.pipeInput("a", "v", 192);  // before 195, but it joins the open [196,196]: [192,196]
  in.pipeInput("a", "v", 180);  // a session [180,180] would be closed: dropped
  in.pipeInput("a", "v", 105);  // would join [100,100] into [100,105], closed: dropped
  in.pipeInput("a", "v", 194);  // joins [192,196]
  EXPECT_EQ(Read(driver, "out"), (Rows{{"a@100-100", 1},
                                       {"x@200-200", 1},
                                       {"a@196-196", 1},
                                       {"a@192-196", 2},
                                       {"a@192-196", 3}}));
  EXPECT_EQ(DroppedRecords(driver), 2);
  auto* store = driver.getSessionStore<S, int64_t>("sessions");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->fetchSession("a", 180, 180), std::nullopt);
  EXPECT_EQ(store->fetchSession("a", 100, 105), std::nullopt);
}

TEST_P(SessionWindowedTest, SuppressForwardsEachSurvivingSessionOnceStreamTimePassesEndGapGrace) {
  StreamsBuilder builder;
  ToRows(builder.stream("in", StringConsumed())
             .groupByKey()
             .windowedBy(SessionWindows::ofInactivityGapAndGrace(milliseconds(10), milliseconds(2)))
             .count(Counts())
             .suppress(Suppressed::untilWindowCloses()),
         "out", Serdes::Int64());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("a", "v", 0);
  in.pipeInput("a", "v", 5);  // [0,0] merges into [0,5]
  in.pipeInput("b", "v", 8);
  in.pipeInput("x", "v", 19);  // final: sessions ending before 19 - 10 - 2 = 7
  EXPECT_EQ(Read(driver, "out"), (Rows{{"a@0-5", 2}}));
  in.pipeInput("x", "v", 20);  // b's [8,8] is final once stream time passes 20
  EXPECT_TRUE(Read(driver, "out").empty());
  in.pipeInput("x", "v", 21);
  EXPECT_EQ(Read(driver, "out"), (Rows{{"b@8-8", 1}}));
  in.pipeInput("a", "v", 30);
  EXPECT_TRUE(Read(driver, "out").empty());
  in.pipeInput("a", "v", 35);  // [30,30] merges into [30,35], buffered in its place
  // [19,19] and [19,20] were merged away: never forwarded.
  EXPECT_EQ(Read(driver, "out"), (Rows{{"x@19-21", 3}}));
  in.pipeInput("a", "v", 24);  // out of order: [24,35]
  in.pipeInput("a", "v", 6);   // [0,5] was forwarded as final: the record is dropped
  in.pipeInput("x", "v", 47);  // stream time 47: [24,35] needs 48
  EXPECT_TRUE(Read(driver, "out").empty());
  in.pipeInput("x", "v", 48);
  EXPECT_EQ(Read(driver, "out"), (Rows{{"a@24-35", 3}}));
}

// The same input as the suppress test above gives the same output with emit-on-window-close:
// each session once, when the stream time passes end + gap + grace; merged-away sessions never.
// The store's cache is off whatever Materialized asks (as Kafka).
TEST_P(SessionWindowedTest, EmitOnWindowCloseForwardsEachSessionOnceWhenItCloses) {
  StreamsBuilder builder;
  ToRows(builder.stream("in", StringConsumed())
             .groupByKey()
             .windowedBy(SessionWindows::ofInactivityGapAndGrace(milliseconds(10), milliseconds(2)))
             .emitStrategy(EmitStrategy::onWindowClose())
             .count(Counts()),
         "out", Serdes::Int64());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("a", "v", 0);
  in.pipeInput("a", "v", 5);  // [0,0] merges into [0,5]: nothing forwarded
  in.pipeInput("b", "v", 8);
  EXPECT_TRUE(Read(driver, "out").empty());
  in.pipeInput("x", "v", 19);  // closed: sessions ending before 19 - 10 - 2 = 7
  EXPECT_EQ(Read(driver, "out"), (Rows{{"a@0-5", 2}}));
  in.pipeInput("x", "v", 20);
  EXPECT_TRUE(Read(driver, "out").empty());
  in.pipeInput("x", "v", 21);
  EXPECT_EQ(Read(driver, "out"), (Rows{{"b@8-8", 1}}));
  in.pipeInput("a", "v", 30);
  EXPECT_TRUE(Read(driver, "out").empty());
  in.pipeInput("a", "v", 35);  // stream time 35: x's [19,21] closes
  EXPECT_EQ(Read(driver, "out"), (Rows{{"x@19-21", 3}}));
  in.pipeInput("a", "v", 24);  // out of order: [24,35]
  in.pipeInput("a", "v", 6);   // [0,5] was forwarded as final: the record is dropped
  in.pipeInput("x", "v", 47);  // stream time 47: [24,35] needs 48
  EXPECT_TRUE(Read(driver, "out").empty());
  in.pipeInput("x", "v", 48);
  EXPECT_EQ(Read(driver, "out"), (Rows{{"a@24-35", 3}}));
  EXPECT_EQ(DroppedRecords(driver), 1);
}

TEST_P(SessionWindowedTest, AggregateMergesSessionsWithTheMergerInStoreOrder) {
  StreamsBuilder builder;
  auto grouped = builder.stream("in", StringConsumed()).groupByKey();
  // The grace keeps [0,0] in the store (retention gap + grace) when the record at 10 comes.
  const auto windows = SessionWindows::ofInactivityGapAndGrace(milliseconds(10), milliseconds(30));
  ToRows(grouped.windowedBy(windows).aggregate<S>(
             [] { return S("<"); },
             [](const S&, const S& value, const S& aggregate) { return aggregate + value; },
             [](const S&, const S& a, const S& b) { return a + "|" + b; }, Values<S>()),
         "aggregated", Serdes::String());
  ToRows(grouped.windowedBy(windows).reduce([](const S& a, const S& b) { return a + b; },
                                            Values<S>()),
         "reduced", Serdes::String());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("k", "x", 0);
  in.pipeInput("k", "z", 20);
  in.pipeInput("k", "y", 10);
  using StringRows = std::vector<std::pair<S, S>>;
  // merger("<", "<x") then merger(that, "<z"), then the aggregator adds "y".
  EXPECT_EQ(Read<S>(driver, "aggregated", Serdes::String()),
            (StringRows{{"k@0-0", "<x"}, {"k@20-20", "<z"}, {"k@0-20", "<|<x|<zy"}}));
  // Kafka's reduce merger: the earlier session's aggregate, then the later one's.
  EXPECT_EQ(Read<S>(driver, "reduced", Serdes::String()),
            (StringRows{{"k@0-0", "x"}, {"k@20-20", "z"}, {"k@0-20", "xzy"}}));
}

INSTANTIATE_TEST_SUITE_P(
    StoresAndCaching, SessionWindowedTest,
    ::testing::Combine(::testing::Values(StoreType::kRocksDB, StoreType::kInMemory),
                       ::testing::Bool()),
    [](const ::testing::TestParamInfo<std::tuple<StoreType, bool>>& info) {
      return std::string(std::get<0>(info.param) == StoreType::kRocksDB ? "RocksDB" : "InMemory") +
             (std::get<1>(info.param) ? "Cached" : "Uncached");
    });

TEST(SessionWindowedDescribeTest, NodesStoresAndChangelogAreNamedAsKafkas) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .groupByKey()
      .windowedBy(SessionWindows::ofInactivityGapWithNoGrace(milliseconds(10)))
      .count()
      .toStream()
      .to("out", Produced<Windowed<S>, int64_t>::with(
                     WindowedSerdes::sessionWindowedSerdeFrom(Serdes::String()), Serdes::Int64()));
  const Topology topology = builder.build();
  EXPECT_EQ(topology.describe().toString(),
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
  TopologyTestDriver driver(topology, Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  in.pipeInput("key", "v", 2500);
  in.pipeInput("key", "v", 2505);
  // The table's key serde writes Kafka's session-windowed layout (key, end, start).
  auto out = driver.createOutputTopic("out", WindowedSerdes::sessionWindowedSerdeFrom(Serdes::String()),
                                      Serdes::Int64());
  auto records = out.readKeyValuesToList();
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.back().key.key(), "key");
  EXPECT_EQ(records.back().key.window().start(), 2500);
  EXPECT_EQ(records.back().key.window().end(), 2505);
  EXPECT_EQ(records.back().value, 2);
  EXPECT_TRUE(driver.producedTopicNames().count(
      "session-test-KSTREAM-AGGREGATE-STATE-STORE-0000000001-changelog"));
}

TEST(SessionWindowedDescribeTest, BadWindowsAndShortRetentionAreTopologyErrors) {
  EXPECT_THROW(SessionWindows::ofInactivityGapWithNoGrace(milliseconds(0)), TopologyException);
  EXPECT_THROW(SessionWindows::ofInactivityGapAndGrace(milliseconds(10), milliseconds(-1)),
               TopologyException);
  StreamsBuilder builder;
  auto windowed = builder.stream("in", StringConsumed())
                      .groupByKey()
                      .windowedBy(SessionWindows::ofInactivityGapAndGrace(milliseconds(100),
                                                                          milliseconds(50)));
  EXPECT_THROW(windowed.count(Materialized<S, int64_t, SessionBytesStore>::as("c").withRetention(149)),
               TopologyException);
  EXPECT_NO_THROW(
      windowed.count(Materialized<S, int64_t, SessionBytesStore>::as("d").withRetention(150)));
}

}  // namespace
}  // namespace brook::streams
