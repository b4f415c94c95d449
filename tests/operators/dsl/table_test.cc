#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"

// StreamsBuilder::table and KTable-KTable joins through the TopologyTestDriver (which commits,
// so caches flush, after every piped record).
namespace brook::streams {
namespace {

using testing::S;
using testing::StringConsumed;
using testing::StringProduced;
using OptS = std::optional<S>;

StreamsConfig Config() {
  StreamsConfig config;
  config.set("application.id", "table-test");
  return config;
}

// A table change as a test reads it: key, new value, old value, timestamp.
struct SeenChange {
  S key;
  OptS new_value;
  OptS old_value;
  int64_t timestamp;
  bool operator==(const SeenChange&) const = default;
};
std::ostream& operator<<(std::ostream& os, const SeenChange& c) {
  return os << c.key << ":" << c.new_value.value_or("<null>") << "/"
            << c.old_value.value_or("<null>") << "@" << c.timestamp;
}

// Records every change `table` forwards, deletes included (KTable::toStream drops them).
void Capture(const KTable<S, S>& table, std::shared_ptr<std::vector<SeenChange>> seen) {
  class Recorder final : public ContextualProcessor<S, Change<S>, Void, Void> {
   public:
    explicit Recorder(std::shared_ptr<std::vector<SeenChange>> seen) : seen_(std::move(seen)) {}
    void process(const Record<S, Change<S>>& record) override {
      seen_->push_back(
          {record.key(), record.value().newValue, record.value().oldValue, record.timestamp()});
    }

   private:
    std::shared_ptr<std::vector<SeenChange>> seen_;
  };
  table.builder()->AddNode(std::make_shared<detail::ProcessorFactory<S, Change<S>, Void, Void>>(
      "capture-" + table.name(), std::vector<std::string>{table.name()},
      ProcessorSupplier<S, Change<S>, Void, Void>(
          [seen] { return std::make_unique<Recorder>(seen); })));
}

TEST(DslTableTest, TableKeepsEachKeysLatestValueAndATombstoneDeletesIt) {
  StreamsBuilder builder;
  auto seen = std::make_shared<std::vector<SeenChange>>();
  KTable<S, S> table =
      builder.table("users", StringConsumed(), Materialized<S, S>::as("users-store"));
  table.toStream().to("users-out", StringProduced());
  Capture(table, seen);
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("users", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto out = driver.createOutputTopic("users-out", Serdes::String(), Serdes::String());
  in.pipeInput("alice", OptS("paris"), 10);
  in.pipeInput("bob", OptS(""), 20);       // an empty value is a value, not a delete
  in.pipeInput("alice", OptS("rome"), 5);  // out of order: still the latest update
  in.pipeInput("alice", std::nullopt, 30);
  in.pipeInput("carol", std::nullopt, 40);  // deleting an absent key: the cache forwards nothing

  EXPECT_EQ(out.readKeyValuesToList(),
            (std::vector<KeyValue<S, S>>{{"alice", "paris"}, {"bob", ""}, {"alice", "rome"}}));
  auto* store = driver.getTimestampedKeyValueStore<S, S>("users-store");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get("alice"), std::nullopt);
  EXPECT_EQ(store->get("bob"), (ValueAndTimestamp<S>{"", 20}));
  EXPECT_EQ(*seen, (std::vector<SeenChange>{{"alice", "paris", std::nullopt, 10},
                                            {"bob", "", std::nullopt, 20},
                                            {"alice", "rome", std::nullopt, 5},
                                            {"alice", std::nullopt, std::nullopt, 30}}));
  // The store has its own changelog (Kafka's layout without the source-topic optimization).
  EXPECT_TRUE(driver.producedTopicNames().count("table-test-users-store-changelog"));
}

TEST(DslTableTest, RecordsWithANullKeyAreDropped) {
  StreamsBuilder builder;
  builder
      .table("t", Consumed<OptS, S>::with(Serdes::Optional(Serdes::String()), Serdes::String()),
             Materialized<OptS, S>::as("t-store"))
      .toStream()
      .to("t-out", Produced<OptS, S>::with(Serdes::Optional(Serdes::String()), Serdes::String()));
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("t", Serdes::Optional(Serdes::String()),
                                    Serdes::Optional(Serdes::String()));
  auto out =
      driver.createOutputTopic("t-out", Serdes::Optional(Serdes::String()), Serdes::String());
  in.pipeInput(std::nullopt, OptS("lost"), 1);
  in.pipeInput(OptS("k"), OptS("kept"), 2);
  EXPECT_EQ(out.readKeyValuesToList(), (std::vector<KeyValue<OptS, S>>{{OptS("k"), "kept"}}));
}

TEST(DslTableTest, ToStreamWithDeletesWritesATombstoneForEachDelete) {
  StreamsBuilder builder;
  builder.table("users", StringConsumed(), Materialized<S, S>::as("users-store"))
      .toStreamWithDeletes()
      .to("users-out");  // Serdes from the config: String, wrapped as Optional for the value.
  StreamsConfig config = Config();
  config.set("default.key.serde", "string");
  config.set("default.value.serde", "string");
  TopologyTestDriver driver(builder.build(), config);
  auto in = driver.createInputTopic("users", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto out =
      driver.createOutputTopic("users-out", Serdes::String(), Serdes::Optional(Serdes::String()));
  in.pipeInput("alice", OptS("paris"), 10);
  in.pipeInput("bob", OptS(""), 20);  // an empty value is a value, not a delete
  in.pipeInput("alice", std::nullopt, 30);
  in.pipeInput("carol", std::nullopt, 40);  // deleting an absent key: the cache forwards nothing

  std::vector<TestRecord<S, OptS>> records = out.readRecordsToList();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].key, "alice");
  EXPECT_EQ(records[0].value, OptS("paris"));
  EXPECT_EQ(records[1].key, "bob");
  EXPECT_EQ(records[1].value, OptS(""));
  EXPECT_EQ(records[2].key, "alice");
  EXPECT_EQ(records[2].value, std::nullopt);  // a Kafka tombstone on the topic
  EXPECT_EQ(records[2].timestamp, 30);
}

TEST(DslTableTest, AFilteredTablesStreamWithDeletesReadsBackAsTheFilteredTable) {
  StreamsBuilder builder;
  builder.table("t", StringConsumed(), Materialized<S, S>::as("t-store"))
      .filter([](const S&, const S& value) { return value != "hidden"; },
              Named::as("visible"))
      .toStreamWithDeletes(Named::as("visible-changes"))
      .to("t-out", Produced<S, OptS>::with(Serdes::String(), Serdes::Optional(Serdes::String())));
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("t", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto out = driver.createOutputTopic("t-out", Serdes::String(), Serdes::Optional(Serdes::String()));
  std::map<S, S> expected;  // the filtered table, computed directly
  const std::vector<std::pair<S, OptS>> input = {
      {"a", "shown"}, {"b", "shown"},    {"a", "hidden"}, {"c", "hidden"},
      {"b", std::nullopt}, {"c", "shown"}, {"a", "back"}, {"d", "shown"}};
  int64_t ts = 0;
  for (const auto& [key, value] : input) {
    in.pipeInput(key, value, ++ts);
    if (value && *value != "hidden") {
      expected[key] = *value;
    } else {
      expected.erase(key);
    }
  }
  // Replaying the output topic as a table (a tombstone deletes the key) gives the same rows.
  std::map<S, S> replayed;
  for (const auto& kv : out.readKeyValuesToList()) {
    if (kv.value) {
      replayed[kv.key] = *kv.value;
    } else {
      replayed.erase(kv.key);
    }
  }
  EXPECT_EQ(replayed, expected);
  EXPECT_EQ(replayed, (std::map<S, S>{{"a", "back"}, {"c", "shown"}, {"d", "shown"}}));
}

TEST(DslTableTest, DescribeIsKafkas) {
  StreamsBuilder builder;
  builder.table("topic", StringConsumed(), Materialized<S, S>::as("store"))
      .toStream()
      .to("out", StringProduced());
  EXPECT_EQ(builder.build().describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n"
            "      --> KTABLE-SOURCE-0000000001\n"
            "    Processor: KTABLE-SOURCE-0000000001 (stores: [store])\n"
            "      --> KTABLE-TOSTREAM-0000000002\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KTABLE-TOSTREAM-0000000002 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000003\n"
            "      <-- KTABLE-SOURCE-0000000001\n"
            "    Sink: KSTREAM-SINK-0000000003 (topic: out)\n"
            "      <-- KTABLE-TOSTREAM-0000000002\n\n");
}

TEST(DslTableTest, AnUnnamedTableGetsKafkasGeneratedStoreName) {
  StreamsBuilder builder;
  builder.table("topic", StringConsumed()).toStream().to("out", StringProduced());
  const std::string text = builder.build().describe().toString();
  EXPECT_NE(text.find("Source: KSTREAM-SOURCE-0000000001 (topics: [topic])"), std::string::npos)
      << text;
  EXPECT_NE(
      text.find("Processor: KTABLE-SOURCE-0000000002 (stores: [topic-STATE-STORE-0000000000])"),
      std::string::npos)
      << text;
}

// --- KTable-KTable joins.

struct TwoTables {
  StreamsBuilder builder;
  KTable<S, S> left = builder.table("left", StringConsumed(), Materialized<S, S>::as("left-store"));
  KTable<S, S> right =
      builder.table("right", StringConsumed(), Materialized<S, S>::as("right-store"));
};

struct Inputs {
  explicit Inputs(TopologyTestDriver& driver)
      : left(driver.createInputTopic("left", Serdes::String(), Serdes::Optional(Serdes::String()))),
        right(driver.createInputTopic("right", Serdes::String(),
                                      Serdes::Optional(Serdes::String()))) {}
  TestInputTopic<S, OptS> left;
  TestInputTopic<S, OptS> right;
};

TEST(DslTableJoinTest, InnerJoinEmitsForKeysOfBothTablesAndDeletesWhenEitherSideGoes) {
  TwoTables t;
  auto seen = std::make_shared<std::vector<SeenChange>>();
  Capture(t.left.join(t.right, [](const S& l, const S& r) { return l + "+" + r; }), seen);
  TopologyTestDriver driver(t.builder.build(), Config());
  Inputs in(driver);
  in.left.pipeInput("a", OptS("L1"), 10);     // no right side yet: nothing
  in.right.pipeInput("a", OptS("R1"), 5);     // joined, timestamp max(10, 5)
  in.left.pipeInput("a", OptS("L2"), 20);     // update
  in.right.pipeInput("b", OptS("R9"), 21);    // no left side: nothing
  in.right.pipeInput("a", std::nullopt, 30);  // right deleted: a tombstone
  in.left.pipeInput("a", std::nullopt, 40);   // nothing left to delete, the right is gone
  EXPECT_EQ(*seen, (std::vector<SeenChange>{{"a", "L1+R1", std::nullopt, 10},
                                            {"a", "L2+R1", std::nullopt, 20},
                                            {"a", std::nullopt, std::nullopt, 30}}));
}

TEST(DslTableJoinTest, LeftJoinKeepsEveryLeftKey) {
  TwoTables t;
  auto seen = std::make_shared<std::vector<SeenChange>>();
  Capture(t.left.leftJoin(t.right,
                          [](const S& l, const OptS& r) { return l + "+" + r.value_or("none"); }),
          seen);
  TopologyTestDriver driver(t.builder.build(), Config());
  Inputs in(driver);
  in.left.pipeInput("a", OptS("L1"), 10);
  in.right.pipeInput("a", OptS("R1"), 15);
  in.right.pipeInput("a", std::nullopt, 16);  // back to the left value alone
  in.right.pipeInput("b", OptS("R2"), 17);    // no left key: nothing
  in.left.pipeInput("a", std::nullopt, 18);   // the left key goes: a tombstone
  in.left.pipeInput("c", std::nullopt, 19);   // deleting a key that never was: nothing
  EXPECT_EQ(*seen, (std::vector<SeenChange>{{"a", "L1+none", std::nullopt, 10},
                                            {"a", "L1+R1", std::nullopt, 15},
                                            {"a", "L1+none", std::nullopt, 16},
                                            {"a", std::nullopt, std::nullopt, 18}}));
}

TEST(DslTableJoinTest, OuterJoinKeepsTheKeysOfEitherTableIntoAMaterializedResult) {
  TwoTables t;
  auto seen = std::make_shared<std::vector<SeenChange>>();
  KTable<S, S> joined = t.left.outerJoin(
      t.right,
      [](const OptS& l, const OptS& r) { return l.value_or("none") + "+" + r.value_or("none"); },
      Materialized<S, S>::as("joined").withValueSerde(Serdes::String()).withCachingDisabled());
  Capture(joined, seen);
  TopologyTestDriver driver(t.builder.build(), Config());
  Inputs in(driver);
  in.right.pipeInput("a", OptS("R1"), 10);
  in.left.pipeInput("a", OptS("L1"), 12);
  in.left.pipeInput("a", std::nullopt, 14);
  in.right.pipeInput("a", std::nullopt, 16);
  in.left.pipeInput("b", OptS("L2"), 18);
  EXPECT_EQ(*seen, (std::vector<SeenChange>{{"a", "none+R1", std::nullopt, 10},
                                            {"a", "L1+R1", std::nullopt, 12},
                                            {"a", "none+R1", std::nullopt, 14},
                                            {"a", std::nullopt, std::nullopt, 16},
                                            {"b", "L2+none", std::nullopt, 18}}));
  auto* store = driver.getTimestampedKeyValueStore<S, S>("joined");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get("a"), std::nullopt);
  EXPECT_EQ(store->get("b"), (ValueAndTimestamp<S>{"L2+none", 18}));
}

TEST(DslTableJoinTest, AJoinOfAFilteredTableReadsThroughTheFilter) {
  TwoTables t;
  auto seen = std::make_shared<std::vector<SeenChange>>();
  KTable<S, S> short_right = t.right.filter([](const S&, const S& v) { return v.size() < 3; });
  Capture(t.left.join(short_right, [](const S& l, const S& r) { return l + "+" + r; }), seen);
  TopologyTestDriver driver(t.builder.build(), Config());
  Inputs in(driver);
  in.right.pipeInput("a", OptS("long"), 1);
  in.left.pipeInput("a", OptS("L"), 2);  // the right value is filtered out: nothing
  in.right.pipeInput("b", OptS("R"), 3);
  in.left.pipeInput("b", OptS("L"), 4);
  EXPECT_EQ(*seen, (std::vector<SeenChange>{{"b", "L+R", std::nullopt, 4}}));
}

TEST(DslTableJoinTest, DescribeNamesTheJoinNodesAsKafka) {
  TwoTables t;
  t.left.join(t.right, [](const S& l, const S& r) { return l + r; })
      .toStream()
      .to("out", StringProduced());
  const std::string text = t.builder.build().describe().toString();
  EXPECT_NE(text.find("Processor: KTABLE-JOINTHIS-0000000005 (stores: [right-store])"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Processor: KTABLE-JOINOTHER-0000000006 (stores: [left-store])"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Processor: KTABLE-MERGE-0000000004 (stores: [])"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace brook::streams
