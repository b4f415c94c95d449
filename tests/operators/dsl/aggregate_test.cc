#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"

// KGroupedStream::count|reduce|aggregate and KTable filter/mapValues/toStream through the
// TopologyTestDriver (which commits, so caches flush, after every piped record).
namespace brook::streams {
namespace {

using testing::S;
using testing::StringConsumed;
using testing::StringLongProduced;

StreamsConfig Config() {
  StreamsConfig config;
  config.set("application.id", "aggregate-test");
  return config;
}

std::vector<KeyValue<S, int64_t>> ReadAll(TestOutputTopic<S, int64_t>& out) {
  return out.readKeyValuesToList();
}

TEST(DslAggregateTest, GroupByCountsEachWordAfterARepartition) {
  StreamsBuilder builder;
  builder.stream("lines", StringConsumed())
      .flatMapValues([](const S& line) {
        std::vector<S> words;
        size_t start = 0;
        while (start < line.size()) {
          size_t end = line.find(' ', start);
          if (end == S::npos) end = line.size();
          if (end > start) words.push_back(line.substr(start, end - start));
          start = end + 1;
        }
        return words;
      })
      .groupBy([](const S&, const S& word) { return word; },
               Grouped<S, S>::with(Serdes::String(), Serdes::String()))
      .count(Materialized<S, int64_t>::as("counts"))
      .toStream()
      .to("counts-out", StringLongProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("lines", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("counts-out", Serdes::String(), Serdes::Int64());
  in.pipeInput("x", "a b a");
  in.pipeInput("y", "b c");
  // The driver commits after each piped line, so the cache forwards each word's latest count
  // once per line: "a" counted twice in the first line gives one update with 2.
  std::map<S, int64_t> last;
  for (const auto& kv : ReadAll(out)) last[kv.key] = kv.value;
  EXPECT_EQ(last, (std::map<S, int64_t>{{"a", 2}, {"b", 2}, {"c", 1}}));
  auto* store = driver.getKeyValueStore<S, int64_t>("counts");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get("a"), 2);
  EXPECT_EQ(store->get("zzz"), std::nullopt);
  // The repartition topic carries one record per word; the changelog one per flushed update.
  EXPECT_TRUE(driver.producedTopicNames().count("aggregate-test-counts-repartition"));
  EXPECT_TRUE(driver.producedTopicNames().count("aggregate-test-counts-changelog"));
}

TEST(DslAggregateTest, WithoutCachingEveryUpdateIsForwarded) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .groupByKey()
      .count(Materialized<S, int64_t>::as("counts").withCachingDisabled())
      .toStream()
      .to("out", StringLongProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::Int64());
  in.pipeInput("k", "v", 10);
  in.pipeInput("k", "v", 20);
  in.pipeInput("j", "v", 30);
  EXPECT_EQ(ReadAll(out), (std::vector<KeyValue<S, int64_t>>{{"k", 1}, {"k", 2}, {"j", 1}}));
  // groupByKey on a stream read from a topic needs no repartition.
  EXPECT_FALSE(driver.producedTopicNames().count("aggregate-test-counts-repartition"));
}

TEST(DslAggregateTest, AnAggregateCarriesTheLargestTimestampOfItsRecords) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .groupByKey()
      .count(Materialized<S, int64_t>::as("counts").withCachingDisabled())
      .toStream()
      .to("out", StringLongProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::Int64());
  in.pipeInput("k", "v", 500);
  in.pipeInput("k", "v", 100);  // out of order: the aggregate keeps 500
  auto records = out.readRecordsToList();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].timestamp, 500);
  EXPECT_EQ(records[1].timestamp, 500);
  EXPECT_EQ(records[1].value, 2);
}

TEST(DslAggregateTest, ReduceStartsFromTheFirstValue) {
  StreamsBuilder builder;
  builder
      .stream("in", Consumed<S, int64_t>::with(Serdes::String(), Serdes::Int64()))
      .groupByKey()
      .reduce([](int64_t aggregate, int64_t value) { return aggregate * 10 + value; },
              Materialized<S, int64_t>::as("digits").withCachingDisabled())
      .toStream()
      .to("out", StringLongProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::Int64());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::Int64());
  in.pipeInput("k", 1);
  in.pipeInput("k", 2);
  in.pipeInput("k", 3);
  EXPECT_EQ(ReadAll(out), (std::vector<KeyValue<S, int64_t>>{{"k", 1}, {"k", 12}, {"k", 123}}));
}

TEST(DslAggregateTest, AggregateFoldsWithTheInitializerAndKeepsStateInTheStore) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .groupByKey()
      .aggregate<S>([] { return S("<"); },
                    [](const S&, const S& value, const S& aggregate) { return aggregate + value; },
                    Materialized<S, S>::as("concat").withValueSerde(Serdes::String()))
      .toStream()
      .to("out", testing::StringProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::String());
  in.pipeInput("a", "x");
  in.pipeInput("b", "y");
  in.pipeInput("a", "z");
  EXPECT_EQ(out.readKeyValuesToList(),
            (std::vector<KeyValue<S, S>>{{"a", "<x"}, {"b", "<y"}, {"a", "<xz"}}));
  auto* store = driver.getKeyValueStore<S, S>("concat");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get("a"), "<xz");
}

TEST(DslAggregateTest, TableFilterDeletesKeysThatStopPassingAndToStreamSkipsDeletes) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .groupByKey()
      .count(Materialized<S, int64_t>::as("counts").withCachingDisabled())
      .filter([](const S&, int64_t count) { return count % 2 == 1; })
      .mapValues([](int64_t count) { return count * 100; })
      .toStream()
      .to("out", StringLongProduced());
  TopologyTestDriver driver(builder.build(), Config());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::Int64());
  for (int i = 0; i < 3; ++i) in.pipeInput("k", "v");
  // Counts 1, 2, 3: 2 fails the filter (a delete downstream, which toStream does not forward).
  EXPECT_EQ(ReadAll(out), (std::vector<KeyValue<S, int64_t>>{{"k", 100}, {"k", 300}}));
}

TEST(DslAggregateTest, GroupByKeyAfterAKeyChangeRepartitionsThroughTheGroupedName) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .selectKey([](const S&, const S& value) { return value; })
      .groupByKey(Grouped<S, S>::as("by-value"))
      .count()
      .toStream()
      .to("out", StringLongProduced());
  StreamsConfig config = Config();
  config.set("default.key.serde", "string").set("default.value.serde", "string");
  TopologyTestDriver driver(builder.build(), config);
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::Int64());
  in.pipeInput("1", "red");
  in.pipeInput("2", "red");
  in.pipeInput("3", "blue");
  std::map<S, int64_t> last;
  for (const auto& kv : ReadAll(out)) last[kv.key] = kv.value;
  EXPECT_EQ(last, (std::map<S, int64_t>{{"red", 2}, {"blue", 1}}));
  EXPECT_TRUE(driver.producedTopicNames().count("aggregate-test-by-value-repartition"));
}

TEST(DslAggregateTest, WordCountDescribesAsKafkaStreamsDoes) {
  // The word count of Kafka's "Writing a Streams Application" tutorial and the text its
  // describe() prints there.
  StreamsBuilder builder;
  builder.stream("streams-plaintext-input", StringConsumed())
      .flatMapValues([](const S& line) { return std::vector<S>{line}; })
      .groupBy([](const S&, const S& word) { return word; })
      .count(Materialized<S, int64_t>::as("counts-store"))
      .toStream()
      .to("streams-wordcount-output", StringLongProduced());
  EXPECT_EQ(builder.build().describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [streams-plaintext-input])\n"
            "      --> KSTREAM-FLATMAPVALUES-0000000001\n"
            "    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])\n"
            "      --> KSTREAM-KEY-SELECT-0000000002\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])\n"
            "      --> counts-store-repartition-filter\n"
            "      <-- KSTREAM-FLATMAPVALUES-0000000001\n"
            "    Processor: counts-store-repartition-filter (stores: [])\n"
            "      --> counts-store-repartition-sink\n"
            "      <-- KSTREAM-KEY-SELECT-0000000002\n"
            "    Sink: counts-store-repartition-sink (topic: counts-store-repartition)\n"
            "      <-- counts-store-repartition-filter\n"
            "\n"
            "  Sub-topology: 1\n"
            "    Source: counts-store-repartition-source (topics: [counts-store-repartition])\n"
            "      --> KSTREAM-AGGREGATE-0000000003\n"
            "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts-store])\n"
            "      --> KTABLE-TOSTREAM-0000000007\n"
            "      <-- counts-store-repartition-source\n"
            "    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000008\n"
            "      <-- KSTREAM-AGGREGATE-0000000003\n"
            "    Sink: KSTREAM-SINK-0000000008 (topic: streams-wordcount-output)\n"
            "      <-- KTABLE-TOSTREAM-0000000007\n"
            "\n");
}

}  // namespace
}  // namespace brook::streams
