#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"

// KStream-KTable and KStream-KStream joins through the TopologyTestDriver.
namespace brook::streams {
namespace {

using testing::DroppedRecords;
using testing::S;
using testing::StringConsumed;
using testing::StringProduced;
using OptS = std::optional<S>;

StreamsConfig Config() {
  StreamsConfig config;
  config.set("application.id", "join-test");
  return config;
}

struct StreamTableFixture {
  StreamsBuilder builder;
  KStream<S, S> orders = builder.stream("orders", StringConsumed());
  KTable<S, S> customers =
      builder.table("customers", StringConsumed(), Materialized<S, S>::as("customers-store"));
};

TEST(DslStreamTableJoinTest, InnerJoinReadsTheTableAsItIsWhenTheRecordArrives) {
  StreamTableFixture f;
  f.orders
      .join(f.customers, [](const S& order, const S& customer) { return order + "@" + customer; })
      .to("out", StringProduced());
  TopologyTestDriver driver(f.builder.build(), Config());
  auto orders = driver.createInputTopic("orders", Serdes::String(), Serdes::String());
  auto customers =
      driver.createInputTopic("customers", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());

  orders.pipeInput("c1", "o1", 10);              // no customer yet: dropped
  customers.pipeInput("c1", OptS("paris"), 20);  // a table update alone emits nothing
  orders.pipeInput("c1", "o2", 15);              // out of order: still the table's current value
  customers.pipeInput("c1", OptS("rome"), 30);
  orders.pipeInput("c1", "o3", 31);
  customers.pipeInput("c1", std::nullopt, 40);  // tombstone: the customer is gone
  orders.pipeInput("c1", "o4", 41);
  auto records = out.readRecordsToList();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].key, "c1");
  EXPECT_EQ(records[0].value, "o2@paris");
  EXPECT_EQ(records[0].timestamp, 15);  // the stream record's timestamp
  EXPECT_EQ(records[1].value, "o3@rome");
  EXPECT_EQ(records[1].timestamp, 31);
}

TEST(DslStreamTableJoinTest, LeftJoinGivesTheJoinerNulloptForAMissingKey) {
  StreamTableFixture f;
  f.orders
      .leftJoin(f.customers,
                [](const S& key, const S& order, const OptS& customer) {
                  return key + ":" + order + "@" + customer.value_or("unknown");
                })
      .to("out", StringProduced());
  TopologyTestDriver driver(f.builder.build(), Config());
  auto orders = driver.createInputTopic("orders", Serdes::String(), Serdes::String());
  auto customers =
      driver.createInputTopic("customers", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  orders.pipeInput("c1", "o1", 1);
  customers.pipeInput("c1", OptS("paris"), 2);
  orders.pipeInput("c1", "o2", 3);
  customers.pipeInput("c1", std::nullopt, 4);
  orders.pipeInput("c1", "o3", 5);
  EXPECT_EQ(out.readValuesToList(),
            (std::vector<S>{"c1:o1@unknown", "c1:o2@paris", "c1:o3@unknown"}));
}

TEST(DslStreamTableJoinTest, NullValuesAreDroppedAndNullKeysOnlyJoinInALeftJoin) {
  StreamsBuilder builder;
  auto opt = Serdes::Optional(Serdes::String());
  KStream<OptS, OptS> stream = builder.stream("s", Consumed<OptS, OptS>::with(opt, opt));
  KTable<OptS, S> table = builder.table("t", Consumed<OptS, S>::with(opt, Serdes::String()),
                                        Materialized<OptS, S>::as("t-store"));
  auto join = [](const OptS& v, const S& t) { return v.value_or("?") + "+" + t; };
  auto left = [](const OptS& v, const OptS& t) {
    return v.value_or("?") + "+" + t.value_or("none");
  };
  stream.join(table, join).to("inner", Produced<OptS, S>::with(opt, Serdes::String()));
  stream.leftJoin(table, left).to("left", Produced<OptS, S>::with(opt, Serdes::String()));
  TopologyTestDriver driver(builder.build(), Config());
  auto s = driver.createInputTopic("s", opt, opt);
  auto t = driver.createInputTopic("t", opt, opt);
  auto inner = driver.createOutputTopic("inner", opt, Serdes::String());
  auto left_out = driver.createOutputTopic("left", opt, Serdes::String());
  t.pipeInput(OptS("k"), OptS("T"), 1);
  s.pipeInput(OptS("k"), std::nullopt, 2);   // null value: dropped by both
  s.pipeInput(std::nullopt, OptS("v1"), 3);  // null key: only the left join emits
  s.pipeInput(OptS("k"), OptS("v2"), 4);
  EXPECT_EQ(inner.readKeyValuesToList(), (std::vector<KeyValue<OptS, S>>{{OptS("k"), "v2+T"}}));
  // The inner join drops the null value and the null key, the left join the null value.
  EXPECT_EQ(DroppedRecords(driver), 3);
  EXPECT_EQ(left_out.readKeyValuesToList(),
            (std::vector<KeyValue<OptS, S>>{{std::nullopt, "v1+none"}, {OptS("k"), "v2+T"}}));
}

TEST(DslStreamTableJoinTest, AKeyChangedStreamIsRepartitionedBeforeTheJoin) {
  StreamTableFixture f;
  f.orders.selectKey([](const S&, const S& order) { return order.substr(0, order.find('/')); })
      .join(
          f.customers, [](const S& order, const S& customer) { return order + "@" + customer; },
          Joined<S, S, S>::with(Serdes::String(), Serdes::String()))
      .to("out", StringProduced());
  const Topology topology = f.builder.build();
  const std::string text = topology.describe().toString();
  EXPECT_NE(text.find("KSTREAM-KEY-SELECT-0000000003-repartition"), std::string::npos) << text;
  EXPECT_NE(text.find("Processor: KSTREAM-JOIN-0000000007 (stores: [customers-store])"),
            std::string::npos)
      << text;
  TopologyTestDriver driver(topology, Config());
  auto orders = driver.createInputTopic("orders", Serdes::String(), Serdes::String());
  auto customers =
      driver.createInputTopic("customers", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  customers.pipeInput("c7", OptS("oslo"), 1);
  orders.pipeInput("ignored", "c7/book", 2);
  EXPECT_EQ(out.readKeyValuesToList(), (std::vector<KeyValue<S, S>>{{"c7", "c7/book@oslo"}}));
  EXPECT_TRUE(
      driver.producedTopicNames().count("join-test-KSTREAM-KEY-SELECT-0000000003-repartition"));
}

TEST(DslStreamTableJoinTest, JoinsAMappedTableThroughItsValueGetter) {
  StreamTableFixture f;
  f.orders
      .join(f.customers.mapValues([](const S& city) { return static_cast<int64_t>(city.size()); }),
            [](const S& order, const int64_t& length) {
              return order + "#" + std::to_string(length);
            })
      .to("out", StringProduced());
  TopologyTestDriver driver(f.builder.build(), Config());
  auto orders = driver.createInputTopic("orders", Serdes::String(), Serdes::String());
  auto customers =
      driver.createInputTopic("customers", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  customers.pipeInput("c1", OptS("paris"), 1);
  orders.pipeInput("c1", "o1", 2);
  EXPECT_EQ(out.readValuesToList(), (std::vector<S>{"o1#5"}));
}

// --- KStream-KStream windowed joins.

struct TwoStreams {
  StreamsBuilder builder;
  KStream<S, S> clicks = builder.stream("clicks", StringConsumed());
  KStream<S, S> views = builder.stream("views", StringConsumed());
};

struct StreamInputs {
  explicit StreamInputs(TopologyTestDriver& driver)
      : clicks(driver.createInputTopic("clicks", Serdes::String(), Serdes::String())),
        views(driver.createInputTopic("views", Serdes::String(), Serdes::String())),
        out(driver.createOutputTopic("out", Serdes::String(), Serdes::String())) {}
  TestInputTopic<S, S> clicks;
  TestInputTopic<S, S> views;
  TestOutputTopic<S, S> out;

  std::vector<std::pair<S, int64_t>> Read() {
    std::vector<std::pair<S, int64_t>> result;
    for (const auto& record : out.readRecordsToList()) {
      result.emplace_back(record.key + "=" + record.value, record.timestamp);
    }
    return result;
  }
};

using Results = std::vector<std::pair<S, int64_t>>;

TEST(DslStreamStreamJoinTest, InnerJoinPairsRecordsWithinTheWindowInEitherOrder) {
  TwoStreams t;
  t.clicks
      .join(
          t.views, [](const S& click, const S& view) { return click + "+" + view; },
          JoinWindows::ofTimeDifferenceWithNoGrace(std::chrono::milliseconds(10)))
      .to("out", StringProduced());
  TopologyTestDriver driver(t.builder.build(), Config());
  StreamInputs in(driver);
  in.clicks.pipeInput("k", "c1", 100);
  in.views.pipeInput("k", "v1", 105);   // within 10 of c1: joined, timestamp 105
  in.views.pipeInput("k", "v2", 111);   // 11 after c1: outside
  in.views.pipeInput("x", "v3", 106);   // another key
  in.clicks.pipeInput("k", "c2", 108);  // out of order, within 10 of v1 and v2
  in.views.pipeInput("k", "v1", 105);   // a duplicate is joined again (stores keep duplicates)
  EXPECT_EQ(in.Read(), (Results{{"k=c1+v1", 105},
                                {"k=c2+v1", 108},
                                {"k=c2+v2", 111},
                                {"k=c1+v1", 105},
                                {"k=c2+v1", 108}}));
}

TEST(DslStreamStreamJoinTest, BeforeAndAfterBoundTheWindowOnEachSide) {
  TwoStreams t;
  // A click joins the views from 0 ms before it to 5 ms after it; the grace admits the click
  // arriving after the views.
  t.clicks
      .join(
          t.views, [](const S& click, const S& view) { return click + "+" + view; },
          JoinWindows::ofTimeDifferenceAndGrace(std::chrono::milliseconds(5),
                                                std::chrono::milliseconds(10))
              .before(std::chrono::milliseconds(0)))
      .to("out", StringProduced());
  TopologyTestDriver driver(t.builder.build(), Config());
  StreamInputs in(driver);
  in.views.pipeInput("k", "v-early", 98);
  in.views.pipeInput("k", "v-same", 100);
  in.views.pipeInput("k", "v-late", 105);
  in.views.pipeInput("k", "v-too-late", 106);
  in.clicks.pipeInput("k", "c", 100);  // joins views in [100, 105]
  EXPECT_EQ(in.Read(), (Results{{"k=c+v-same", 100}, {"k=c+v-late", 105}}));
}

// Late records as in Kafka: nothing drops them in the join; each joins what the other side's
// window store still retains (retention = before + after + grace = 25 ms behind the latest time
// that store has seen).
TEST(DslStreamStreamJoinTest, LateRecordsJoinWhatTheOtherSidesStoreStillRetains) {
  TwoStreams t;
  t.clicks
      .join(
          t.views, [](const S& click, const S& view) { return click + "+" + view; },
          JoinWindows::ofTimeDifferenceAndGrace(std::chrono::milliseconds(10),
                                                std::chrono::milliseconds(5)))
      .to("out", StringProduced());
  TopologyTestDriver driver(t.builder.build(), Config());
  StreamInputs in(driver);
  in.clicks.pipeInput("k", "c1", 100);
  in.views.pipeInput("other", "v", 120);  // stream time 120
  in.views.pipeInput("k", "v1", 106);     // joins c1 (the clicks' store keeps times >= 76)
  in.views.pipeInput("other", "v", 200);  // stream time 200; the views' store keeps >= 176
  in.views.pipeInput("k", "v3", 178);     // no click in [168, 188]
  // 180 + 10 + 5 < 200: past the join's grace, but v3 is still in the views' store.
  in.clicks.pipeInput("k", "c3", 180);
  in.views.pipeInput("k", "v2", 105);   // older than the views' store keeps: not kept; the
                                        // clicks' store keeps >= 156: c1 is gone
  in.clicks.pipeInput("k", "c2", 104);  // finds nothing either (v1 is gone, v2 never kept)
  EXPECT_EQ(in.Read(), (Results{{"k=c1+v1", 106}, {"k=c3+v3", 180}}));
}

// A left join's late record that finds nothing is forwarded with nullopt at once, its window
// having closed on the join's stream time.
TEST(DslStreamStreamJoinTest, ALeftJoinsLateRecordWithoutPartnerIsForwardedAtOnce) {
  TwoStreams t;
  t.clicks
      .leftJoin(
          t.views,
          [](const S& click, const std::optional<S>& view) {
            return click + "+" + view.value_or("none");
          },
          JoinWindows::ofTimeDifferenceAndGrace(std::chrono::milliseconds(10),
                                                std::chrono::milliseconds(5)))
      .to("out", StringProduced());
  TopologyTestDriver driver(t.builder.build(), Config());
  StreamInputs in(driver);
  in.views.pipeInput("k", "v1", 195);
  in.clicks.pipeInput("k", "c1", 200);  // joins v1
  in.clicks.pipeInput("k", "c2", 150);  // late, nothing in [140, 160]: c2+none now
  EXPECT_EQ(in.Read(), (Results{{"k=c1+v1", 200}, {"k=c2+none", 150}}));
}

TEST(DslStreamStreamJoinTest, LeftJoinEmitsUnmatchedRecordsOnlyOnceTheirWindowClosed) {
  TwoStreams t;
  t.clicks
      .leftJoin(
          t.views,
          [](const S& click, const OptS& view) { return click + "+" + view.value_or("none"); },
          JoinWindows::ofTimeDifferenceWithNoGrace(std::chrono::milliseconds(10)))
      .to("out", StringProduced());
  TopologyTestDriver driver(t.builder.build(), Config());
  StreamInputs in(driver);
  in.clicks.pipeInput("k", "c1", 100);  // no view yet: held (Kafka 3.1+), not emitted
  in.views.pipeInput("k", "v1", 103);   // joins c1, which leaves the outer store
  in.clicks.pipeInput("x", "c3", 105);  // never joined
  in.views.pipeInput("k", "v2", 130);   // a view alone: nothing; c3's window closed: c3+none
  in.clicks.pipeInput("k", "c2", 131);  // joins v2
  EXPECT_EQ(in.Read(), (Results{{"k=c1+v1", 103}, {"x=c3+none", 105}, {"k=c2+v2", 131}}));
}

TEST(DslStreamStreamJoinTest, OuterJoinEmitsUnmatchedRecordsOfBothSidesOnceTheirWindowClosed) {
  TwoStreams t;
  t.clicks
      .outerJoin(
          t.views,
          [](const OptS& click, const OptS& view) {
            return click.value_or("none") + "+" + view.value_or("none");
          },
          JoinWindows::ofTimeDifferenceWithNoGrace(std::chrono::milliseconds(10)))
      .to("out", StringProduced());
  TopologyTestDriver driver(t.builder.build(), Config());
  StreamInputs in(driver);
  in.views.pipeInput("k", "v1", 100);
  in.clicks.pipeInput("k", "c1", 105);  // joins v1
  in.views.pipeInput("y", "v2", 150);   // never joined
  in.clicks.pipeInput("k", "c2", 200);  // v2's window closed: none+v2; c2 held
  in.views.pipeInput("z", "v3", 300);   // c2's window closed: c2+none
  EXPECT_EQ(in.Read(),
            (Results{{"k=c1+v1", 105}, {"y=none+v2", 150}, {"k=c2+none", 200}}));
}

// Kafka's TopologyTest.streamStreamJoinTopologyWithDefaultStoresNames.
TEST(DslStreamStreamJoinTest, DescribeIsKafkas) {
  StreamsBuilder builder;
  auto stream1 = builder.stream("input-topic1", StringConsumed());
  auto stream2 = builder.stream("input-topic2", StringConsumed());
  stream1.join(
      stream2, [](const S& a, const S& b) { return a + b; },
      JoinWindows::ofTimeDifferenceWithNoGrace(std::chrono::milliseconds(100)));
  EXPECT_EQ(
      builder.build().describe().toString(),
      "Topologies:\n"
      "   Sub-topology: 0\n"
      "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic1])\n"
      "      --> KSTREAM-WINDOWED-0000000002\n"
      "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic2])\n"
      "      --> KSTREAM-WINDOWED-0000000003\n"
      "    Processor: KSTREAM-WINDOWED-0000000002 (stores: [KSTREAM-JOINTHIS-0000000004-store])\n"
      "      --> KSTREAM-JOINTHIS-0000000004\n"
      "      <-- KSTREAM-SOURCE-0000000000\n"
      "    Processor: KSTREAM-WINDOWED-0000000003 (stores: [KSTREAM-JOINOTHER-0000000005-store])\n"
      "      --> KSTREAM-JOINOTHER-0000000005\n"
      "      <-- KSTREAM-SOURCE-0000000001\n"
      "    Processor: KSTREAM-JOINOTHER-0000000005 (stores: [KSTREAM-JOINTHIS-0000000004-store])\n"
      "      --> KSTREAM-MERGE-0000000006\n"
      "      <-- KSTREAM-WINDOWED-0000000003\n"
      "    Processor: KSTREAM-JOINTHIS-0000000004 (stores: [KSTREAM-JOINOTHER-0000000005-store])\n"
      "      --> KSTREAM-MERGE-0000000006\n"
      "      <-- KSTREAM-WINDOWED-0000000002\n"
      "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n"
      "      --> none\n"
      "      <-- KSTREAM-JOINTHIS-0000000004, KSTREAM-JOINOTHER-0000000005\n\n");
}

// Kafka's TopologyTest.streamStreamLeftJoinTopologyWithDefaultStoresNames: the outer shared store is on both join processors.
TEST(DslStreamStreamJoinTest, DescribeOfALeftJoinIsKafkas) {
  StreamsBuilder builder;
  auto stream1 = builder.stream("input-topic1", StringConsumed());
  auto stream2 = builder.stream("input-topic2", StringConsumed());
  stream1.leftJoin(
      stream2, [](const S& a, const OptS& b) { return a + b.value_or(""); },
      JoinWindows::ofTimeDifferenceWithNoGrace(std::chrono::milliseconds(100)));
  EXPECT_EQ(
      builder.build().describe().toString(),
      "Topologies:\n"
      "   Sub-topology: 0\n"
      "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic1])\n"
      "      --> KSTREAM-WINDOWED-0000000002\n"
      "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic2])\n"
      "      --> KSTREAM-WINDOWED-0000000003\n"
      "    Processor: KSTREAM-WINDOWED-0000000002 (stores: [KSTREAM-JOINTHIS-0000000004-store])\n"
      "      --> KSTREAM-JOINTHIS-0000000004\n"
      "      <-- KSTREAM-SOURCE-0000000000\n"
      "    Processor: KSTREAM-WINDOWED-0000000003 (stores: [KSTREAM-OUTEROTHER-0000000005-store])\n"
      "      --> KSTREAM-OUTEROTHER-0000000005\n"
      "      <-- KSTREAM-SOURCE-0000000001\n"
      "    Processor: KSTREAM-JOINTHIS-0000000004 (stores: [KSTREAM-OUTEROTHER-0000000005-store, KSTREAM-OUTERSHARED-0000000004-store])\n"
      "      --> KSTREAM-MERGE-0000000006\n"
      "      <-- KSTREAM-WINDOWED-0000000002\n"
      "    Processor: KSTREAM-OUTEROTHER-0000000005 (stores: [KSTREAM-JOINTHIS-0000000004-store, KSTREAM-OUTERSHARED-0000000004-store])\n"
      "      --> KSTREAM-MERGE-0000000006\n"
      "      <-- KSTREAM-WINDOWED-0000000003\n"
      "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n"
      "      --> none\n"
      "      <-- KSTREAM-JOINTHIS-0000000004, KSTREAM-OUTEROTHER-0000000005\n\n");
}

// Kafka's TopologyTest.streamStreamLeftJoinTopologyWithCustomStoresNames: the outer shared store is on both join processors.
TEST(DslStreamStreamJoinTest, DescribeOfALeftJoinWithAStoreNameIsKafkas) {
  StreamsBuilder builder;
  auto stream1 = builder.stream("input-topic1", StringConsumed());
  auto stream2 = builder.stream("input-topic2", StringConsumed());
  stream1.leftJoin(
      stream2, [](const S& a, const OptS& b) { return a + b.value_or(""); },
      JoinWindows::ofTimeDifferenceWithNoGrace(std::chrono::milliseconds(100)),
      StreamJoined<S, S, S>::as("custom-name"));
  EXPECT_EQ(
      builder.build().describe().toString(),
      "Topologies:\n"
      "   Sub-topology: 0\n"
      "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic1])\n"
      "      --> KSTREAM-WINDOWED-0000000002\n"
      "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic2])\n"
      "      --> KSTREAM-WINDOWED-0000000003\n"
      "    Processor: KSTREAM-WINDOWED-0000000002 (stores: [custom-name-this-join-store])\n"
      "      --> KSTREAM-JOINTHIS-0000000004\n"
      "      <-- KSTREAM-SOURCE-0000000000\n"
      "    Processor: KSTREAM-WINDOWED-0000000003 (stores: [custom-name-outer-other-join-store])\n"
      "      --> KSTREAM-OUTEROTHER-0000000005\n"
      "      <-- KSTREAM-SOURCE-0000000001\n"
      "    Processor: KSTREAM-JOINTHIS-0000000004 (stores: [custom-name-outer-other-join-store, custom-name-left-shared-join-store])\n"
      "      --> KSTREAM-MERGE-0000000006\n"
      "      <-- KSTREAM-WINDOWED-0000000002\n"
      "    Processor: KSTREAM-OUTEROTHER-0000000005 (stores: [custom-name-this-join-store, custom-name-left-shared-join-store])\n"
      "      --> KSTREAM-MERGE-0000000006\n"
      "      <-- KSTREAM-WINDOWED-0000000003\n"
      "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n"
      "      --> none\n"
      "      <-- KSTREAM-JOINTHIS-0000000004, KSTREAM-OUTEROTHER-0000000005\n\n");
}

// Kafka's TopologyTest.streamStreamOuterJoinTopologyWithDefaultStoresNames: the outer shared store is on both join processors.
TEST(DslStreamStreamJoinTest, DescribeOfAnOuterJoinIsKafkas) {
  StreamsBuilder builder;
  auto stream1 = builder.stream("input-topic1", StringConsumed());
  auto stream2 = builder.stream("input-topic2", StringConsumed());
  stream1.outerJoin(
      stream2, [](const OptS& a, const OptS& b) { return a.value_or("") + b.value_or(""); },
      JoinWindows::ofTimeDifferenceWithNoGrace(std::chrono::milliseconds(100)));
  EXPECT_EQ(
      builder.build().describe().toString(),
      "Topologies:\n"
      "   Sub-topology: 0\n"
      "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic1])\n"
      "      --> KSTREAM-WINDOWED-0000000002\n"
      "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic2])\n"
      "      --> KSTREAM-WINDOWED-0000000003\n"
      "    Processor: KSTREAM-WINDOWED-0000000002 (stores: [KSTREAM-OUTERTHIS-0000000004-store])\n"
      "      --> KSTREAM-OUTERTHIS-0000000004\n"
      "      <-- KSTREAM-SOURCE-0000000000\n"
      "    Processor: KSTREAM-WINDOWED-0000000003 (stores: [KSTREAM-OUTEROTHER-0000000005-store])\n"
      "      --> KSTREAM-OUTEROTHER-0000000005\n"
      "      <-- KSTREAM-SOURCE-0000000001\n"
      "    Processor: KSTREAM-OUTEROTHER-0000000005 (stores: [KSTREAM-OUTERTHIS-0000000004-store, KSTREAM-OUTERSHARED-0000000004-store])\n"
      "      --> KSTREAM-MERGE-0000000006\n"
      "      <-- KSTREAM-WINDOWED-0000000003\n"
      "    Processor: KSTREAM-OUTERTHIS-0000000004 (stores: [KSTREAM-OUTEROTHER-0000000005-store, KSTREAM-OUTERSHARED-0000000004-store])\n"
      "      --> KSTREAM-MERGE-0000000006\n"
      "      <-- KSTREAM-WINDOWED-0000000002\n"
      "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n"
      "      --> none\n"
      "      <-- KSTREAM-OUTERTHIS-0000000004, KSTREAM-OUTEROTHER-0000000005\n\n");
}

// Kafka's TopologyTest.streamStreamOuterJoinTopologyWithCustomStoresNames: the outer shared store is on both join processors.
TEST(DslStreamStreamJoinTest, DescribeOfAnOuterJoinWithAStoreNameIsKafkas) {
  StreamsBuilder builder;
  auto stream1 = builder.stream("input-topic1", StringConsumed());
  auto stream2 = builder.stream("input-topic2", StringConsumed());
  stream1.outerJoin(
      stream2, [](const OptS& a, const OptS& b) { return a.value_or("") + b.value_or(""); },
      JoinWindows::ofTimeDifferenceWithNoGrace(std::chrono::milliseconds(100)),
      StreamJoined<S, S, S>::as("custom-name"));
  EXPECT_EQ(
      builder.build().describe().toString(),
      "Topologies:\n"
      "   Sub-topology: 0\n"
      "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic1])\n"
      "      --> KSTREAM-WINDOWED-0000000002\n"
      "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic2])\n"
      "      --> KSTREAM-WINDOWED-0000000003\n"
      "    Processor: KSTREAM-WINDOWED-0000000002 (stores: [custom-name-outer-this-join-store])\n"
      "      --> KSTREAM-OUTERTHIS-0000000004\n"
      "      <-- KSTREAM-SOURCE-0000000000\n"
      "    Processor: KSTREAM-WINDOWED-0000000003 (stores: [custom-name-outer-other-join-store])\n"
      "      --> KSTREAM-OUTEROTHER-0000000005\n"
      "      <-- KSTREAM-SOURCE-0000000001\n"
      "    Processor: KSTREAM-OUTEROTHER-0000000005 (stores: [custom-name-outer-this-join-store, custom-name-outer-shared-join-store])\n"
      "      --> KSTREAM-MERGE-0000000006\n"
      "      <-- KSTREAM-WINDOWED-0000000003\n"
      "    Processor: KSTREAM-OUTERTHIS-0000000004 (stores: [custom-name-outer-other-join-store, custom-name-outer-shared-join-store])\n"
      "      --> KSTREAM-MERGE-0000000006\n"
      "      <-- KSTREAM-WINDOWED-0000000002\n"
      "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n"
      "      --> none\n"
      "      <-- KSTREAM-OUTERTHIS-0000000004, KSTREAM-OUTEROTHER-0000000005\n\n");
}

TEST(DslStreamStreamJoinTest, JoinWindowsRejectNegativeIntervals) {
  using std::chrono::milliseconds;
  EXPECT_THROW(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(-1)), TopologyException);
  EXPECT_THROW(JoinWindows::ofTimeDifferenceAndGrace(milliseconds(1), milliseconds(-1)),
               TopologyException);
  EXPECT_THROW(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(5)).before(milliseconds(-6)),
               TopologyException);
  EXPECT_EQ(JoinWindows::ofTimeDifferenceWithNoGrace(milliseconds(5)).after(milliseconds(2)).size(),
            7);
}

}  // namespace
}  // namespace brook::streams
