#include "framework/topology/describe.h"

#include <gtest/gtest.h>

#include <string>

#include "framework/api/topology.h"
#include "tests/framework/topology/test_nodes.h"

// The expected texts are what Kafka Streams 4.0's TopologyDescription.toString() prints for the
// same topology built with its Processor API (InternalTopologyBuilder: node order by sub-tree
// size then name, sets printed in Java's HashSet order, a blank line after each sub-topology).
namespace brook::framework::topology {
namespace {

using streams::RecordContext;
using streams::TopicPattern;
using streams::Topology;
using streams::TopologyDescription;
using testing::PassThroughSupplier;
using testing::StringSerde;

using S = std::string;

Topology& Source(Topology& topology, const std::string& name, std::vector<std::string> topics) {
  return topology.addSource<S, S>(name, std::move(topics), StringSerde(), StringSerde());
}
Topology& Pass(Topology& topology, const std::string& name, std::vector<std::string> parents,
               std::vector<std::string> stores = {}) {
  return topology.addProcessor<S, S, S, S>(name, PassThroughSupplier<S, S>(), std::move(parents),
                                           std::move(stores));
}
Topology& Sink(Topology& topology, const std::string& name, const std::string& topic,
               std::vector<std::string> parents) {
  return topology.addSink<S, S>(name, topic, StringSerde(), StringSerde(), std::move(parents));
}

TEST(DescribeTest, EmptyTopologyPrintsOnlyTheHeadingAsKafkaStreamsDoes) {
  EXPECT_EQ(streams::Topology().describe().toString(), "Topologies:\n ");
}

TEST(DescribeTest, SourceTwoProcessorsAndASinkPrintAsKafkaStreamsDoes) {
  Topology topology;
  Source(topology, "src", {"in"});
  Pass(topology, "p1", {"src"});
  Pass(topology, "p2", {"src"});
  Sink(topology, "out", "output", {"p1", "p2"});

  EXPECT_EQ(topology.describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: src (topics: [in])\n"
            "      --> p1, p2\n"
            "    Processor: p1 (stores: [])\n"
            "      --> out\n"
            "      <-- src\n"
            "    Processor: p2 (stores: [])\n"
            "      --> out\n"
            "      <-- src\n"
            "    Sink: out (topic: output)\n"
            "      <-- p1, p2\n"
            "\n");
}

TEST(DescribeTest, DslNamedChainMatchesKafkaStreamsExample) {
  Topology topology;
  Source(topology, "KSTREAM-SOURCE-0000000000", {"input"});
  Pass(topology, "KSTREAM-FILTER-0000000001", {"KSTREAM-SOURCE-0000000000"});
  Sink(topology, "KSTREAM-SINK-0000000002", "output", {"KSTREAM-FILTER-0000000001"});

  EXPECT_EQ(topology.describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n"
            "      --> KSTREAM-FILTER-0000000001\n"
            "    Processor: KSTREAM-FILTER-0000000001 (stores: [])\n"
            "      --> KSTREAM-SINK-0000000002\n"
            "      <-- KSTREAM-SOURCE-0000000000\n"
            "    Sink: KSTREAM-SINK-0000000002 (topic: output)\n"
            "      <-- KSTREAM-FILTER-0000000001\n"
            "\n");
}

TEST(DescribeTest, PatternSourcePrintsItsRegexWithoutBrackets) {
  Topology topology;
  topology.addSource<S, S>("src", TopicPattern::compile("input-.*"), StringSerde(), StringSerde());
  Pass(topology, "upper", {"src"});
  Sink(topology, "out", "output", {"upper"});

  EXPECT_EQ(topology.describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: src (topics: input-.*)\n"
            "      --> upper\n"
            "    Processor: upper (stores: [])\n"
            "      --> out\n"
            "      <-- src\n"
            "    Sink: out (topic: output)\n"
            "      <-- upper\n"
            "\n");
}

TEST(DescribeTest, ExtractorSinkPrintsTheExtractorForm) {
  Topology topology;
  Source(topology, "src", {"in"});
  topology.addSink<S, S>("route",
                         [](const S& key, const S&, const RecordContext&) { return "out-" + key; },
                         StringSerde(), StringSerde(), {"src"});

  // Kafka prints the extractor object (Java's ClassName@hash); a C++ callable has no class
  // name, so Brook prints the interface's.
  EXPECT_EQ(topology.describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: src (topics: [in])\n"
            "      --> route\n"
            "    Sink: route (extractor class: TopicNameExtractor)\n"
            "      <-- src\n"
            "\n");
}

TEST(DescribeTest, TwoSubtopologiesJoinedByATopicAreNumberedInTheOrderAdded) {
  Topology topology;
  topology.addStateStore(testing::Store("counts"));
  Source(topology, "z-src", {"in"});
  Pass(topology, "by-key", {"z-src"});
  Sink(topology, "to-repart", "repart", {"by-key"});
  Source(topology, "a-src", {"repart"});
  Pass(topology, "count", {"a-src"}, {"counts"});
  Sink(topology, "out", "counts-out", {"count"});

  // Kafka numbers sub-topologies by the first node added (KAFKA-9020), not by source name.
  EXPECT_EQ(topology.describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: z-src (topics: [in])\n"
            "      --> by-key\n"
            "    Processor: by-key (stores: [])\n"
            "      --> to-repart\n"
            "      <-- z-src\n"
            "    Sink: to-repart (topic: repart)\n"
            "      <-- by-key\n"
            "\n"
            "  Sub-topology: 1\n"
            "    Source: a-src (topics: [repart])\n"
            "      --> count\n"
            "    Processor: count (stores: [counts])\n"
            "      --> out\n"
            "      <-- a-src\n"
            "    Sink: out (topic: counts-out)\n"
            "      <-- count\n"
            "\n");
}

TEST(DescribeTest, TopicsAndStoresPrintInJavaHashSetOrder) {
  Topology topology;
  for (const char* store : {"zeta", "alpha", "mid"}) topology.addStateStore(testing::Store(store));
  Source(topology, "src", {"topic-b", "topic-a", "topic-c"});
  Pass(topology, "agg", {"src"}, {"zeta", "alpha"});
  topology.connectProcessorAndStateStores("agg", {"mid"});
  Sink(topology, "out", "output", {"agg"});

  EXPECT_EQ(topology.describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: src (topics: [topic-a, topic-b, topic-c])\n"
            "      --> agg\n"
            "    Processor: agg (stores: [zeta, alpha, mid])\n"
            "      --> out\n"
            "      <-- src\n"
            "    Sink: out (topic: output)\n"
            "      <-- agg\n"
            "\n");
}

TEST(DescribeTest, NodesPrintLargestSubtreeFirstThenByName) {
  Topology topology;
  Source(topology, "src", {"in"});
  Pass(topology, "a-short", {"src"});
  Sink(topology, "a-out", "a", {"a-short"});
  Pass(topology, "b-long", {"src"});
  Pass(topology, "b-next", {"b-long"});
  Sink(topology, "b-out", "b", {"b-next"});

  EXPECT_EQ(topology.describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: src (topics: [in])\n"
            "      --> b-long, a-short\n"
            "    Processor: b-long (stores: [])\n"
            "      --> b-next\n"
            "      <-- src\n"
            "    Processor: a-short (stores: [])\n"
            "      --> a-out\n"
            "      <-- src\n"
            "    Processor: b-next (stores: [])\n"
            "      --> b-out\n"
            "      <-- b-long\n"
            "    Sink: a-out (topic: a)\n"
            "      <-- a-short\n"
            "    Sink: b-out (topic: b)\n"
            "      <-- b-next\n"
            "\n");
}

TEST(DescribeTest, SuccessorsKeepTheOrderOfTheSizesTheyWereInsertedWith) {
  // Kafka's successor sets are TreeSets whose comparator reads sizes that grow after
  // insertion: here src's successors were compared while both were leaves (so by name), and
  // "b" only later became the larger sub-tree. A fresh sort would print "b, a".
  Topology topology;
  Source(topology, "src", {"in"});
  Pass(topology, "a", {"src"});
  Pass(topology, "b", {"src"});
  Sink(topology, "c", "out", {"b"});

  const TopologyDescription description = topology.describe();
  EXPECT_EQ(description.toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: src (topics: [in])\n"
            "      --> a, b\n"
            "    Processor: b (stores: [])\n"
            "      --> c\n"
            "      <-- src\n"
            "    Processor: a (stores: [])\n"
            "      --> none\n"
            "      <-- src\n"
            "    Sink: c (topic: out)\n"
            "      <-- b\n"
            "\n");
}

TEST(DescribeTest, StructuredDescriptionMatchesTheText) {
  Topology topology;
  topology.addStateStore(testing::Store("store"));
  Source(topology, "src", {"in"});
  Pass(topology, "proc", {"src"}, {"store"});
  Sink(topology, "out", "output", {"proc"});
  Source(topology, "other", {"in-2"});
  Sink(topology, "other-out", "output-2", {"other"});

  const TopologyDescription description = topology.describe();
  ASSERT_EQ(description.subtopologies().size(), 2u);
  const auto& first = description.subtopologies()[0];
  EXPECT_EQ(first.id, 0);
  ASSERT_EQ(first.nodes.size(), 3u);
  EXPECT_EQ(first.nodes[0].kind, TopologyDescription::Node::Kind::kSource);
  EXPECT_EQ(first.nodes[0].name, "src");
  EXPECT_EQ(first.nodes[0].topics, std::vector<std::string>{"in"});
  EXPECT_EQ(first.nodes[0].successors, std::vector<std::string>{"proc"});
  EXPECT_TRUE(first.nodes[0].predecessors.empty());
  EXPECT_EQ(first.nodes[1].kind, TopologyDescription::Node::Kind::kProcessor);
  EXPECT_EQ(first.nodes[1].stores, std::vector<std::string>{"store"});
  EXPECT_EQ(first.nodes[1].predecessors, std::vector<std::string>{"src"});
  EXPECT_EQ(first.nodes[2].kind, TopologyDescription::Node::Kind::kSink);
  EXPECT_EQ(first.nodes[2].topics, std::vector<std::string>{"output"});
  EXPECT_FALSE(first.nodes[2].topic_extractor);
  EXPECT_EQ(description.subtopologies()[1].id, 1);
  EXPECT_EQ(description.subtopologies()[1].nodes[0].name, "other");
}

TEST(DescribeTest, InternalTopicsAreDecoratedOnlyWithAnApplicationId) {
  Topology topology;
  topology.builder().AddInternalTopic("agg-repartition", std::nullopt);
  Source(topology, "src", {"in"});
  auto sink = std::make_shared<streams::detail::SinkFactory<S, S>>(
      "to-repart", std::vector<std::string>{"src"}, "agg-repartition",
      streams::TopicNameExtractor<S, S>{}, StringSerde(), StringSerde());
  sink->internal_topic = true;
  topology.addNodeFactory(sink);
  auto source = std::make_shared<streams::detail::SourceFactory<S, S>>(
      "from-repart", StringSerde(), StringSerde(), streams::TimestampExtractor<S, S>{});
  source->topics = {"agg-repartition"};
  source->internal_topic = true;
  topology.addNodeFactory(source);
  Sink(topology, "out", "output", {"from-repart"});

  const std::string plain = topology.describe().toString();
  EXPECT_NE(plain.find("Sink: to-repart (topic: agg-repartition)"), std::string::npos) << plain;
  EXPECT_NE(plain.find("Source: from-repart (topics: [agg-repartition])"), std::string::npos);

  BuildOptions options;
  options.application_id = "app";
  options.resolve_serdes = false;
  const std::string decorated = Describe(*topology.builder().Build(options)).toString();
  EXPECT_NE(decorated.find("Sink: to-repart (topic: app-agg-repartition)"), std::string::npos)
      << decorated;
  EXPECT_NE(decorated.find("Source: from-repart (topics: [app-agg-repartition])"),
            std::string::npos);
  EXPECT_NE(decorated.find("Sink: out (topic: output)"), std::string::npos);
}

TEST(DescribeTest, DiamondsCountEveryPathInTheSubtreeSize) {
  // Kafka's size is the number of paths from a node down: "top" (7 nodes in two stacked
  // diamonds, 13 paths) prints before "chain-1" (8 nodes, 8 paths). src's successors were
  // compared while the sizes were still growing, so they print "chain-1, top".
  Topology topology;
  Source(topology, "src", {"in"});
  std::string previous = "src";
  for (int i = 1; i <= 8; ++i) {
    const std::string name = "chain-" + std::to_string(i);
    Pass(topology, name, {previous});
    previous = name;
  }
  Pass(topology, "top", {"src"});
  Pass(topology, "l1", {"top"});
  Pass(topology, "r1", {"top"});
  Pass(topology, "m", {"l1", "r1"});
  Pass(topology, "l2", {"m"});
  Pass(topology, "r2", {"m"});
  Pass(topology, "bottom", {"l2", "r2"});

  EXPECT_EQ(topology.describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: src (topics: [in])\n"
            "      --> chain-1, top\n"
            "    Processor: top (stores: [])\n"
            "      --> l1, r1\n"
            "      <-- src\n"
            "    Processor: chain-1 (stores: [])\n"
            "      --> chain-2\n"
            "      <-- src\n"
            "    Processor: chain-2 (stores: [])\n"
            "      --> chain-3\n"
            "      <-- chain-1\n"
            "    Processor: chain-3 (stores: [])\n"
            "      --> chain-4\n"
            "      <-- chain-2\n"
            "    Processor: l1 (stores: [])\n"
            "      --> m\n"
            "      <-- top\n"
            "    Processor: r1 (stores: [])\n"
            "      --> m\n"
            "      <-- top\n"
            "    Processor: chain-4 (stores: [])\n"
            "      --> chain-5\n"
            "      <-- chain-3\n"
            "    Processor: m (stores: [])\n"
            "      --> l2, r2\n"
            "      <-- l1, r1\n"
            "    Processor: chain-5 (stores: [])\n"
            "      --> chain-6\n"
            "      <-- chain-4\n"
            "    Processor: chain-6 (stores: [])\n"
            "      --> chain-7\n"
            "      <-- chain-5\n"
            "    Processor: chain-7 (stores: [])\n"
            "      --> chain-8\n"
            "      <-- chain-6\n"
            "    Processor: l2 (stores: [])\n"
            "      --> bottom\n"
            "      <-- m\n"
            "    Processor: r2 (stores: [])\n"
            "      --> bottom\n"
            "      <-- m\n"
            "    Processor: bottom (stores: [])\n"
            "      --> none\n"
            "      <-- l2, r2\n"
            "    Processor: chain-8 (stores: [])\n"
            "      --> none\n"
            "      <-- chain-7\n"
            "\n");
}

TEST(DescribeTest, TwelveTopicsPrintInTheOrderOfAJdk17HashSetCopy) {
  // new HashSet<>(topics) sizes its table from the list: on JDK 17 twelve topics get 32
  // buckets (JDK 19+ gives 16 and another order); Brook follows JDK 17.
  Topology topology;
  std::vector<std::string> topics;
  for (int i = 0; i < 12; ++i) {
    topics.push_back("topic-" + std::string(1, static_cast<char>('a' + i)) + std::to_string(i * 7));
  }
  Source(topology, "src", topics);

  EXPECT_EQ(topology.describe().toString(),
            "Topologies:\n"
            "   Sub-topology: 0\n"
            "    Source: src (topics: [topic-b7, topic-d21, topic-k70, topic-g42, topic-i56, "
            "topic-e28, topic-l77, topic-h49, topic-c14, topic-a0, topic-j63, topic-f35])\n"
            "      --> none\n"
            "\n");
}

TEST(DescribeTest, NamesCompareAsJavaStringsOfUtf16Units) {
  // Java compares UTF-16 units: an emoji (a surrogate pair, 0xD83D...) sorts before U+FB01,
  // though its UTF-8 bytes sort after.
  Topology topology;
  Source(topology, "src", {"in"});
  for (const char* name : {"\xef\xac\x81", "\xf0\x9f\x98\x80", "z", "\xc3\xa4"}) {
    Pass(topology, name, {"src"});
  }
  const TopologyDescription description = topology.describe();
  EXPECT_EQ(description.subtopologies()[0].nodes[0].successors,
            (std::vector<std::string>{"z", "\xc3\xa4", "\xf0\x9f\x98\x80", "\xef\xac\x81"}));
}

}  // namespace
}  // namespace brook::framework::topology
