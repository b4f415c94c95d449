#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "framework/api/processor.h"
#include "framework/api/serdes.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"

// describe() of DSL programs against the text Kafka Streams prints for the same Java program
// (with topology.optimization=none, the default). The first three programs and texts are Kafka
// Streams' own tests (StreamsGraphTest.shouldOptimizeSeveralMergeNodesWithCommonKeyChangingParent,
// KStreamImplTest.shouldBindStateWithOldProcessor and shouldProcessValues); the others were
// derived from Kafka's DSL naming rules (KStreamImpl, BranchedKStreamImpl) and printed by a
// replay of InternalTopologyBuilder.describe() on Java's own HashSet and TreeSet.
namespace brook::streams {
namespace {

using testing::S;
using testing::StringConsumed;

std::string Describe(StreamsBuilder& builder) { return builder.build().describe().toString(); }

TEST(DslDescribeTest, SelectKeyThreeMapValuesAndTwoMergesAsKafkasStreamsGraphTest) {
  StreamsBuilder builder;
  auto parent =
      builder
          .stream("input_topic", Consumed<int32_t, int32_t>::with(Serdes::Int32(), Serdes::Int32()))
          .selectKey([](const int32_t& k, const int32_t& v) { return k + v; });
  auto child1 = parent.mapValues([](const int32_t& v) { return v + 1; });
  auto child2 = parent.mapValues([](const int32_t& v) { return v + 2; });
  auto child3 = parent.mapValues([](const int32_t& v) { return v + 3; });
  child1.merge(child2).merge(child3).to("output_topic");

  EXPECT_EQ(Describe(builder),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [input_topic])\n"
            "      --> KSTREAM-KEY-SELECT-0000000001\n"
            "    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n"
            "      --> KSTREAM-MAPVALUES-0000000002, KSTREAM-MAPVALUES-0000000003, "
            "KSTREAM-MAPVALUES-0000000004\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KSTREAM-MAPVALUES-0000000002 (stores: [])\n"
            "      --> KSTREAM-MERGE-0000000005\n"
            "      <-- KSTREAM-KEY-SELECT-0000000001\n"
            "    Processor: KSTREAM-MAPVALUES-0000000003 (stores: [])\n"
            "      --> KSTREAM-MERGE-0000000005\n"
            "      <-- KSTREAM-KEY-SELECT-0000000001\n"
            "    Processor: KSTREAM-MAPVALUES-0000000004 (stores: [])\n"
            "      --> KSTREAM-MERGE-0000000006\n"
            "      <-- KSTREAM-KEY-SELECT-0000000001\n"
            "    Processor: KSTREAM-MERGE-0000000005 (stores: [])\n"
            "      --> KSTREAM-MERGE-0000000006\n"
            "      <-- KSTREAM-MAPVALUES-0000000002, KSTREAM-MAPVALUES-0000000003\n"
            "    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000007\n"
            "      <-- KSTREAM-MERGE-0000000005, KSTREAM-MAPVALUES-0000000004\n"
            "    Sink: KSTREAM-SINK-0000000007 (topic: output_topic)\n"
            "      <-- KSTREAM-MERGE-0000000006\n"
            "\n");
}

class Length : public ContextualProcessor<S, S, S, int32_t> {
 public:
  void process(const Record<S, S>& record) override {
    context().forward(record.withValue(static_cast<int32_t>(record.value().size())));
  }
};
class FixedKeyLength : public ContextualFixedKeyProcessor<S, S, int32_t> {
 public:
  void process(const FixedKeyRecord<S, S>& record) override {
    context().forward(record.withValue(static_cast<int32_t>(record.value().size())));
  }
};

TEST(DslDescribeTest, ANamedProcessorUsesNoCounterValueAsInKafkasKStreamImplTest) {
  StreamsBuilder builder;
  builder.stream("input", StringConsumed())
      .process([] { return std::make_unique<Length>(); }, Named::as("p"))
      .to("output", Produced<S, int32_t>::valueSerde(Serdes::Int32()));

  EXPECT_EQ(Describe(builder),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n"
            "      --> p\n"
            "    Processor: p (stores: [])\n"
            "      --> KSTREAM-SINK-0000000001\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Sink: KSTREAM-SINK-0000000001 (topic: output)\n"
            "      <-- p\n\n");
}

TEST(DslDescribeTest, ANamedFixedKeyProcessorAsInKafkasKStreamImplTest) {
  StreamsBuilder builder;
  builder.stream("input", StringConsumed())
      .processValues([] { return std::make_unique<FixedKeyLength>(); }, Named::as("fkp"))
      .to("output", Produced<S, int32_t>::valueSerde(Serdes::Int32()));

  EXPECT_EQ(Describe(builder),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n"
            "      --> fkp\n"
            "    Processor: fkp (stores: [])\n"
            "      --> KSTREAM-SINK-0000000001\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Sink: KSTREAM-SINK-0000000001 (topic: output)\n"
            "      <-- fkp\n\n");
}

TEST(DslDescribeTest, SplitWithAnUnnamedANamedAndTheDefaultBranch) {
  StreamsBuilder builder;
  std::map<S, KStream<S, S>> branches =
      builder.stream("in", StringConsumed())
          .split()
          .branch([](const S&, const S& v) { return v == "a"; })
          .branch([](const S&, const S& v) { return v == "b"; }, Branched<S, S>::as("-b"))
          .defaultBranch();
  branches.at("KSTREAM-BRANCH-00000000011").to("a");
  branches.at("KSTREAM-BRANCH-0000000001-b").to("b");
  branches.at("KSTREAM-BRANCH-00000000010").to("other");

  EXPECT_EQ(Describe(builder),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n"
            "      --> KSTREAM-BRANCH-0000000001\n"
            "    Processor: KSTREAM-BRANCH-0000000001 (stores: [])\n"
            "      --> KSTREAM-BRANCH-0000000001-b, KSTREAM-BRANCH-00000000010, "
            "KSTREAM-BRANCH-00000000011\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KSTREAM-BRANCH-0000000001-b (stores: [])\n"
            "      --> KSTREAM-SINK-0000000006\n"
            "      <-- KSTREAM-BRANCH-0000000001\n"
            "    Processor: KSTREAM-BRANCH-00000000010 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000007\n"
            "      <-- KSTREAM-BRANCH-0000000001\n"
            "    Processor: KSTREAM-BRANCH-00000000011 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000005\n"
            "      <-- KSTREAM-BRANCH-0000000001\n"
            "    Sink: KSTREAM-SINK-0000000005 (topic: a)\n"
            "      <-- KSTREAM-BRANCH-00000000011\n"
            "    Sink: KSTREAM-SINK-0000000006 (topic: b)\n"
            "      <-- KSTREAM-BRANCH-0000000001-b\n"
            "    Sink: KSTREAM-SINK-0000000007 (topic: other)\n"
            "      <-- KSTREAM-BRANCH-00000000010\n"
            "\n");
}

TEST(DslDescribeTest, AnUnnamedRepartitionUsesGeneratedNamesAndStartsASubtopology) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .mapValues([](const S& v) { return v; })
      .repartition()
      .filter([](const S&, const S&) { return true; })
      .to("out");

  EXPECT_EQ(
      Describe(builder),
      "Topologies:\n"
      "   Sub-topology: 0\n"
      "    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n"
      "      --> KSTREAM-MAPVALUES-0000000001\n"
      "    Processor: KSTREAM-MAPVALUES-0000000001 (stores: [])\n"
      "      --> KSTREAM-FILTER-0000000004\n"
      "      <-- KSTREAM-SOURCE-0000000000\n"
      "    Processor: KSTREAM-FILTER-0000000004 (stores: [])\n"
      "      --> KSTREAM-SINK-0000000003\n"
      "      <-- KSTREAM-MAPVALUES-0000000001\n"
      "    Sink: KSTREAM-SINK-0000000003 (topic: KSTREAM-REPARTITION-0000000002-repartition)\n"
      "      <-- KSTREAM-FILTER-0000000004\n"
      "\n"
      "  Sub-topology: 1\n"
      "    Source: KSTREAM-SOURCE-0000000005 (topics: "
      "[KSTREAM-REPARTITION-0000000002-repartition])\n"
      "      --> KSTREAM-FILTER-0000000006\n"
      "    Processor: KSTREAM-FILTER-0000000006 (stores: [])\n"
      "      --> KSTREAM-SINK-0000000007\n"
      "      <-- KSTREAM-SOURCE-0000000005\n"
      "    Sink: KSTREAM-SINK-0000000007 (topic: out)\n"
      "      <-- KSTREAM-FILTER-0000000006\n"
      "\n");
}

TEST(DslDescribeTest, ANamedRepartitionNamesItsTopicAndNodesAfterTheName) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .selectKey([](const S&, const S& v) { return v; })
      .repartition(Repartitioned<S, S>::as("shuffle"))
      .mapValues([](const S& v) { return v; })
      .to("out");

  EXPECT_EQ(Describe(builder),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n"
            "      --> KSTREAM-KEY-SELECT-0000000001\n"
            "    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n"
            "      --> shuffle-repartition-filter\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: shuffle-repartition-filter (stores: [])\n"
            "      --> shuffle-repartition-sink\n"
            "      <-- KSTREAM-KEY-SELECT-0000000001\n"
            "    Sink: shuffle-repartition-sink (topic: shuffle-repartition)\n"
            "      <-- shuffle-repartition-filter\n"
            "\n"
            "  Sub-topology: 1\n"
            "    Source: shuffle-repartition-source (topics: [shuffle-repartition])\n"
            "      --> KSTREAM-MAPVALUES-0000000005\n"
            "    Processor: KSTREAM-MAPVALUES-0000000005 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000006\n"
            "      <-- shuffle-repartition-source\n"
            "    Sink: KSTREAM-SINK-0000000006 (topic: out)\n"
            "      <-- KSTREAM-MAPVALUES-0000000005\n"
            "\n");
}

TEST(DslDescribeTest, PeekPrintForeachAndFlatMapsFanOutOfOneSource) {
  StreamsBuilder builder;
  auto source = builder.stream("in", StringConsumed());
  source.peek([](const S&, const S&) {})
      .flatMapValues([](const S& v) { return std::vector<S>{v}; })
      .to("words");
  source.print(Printed<S, S>::toSysOut());
  source.foreach([](const S&, const S&) {});
  source.filterNot([](const S&, const S& v) { return v.empty(); }, Named::as("no-empty"))
      .flatMap([](const S& k, const S& v) {
        return std::vector<KeyValue<S, S>>{{k, v}};
      })
      .to("pairs");

  // The source's successors are not sorted by their final sizes: Kafka's TreeSet placed each
  // one with the sizes of the moment it was added.
  EXPECT_EQ(Describe(builder),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n"
            "      --> KSTREAM-FOREACH-0000000005, KSTREAM-PEEK-0000000001, "
            "KSTREAM-PRINTER-0000000004, no-empty\n"
            "    Processor: KSTREAM-PEEK-0000000001 (stores: [])\n"
            "      --> KSTREAM-FLATMAPVALUES-0000000002\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: no-empty (stores: [])\n"
            "      --> KSTREAM-FLATMAP-0000000007\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KSTREAM-FLATMAP-0000000007 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000008\n"
            "      <-- no-empty\n"
            "    Processor: KSTREAM-FLATMAPVALUES-0000000002 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000003\n"
            "      <-- KSTREAM-PEEK-0000000001\n"
            "    Processor: KSTREAM-FOREACH-0000000005 (stores: [])\n"
            "      --> none\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Processor: KSTREAM-PRINTER-0000000004 (stores: [])\n"
            "      --> none\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Sink: KSTREAM-SINK-0000000003 (topic: words)\n"
            "      <-- KSTREAM-FLATMAPVALUES-0000000002\n"
            "    Sink: KSTREAM-SINK-0000000008 (topic: pairs)\n"
            "      <-- KSTREAM-FLATMAP-0000000007\n"
            "\n");
}

TEST(DslDescribeTest, APatternStreamMergedWithATopicStream) {
  StreamsBuilder builder;
  builder.stream(TopicPattern::compile("orders-.*"), StringConsumed())
      .merge(builder.stream("returns", StringConsumed()))
      .to("all");

  EXPECT_EQ(Describe(builder),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: orders-.*)\n"
            "      --> KSTREAM-MERGE-0000000002\n"
            "    Source: KSTREAM-SOURCE-0000000001 (topics: [returns])\n"
            "      --> KSTREAM-MERGE-0000000002\n"
            "    Processor: KSTREAM-MERGE-0000000002 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000003\n"
            "      <-- KSTREAM-SOURCE-0000000000, KSTREAM-SOURCE-0000000001\n"
            "    Sink: KSTREAM-SINK-0000000003 (topic: all)\n"
            "      <-- KSTREAM-MERGE-0000000002\n"
            "\n");
}

}  // namespace
}  // namespace brook::streams
