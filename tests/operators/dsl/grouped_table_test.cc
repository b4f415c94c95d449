#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/changed_serde.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"

// KTable::groupBy and KGroupedTable::count|reduce|aggregate through the TopologyTestDriver
// (which commits, so caches flush, after every piped record). Inputs and expected outputs
// mirror Kafka's KTableAggregateTest and KGroupedTableImplTest.
namespace brook::streams {
namespace {

using testing::DroppedRecords;
using testing::S;
using testing::StringConsumed;
using OptS = std::optional<S>;

StreamsConfig Config() {
  StreamsConfig config;
  config.set("application.id", "grouped-table-test");
  return config;
}

template <typename V>
TestRecord<S, V> At(S key, V value, int64_t timestamp) {
  return TestRecord<S, V>{std::move(key), std::move(value), timestamp, {}};
}

// Kafka's MockAggregator.TOSTRING_ADDER / TOSTRING_REMOVER and MockInitializer.STRING_INIT.
S StringInit() { return "0"; }
const auto ToStringAdder = [](const auto& /*key*/, const S& value, const S& aggregate) {
  return aggregate + "+" + value;
};
const auto ToStringRemover = [](const auto& /*key*/, const S& value, const S& aggregate) {
  return aggregate + "-" + value;
};

TEST(DslGroupedTableTest, CountMovesARowFromItsOldGroupToItsNewOne) {
  StreamsBuilder builder;
  builder.table("colors", StringConsumed())
      .groupBy(
          [](const S& key, const S& color) {
            return KeyValue<S, S>{color, key};
          },
          Grouped<S, S>::with(Serdes::String(), Serdes::String()))
      .count(Materialized<S, int64_t>::as("count"))
      .toStream()
      .to("counts", testing::StringLongProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("colors", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("counts", Serdes::String(), Serdes::Int64());
  in.pipeInput("A", "green", 10);
  in.pipeInput("B", "green", 9);
  in.pipeInput("A", "blue", 12);  // A leaves green for blue
  in.pipeInput("C", "yellow", 15);
  in.pipeInput("D", "green", 11);

  EXPECT_EQ(
      out.readRecordsToList(),
      (std::vector<TestRecord<S, int64_t>>{
          At<int64_t>("green", 1, 10), At<int64_t>("green", 2, 10), At<int64_t>("green", 1, 12),
          At<int64_t>("blue", 1, 12), At<int64_t>("yellow", 1, 15), At<int64_t>("green", 2, 12)}));
  auto* store = driver.getTimestampedKeyValueStore<S, int64_t>("count");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get("green"), (ValueAndTimestamp<int64_t>{2, 12}));
  EXPECT_EQ(store->get("blue"), (ValueAndTimestamp<int64_t>{1, 12}));
  // Kafka's topics: the repartition topic named after the store, and the store's changelog.
  EXPECT_TRUE(driver.producedTopicNames().count("grouped-table-test-count-repartition"));
  EXPECT_TRUE(driver.producedTopicNames().count("grouped-table-test-count-changelog"));
}

TEST(DslGroupedTableTest, ADeletedRowOnlySubtractsAndAnEmptyGroupKeepsACountOfZero) {
  StreamsBuilder builder;
  builder.table("users", StringConsumed())
      .groupBy([](const S& user, const S& region) {
        return KeyValue<S, S>{region, user};
      })
      .count(Materialized<S, int64_t>::as("users-per-region").withKeySerde(Serdes::String()))
      .toStream()
      .to("per-region", testing::StringLongProduced());
  StreamsConfig config = Config();
  config.set("default.key.serde", "String");  // Grouped names no serdes: the defaults are used
  config.set("default.value.serde", "String");
  TopologyTestDriver driver(builder.build(), config);
  auto in = driver.createInputTopic("users", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto out = driver.createOutputTopic("per-region", Serdes::String(), Serdes::Int64());
  in.pipeInput("alice", OptS("eu"), 1);
  in.pipeInput("bob", OptS("eu"), 2);
  in.pipeInput("alice", std::nullopt, 3);  // alice deleted: eu loses one
  in.pipeInput("bob", std::nullopt, 4);    // eu is empty, and stays with 0
  in.pipeInput("carol", std::nullopt, 5);  // never was: nothing to subtract, no group

  EXPECT_EQ(out.readRecordsToList(), (std::vector<TestRecord<S, int64_t>>{
                                         At<int64_t>("eu", 1, 1), At<int64_t>("eu", 2, 2),
                                         At<int64_t>("eu", 1, 3), At<int64_t>("eu", 0, 4)}));
  auto* store = driver.getKeyValueStore<S, int64_t>("users-per-region");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get("eu"), 0);
}

TEST(DslGroupedTableTest, AggregateSubtractsTheOldValueThenAddsTheNewOne) {
  // Kafka's KTableAggregateTest.testAggBasic: the grouping key stays, so each update is one
  // repartition record carrying both values.
  StreamsBuilder builder;
  builder.table("topic1", StringConsumed())
      .groupBy(
          [](const S& key, const S& value) {
            return KeyValue<S, S>{key, value};
          },
          Grouped<S, S>::with(Serdes::String(), Serdes::String()))
      .aggregate(StringInit, ToStringAdder, ToStringRemover,
                 Materialized<S, S>::as("topic1-Canonized").withValueSerde(Serdes::String()))
      .toStream()
      .to("out", testing::StringProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("topic1", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeInput("A", "1", 10);
  in.pipeInput("B", "2", 15);
  in.pipeInput("A", "3", 20);
  in.pipeInput("B", "4", 18);
  in.pipeInput("C", "5", 5);
  in.pipeInput("D", "6", 25);
  in.pipeInput("B", "7", 15);
  in.pipeInput("C", "8", 10);

  EXPECT_EQ(out.readRecordsToList(),
            (std::vector<TestRecord<S, S>>{
                At<S>("A", "0+1", 10), At<S>("B", "0+2", 15), At<S>("A", "0+1-1+3", 20),
                At<S>("B", "0+2-2+4", 18), At<S>("C", "0+5", 5), At<S>("D", "0+6", 25),
                At<S>("B", "0+2-2+4-4+7", 18), At<S>("C", "0+5-5+8", 10)}));
}

TEST(DslGroupedTableTest, AggregateWithAChangingKeyAndANullKeySkipsTheNullLikeKafka) {
  // Kafka's KTableAggregateTest.testAggRepartition: rows re-keyed by their value; a row whose
  // selected key is null is skipped without counting a dropped record.
  StreamsBuilder builder;
  builder.table("topic1", StringConsumed())
      .groupBy(
          [](const S& key, const S& value) {
            return KeyValue<OptS, S>{key == "null" ? std::nullopt : OptS(value), value};
          },
          Grouped<OptS, S>::with(Serdes::Optional(Serdes::String()), Serdes::String()))
      .aggregate(StringInit, ToStringAdder, ToStringRemover,
                 Materialized<OptS, S>::as("topic1-Canonized").withValueSerde(Serdes::String()))
      .toStream()
      .to("out", Produced<OptS, S>::with(Serdes::Optional(Serdes::String()), Serdes::String()));
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("topic1", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeInput("A", OptS("1"), 10);
  in.pipeInput("A", std::nullopt, 15);
  in.pipeInput("A", OptS("1"), 12);
  in.pipeInput("B", OptS("2"), 20);
  in.pipeInput("null", OptS("3"), 25);
  in.pipeInput("B", OptS("4"), 23);
  in.pipeInput("B", OptS("7"), 22);

  EXPECT_EQ(out.readRecordsToList(),
            (std::vector<TestRecord<S, S>>{At<S>("1", "0+1", 10), At<S>("1", "0+1-1", 15),
                                           At<S>("1", "0+1-1+1", 15), At<S>("2", "0+2", 20),
                                           At<S>("2", "0+2-2", 23), At<S>("4", "0+4", 23),
                                           At<S>("4", "0+4-4", 23), At<S>("7", "0+7", 22)}));
  EXPECT_EQ(DroppedRecords(driver), 0);
}

TEST(DslGroupedTableTest, ReduceAddsAndSubtractsIntoAQueryableStore) {
  // Kafka's KGroupedTableImplTest.shouldReduceAndMaterializeResults.
  StreamsBuilder builder;
  KTable<S, int32_t> reduced =
      builder.table("input", Consumed<S, double>::with(Serdes::String(), Serdes::Double()))
          .groupBy([](const S& key, double value) {
            return KeyValue<S, int32_t>{key, static_cast<int32_t>(value)};
          })
          .reduce([](int32_t aggregate, int32_t value) { return aggregate + value; },
                  [](int32_t aggregate, int32_t value) { return aggregate - value; },
                  Materialized<S, int32_t>::as("reduce")
                      .withKeySerde(Serdes::String())
                      .withValueSerde(Serdes::Int32()));
  EXPECT_EQ(reduced.queryableStoreName(), OptS("reduce"));
  StreamsConfig config = Config();
  config.set("default.key.serde", "String");
  config.set("default.value.serde", "Int32");
  TopologyTestDriver driver(builder.build(), config);
  auto in = driver.createInputTopic("input", Serdes::String(), Serdes::Double());
  in.pipeInput("A", 1.1, 10);
  in.pipeInput("B", 2.2, 11);
  auto* store = driver.getTimestampedKeyValueStore<S, int32_t>("reduce");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get("A"), (ValueAndTimestamp<int32_t>{1, 10}));
  EXPECT_EQ(store->get("B"), (ValueAndTimestamp<int32_t>{2, 11}));
  in.pipeInput("A", 2.6, 30);
  in.pipeInput("B", 1.3, 30);
  in.pipeInput("A", 5.7, 50);
  in.pipeInput("B", 6.2, 20);
  EXPECT_EQ(store->get("A"), (ValueAndTimestamp<int32_t>{5, 50}));
  EXPECT_EQ(store->get("B"), (ValueAndTimestamp<int32_t>{6, 30}));
  auto* plain = driver.getKeyValueStore<S, int32_t>("reduce");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->get("B"), 6);
}

TEST(DslGroupedTableTest, AnAggregateWhoseSubtractorReturnsNullIsDeleted) {
  // Kafka removes the key when the aggregate becomes null; here a std::optional aggregate.
  using OptL = std::optional<int64_t>;
  StreamsBuilder builder;
  builder.table("in", StringConsumed())
      .groupBy(
          [](const S& key, const S& value) {
            return KeyValue<S, S>{value, key};
          },
          Grouped<S, S>::with(Serdes::String(), Serdes::String()))
      .aggregate(
          [] { return OptL(0); },
          [](const S&, const S&, const OptL& count) { return OptL(*count + 1); },
          [](const S&, const S&, const OptL& count) {
            return *count == 1 ? std::nullopt : OptL(*count - 1);
          },
          Materialized<S, OptL>::as("nonzero").withValueSerde(Serdes::Optional(Serdes::Int64())));
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::Optional(Serdes::String()));
  in.pipeInput("a", OptS("x"), 1);
  in.pipeInput("b", OptS("x"), 2);
  auto* store = driver.getKeyValueStore<S, OptL>("nonzero");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get("x"), OptL(2));
  in.pipeInput("a", OptS("y"), 3);
  EXPECT_EQ(store->get("x"), OptL(1));
  in.pipeInput("b", std::nullopt, 4);
  EXPECT_EQ(store->get("x"), std::nullopt);
  EXPECT_EQ(store->get("y"), OptL(1));
}

// Counts the occurrences of `needle` in `text`.
size_t Occurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(DslGroupedTableTest, AggregationsOfOneNamedGroupingShareItsRepartitionTopic) {
  StreamsBuilder builder;
  KGroupedTable<S, S> grouped =
      builder.table("in", StringConsumed())
          .groupBy(
              [](const S& key, const S& value) {
                return KeyValue<S, S>{value, key};
              },
              Grouped<S, S>::with(Serdes::String(), Serdes::String()).withName("by-value"));
  grouped.count(Materialized<S, int64_t>::as("count"))
      .toStream()
      .to("counts", testing::StringLongProduced());
  grouped
      .reduce([](const S& all, const S& key) { return all + key; },
              [](S all, const S& key) { return all.erase(all.find(key), key.size()); },
              Materialized<S, S>::as("concat"))
      .toStream()
      .to("concat", testing::StringProduced());
  Topology topology = builder.build();
  const std::string text = topology.describe().toString();
  // Grouped's name names the select node and the one topic both aggregations read.
  EXPECT_EQ(Occurrences(text, "Processor: by-value (stores: [])"), 1u) << text;
  EXPECT_EQ(Occurrences(text, "(topic: by-value-repartition)"), 1u) << text;
  EXPECT_EQ(Occurrences(text, "(topics: [by-value-repartition])"), 1u) << text;

  TopologyTestDriver driver(topology, Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto counts = driver.createOutputTopic("counts", Serdes::String(), Serdes::Int64());
  auto concat = driver.createOutputTopic("concat", Serdes::String(), Serdes::String());
  in.pipeInput("a", "x", 1);
  in.pipeInput("b", "x", 2);
  in.pipeInput("a", "y", 3);
  EXPECT_EQ(counts.readKeyValuesToMap(), (std::map<S, int64_t>{{"x", 1}, {"y", 1}}));
  EXPECT_EQ(concat.readKeyValuesToMap(), (std::map<S, S>{{"x", "b"}, {"y", "a"}}));
}

TEST(DslGroupedTableTest, DescribeIsKafkas) {
  // Kafka's TopologyTest.tableZeroArgCountShouldPreserveTopologyStructure.
  StreamsBuilder builder;
  builder.table<S, S>("input-topic")
      .groupBy([](const S& key, const S& value) {
        return KeyValue<S, S>{value, key};
      })
      .count();
  EXPECT_EQ(
      builder.build().describe().toString(),
      "Topologies:\n"
      "   Sub-topology: 0\n"
      "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n"
      "      --> KTABLE-SOURCE-0000000002\n"
      "    Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])\n"
      "      --> KTABLE-SELECT-0000000003\n"
      "      <-- KSTREAM-SOURCE-0000000001\n"
      "    Processor: KTABLE-SELECT-0000000003 (stores: [])\n"
      "      --> KSTREAM-SINK-0000000005\n"
      "      <-- KTABLE-SOURCE-0000000002\n"
      "    Sink: KSTREAM-SINK-0000000005 (topic: "
      "KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition)\n"
      "      <-- KTABLE-SELECT-0000000003\n"
      "\n"
      "  Sub-topology: 1\n"
      "    Source: KSTREAM-SOURCE-0000000006 (topics: "
      "[KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition])\n"
      "      --> KTABLE-AGGREGATE-0000000007\n"
      "    Processor: KTABLE-AGGREGATE-0000000007 (stores: "
      "[KTABLE-AGGREGATE-STATE-STORE-0000000004])\n"
      "      --> none\n"
      "      <-- KSTREAM-SOURCE-0000000006\n"
      "\n");
}

TEST(DslGroupedTableTest, DescribeWithANamedStoreIsKafkas) {
  // Kafka's TopologyTest.tableNamedMaterializedCountShouldPreserveTopologyStructure.
  StreamsBuilder builder;
  builder.table<S, S>("input-topic")
      .groupBy([](const S& key, const S& value) {
        return KeyValue<S, S>{value, key};
      })
      .count(Materialized<S, int64_t>::as("count-store").withStoreType(StoreType::kInMemory));
  EXPECT_EQ(
      builder.build().describe().toString(),
      "Topologies:\n"
      "   Sub-topology: 0\n"
      "    Source: KSTREAM-SOURCE-0000000001 (topics: [input-topic])\n"
      "      --> KTABLE-SOURCE-0000000002\n"
      "    Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])\n"
      "      --> KTABLE-SELECT-0000000003\n"
      "      <-- KSTREAM-SOURCE-0000000001\n"
      "    Processor: KTABLE-SELECT-0000000003 (stores: [])\n"
      "      --> KSTREAM-SINK-0000000004\n"
      "      <-- KTABLE-SOURCE-0000000002\n"
      "    Sink: KSTREAM-SINK-0000000004 (topic: count-store-repartition)\n"
      "      <-- KTABLE-SELECT-0000000003\n"
      "\n"
      "  Sub-topology: 1\n"
      "    Source: KSTREAM-SOURCE-0000000005 (topics: [count-store-repartition])\n"
      "      --> KTABLE-AGGREGATE-0000000006\n"
      "    Processor: KTABLE-AGGREGATE-0000000006 (stores: [count-store])\n"
      "      --> none\n"
      "      <-- KSTREAM-SOURCE-0000000005\n"
      "\n");
}

TEST(DslGroupedTableTest, ANamedReduceNamesItsNodesAsKafka) {
  StreamsBuilder builder;
  builder.table<S, S>("t", StringConsumed())
      .groupBy([](const S& key, const S& value) {
        return KeyValue<S, S>{value, key};
      })
      .reduce([](const S& a, const S& b) { return a + b; }, [](const S& a, const S&) { return a; },
              Named::as("concat"));
  const std::string text = builder.build().describe().toString();
  // Store 4, then sink, source and the reduce (Kafka's KGroupedTableImpl.doAggregate order).
  EXPECT_NE(text.find("Sink: concat-sink (topic: KTABLE-AGGREGATE-STATE-STORE-0000000004-"
                      "repartition)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Source: concat-source"), std::string::npos) << text;
  EXPECT_NE(text.find("Processor: concat (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])"),
            std::string::npos)
      << text;
}

// --- The repartition topic's value format (Kafka's ChangedSerializer/ChangedDeserializer).

TEST(ChangedSerdeTest, WritesKafkasLayoutAndReadsItBack) {
  detail::ChangedSerde<S> serde(Serdes::String());
  std::string bytes;
  ASSERT_TRUE(serde.serialize("t", Change<S>{S("new"), std::nullopt}, bytes));
  EXPECT_EQ(bytes, std::string("new\x01", 4));
  bytes.clear();
  ASSERT_TRUE(serde.serialize("t", Change<S>{std::nullopt, S("old")}, bytes));
  EXPECT_EQ(bytes, std::string("old\x00", 4));
  bytes.clear();
  ASSERT_TRUE(serde.serialize("t", Change<S>{S("new"), S("older")}, bytes));
  // Zigzag varint 3 is 6, then the new bytes, the old bytes and flag 2.
  EXPECT_EQ(bytes, std::string("\x06newolder\x02", 10));
  EXPECT_EQ(serde.deserialize("t", bytes), (Change<S>{S("new"), S("older")}));
  EXPECT_EQ(serde.deserialize("t", std::string("old\x00", 4)), (Change<S>{std::nullopt, S("old")}));
  // Kafka's versioned forms carry an is-latest byte before the flag.
  EXPECT_EQ(serde.deserialize("t", std::string("new\x01\x04", 5)),
            (Change<S>{S("new"), std::nullopt}));
  bytes.clear();
  EXPECT_THROW(serde.serialize("t", Change<S>{}, bytes), SerializationException);
  EXPECT_THROW(serde.deserialize("t", std::string("x\x09", 2)), SerializationException);
}

}  // namespace
}  // namespace brook::streams
