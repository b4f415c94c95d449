#include "framework/topology/describe_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "framework/api/topology.h"
#include "framework/topology/describe.h"
#include "tests/framework/topology/test_nodes.h"

namespace brook::framework::topology {
namespace {

using streams::RecordContext;
using streams::TopicPattern;
using streams::Topology;
using streams::TopologyDescription;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::PassThroughSupplier;
using testing::StringSerde;
using Kind = TopologyDescription::Node::Kind;

using S = std::string;

// Two sub-topologies joined by "repart", stores, a pattern source, an extractor sink and a
// processor with two children.
Topology MakeTopology() {
  Topology topology;
  topology.addStateStore(testing::Store("counts"));
  topology.addStateStore(testing::Store("totals"));
  topology.addSource<S, S>("src", std::vector<std::string>{"in", "in-2"}, StringSerde(),
                           StringSerde());
  topology.addProcessor<S, S, S, S>("by-key", PassThroughSupplier<S, S>(), {"src"});
  topology.addSink<S, S>("to-repart", "repart", StringSerde(), StringSerde(), {"by-key"});
  topology.addSink<S, S>("audit", "audit-log", StringSerde(), StringSerde(), {"by-key"});
  topology.addSource<S, S>("from-repart", std::vector<std::string>{"repart"}, StringSerde(),
                           StringSerde());
  topology.addProcessor<S, S, S, S>("count", PassThroughSupplier<S, S>(), {"from-repart"},
                                    {"counts", "totals"});
  topology.addSink<S, S>("out", "output", StringSerde(), StringSerde(), {"count"});
  topology.addSource<S, S>("logs", TopicPattern::compile("logs-.*"), StringSerde(), StringSerde());
  topology.addSink<S, S>("route", [](const S& key, const S&, const RecordContext&) { return key; },
                         StringSerde(), StringSerde(), {"logs"});
  return topology;
}

TopologyDescription Parse(const std::string& text) {
  auto parsed = ParseDescription(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? *parsed : TopologyDescription();
}

std::string ParseError(const std::string& text) {
  auto parsed = ParseDescription(text);
  EXPECT_FALSE(parsed.ok()) << text;
  return parsed.ok() ? std::string() : parsed.status().message();
}

TEST(DescribeParserTest, ReadsBackWhatDescribePrints) {
  const Topology topology = MakeTopology();
  const TopologyDescription parsed = Parse(topology.describe().toString());
  EXPECT_EQ(parsed.toString(), topology.describe().toString());
  ASSERT_EQ(parsed.subtopologies().size(), 3u);
  // Every field, not only the text: sub-topology 1 holds the processor with two stores.
  const auto& nodes = parsed.subtopologies()[1].nodes;
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0].kind, Kind::kSource);
  EXPECT_THAT(nodes[0].topics, ElementsAre("repart"));
  EXPECT_EQ(nodes[1].kind, Kind::kProcessor);
  EXPECT_EQ(nodes[1].name, "count");
  EXPECT_THAT(nodes[1].stores, ::testing::UnorderedElementsAre("counts", "totals"));
  EXPECT_THAT(nodes[1].predecessors, ElementsAre("from-repart"));
  EXPECT_THAT(nodes[1].successors, ElementsAre("out"));
  EXPECT_EQ(nodes[2].kind, Kind::kSink);
  EXPECT_THAT(nodes[2].topics, ElementsAre("output"));
  EXPECT_TRUE(nodes[2].successors.empty());
}

TEST(DescribeParserTest, DrawsWhatToDotDrawsFromTheTopology) {
  const Topology topology = MakeTopology();
  EXPECT_EQ(ToDot(Parse(topology.describe().toString())), topology.toDot());
}

// The text a Kafka Streams (Java) app prints: the extractor sink names a Java object, and a
// global store's sub-topology comes with its source and processor.
TEST(DescribeParserTest, ReadsAJavaAppsDescriptionWithAGlobalStore) {
  const std::string java =
      "Topologies:\n"
      "   Sub-topology: 0 for global store (will not generate tasks)\n"
      "    Source: KSTREAM-SOURCE-0000000001 (topics: [customers])\n"
      "      --> KTABLE-SOURCE-0000000002\n"
      "    Processor: KTABLE-SOURCE-0000000002 (stores: [customers-STATE-STORE-0000000000])\n"
      "      --> none\n"
      "      <-- KSTREAM-SOURCE-0000000001\n"
      "  Sub-topology: 1\n"
      "    Source: orders-source (topics: orders-.*)\n"
      "      --> route\n"
      "    Sink: route (extractor class: com.example.OrderRouter@5a2e4553)\n"
      "      <-- orders-source\n"
      "\n";
  const TopologyDescription parsed = Parse(java);
  ASSERT_EQ(parsed.globalStores().size(), 1u);
  const auto& global = parsed.globalStores()[0];
  EXPECT_EQ(global.id, 0);
  EXPECT_THAT(global.source.topics, ElementsAre("customers"));
  EXPECT_THAT(global.processor.stores, ElementsAre("customers-STATE-STORE-0000000000"));
  ASSERT_EQ(parsed.subtopologies().size(), 1u);
  const auto& nodes = parsed.subtopologies()[0].nodes;
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_TRUE(nodes[0].topics.empty());
  EXPECT_EQ(nodes[0].topic_pattern, "orders-.*");
  EXPECT_TRUE(nodes[1].topic_extractor);
  const std::string dot = ToDot(parsed);
  EXPECT_THAT(dot, HasSubstr("label=\"Sub-topology: 0 for global store\""));
  EXPECT_THAT(dot, HasSubstr("\"pattern:orders-.*\" -> \"node:orders-source\""));
  EXPECT_THAT(dot, HasSubstr("\"node:route\" -> \"extractor:route\""));
}

TEST(DescribeParserTest, RejectsWhatIsNotADescriptionNamingTheLine) {
  EXPECT_THAT(ParseError(""), HasSubstr("not a topology description"));
  EXPECT_THAT(ParseError("Topologies:\n"), HasSubstr("not a topology description"));
  EXPECT_THAT(ParseError("hello world\n"), HasSubstr("line 1: not a line of a topology"));
  EXPECT_THAT(ParseError("Topologies:\n  Source: s (topics: [t])\n"),
              HasSubstr("line 2: a node before any \"Sub-topology:\" line"));
  EXPECT_THAT(ParseError("Sub-topology: x\n"), HasSubstr("line 1: bad sub-topology id \"x\""));
  EXPECT_THAT(ParseError("Sub-topology: -1\n"), HasSubstr("bad sub-topology id"));
  EXPECT_THAT(ParseError("Sub-topology: 0\n  --> a\n"),
              HasSubstr("line 2: \"-->\" before any node"));
  EXPECT_THAT(ParseError("Sub-topology: 0\nSub-topology: 0\n"),
              HasSubstr("line 2: sub-topology 0 appears twice"));
  EXPECT_THAT(ParseError("Sub-topology: 0\n Source: s (topics: [t])\n Source: s (topics: [u])\n"),
              HasSubstr("line 3: node \"s\" appears twice"));
  EXPECT_THAT(ParseError("Sub-topology: 0\n Source: s (topics: [t])\n  --> a\n  --> b\n"),
              HasSubstr("line 4: a second \"-->\" line"));
  EXPECT_THAT(ParseError("Sub-topology: 0\n Source: s\n"), HasSubstr("line 2: expected"));
  EXPECT_THAT(ParseError("Sub-topology: 0\n Source: s (topics: [])\n"),
              HasSubstr("reads no topic"));
  EXPECT_THAT(ParseError("Sub-topology: 0\n Processor: p (state: [])\n"),
              HasSubstr("a processor without"));
  EXPECT_THAT(ParseError("Sub-topology: 0\n Sink: k (to: t)\n"), HasSubstr("a sink without"));
  EXPECT_THAT(ParseError("Sub-topology: 0\nTopologies:\n"), HasSubstr("is not the first line"));
  EXPECT_THAT(ParseError("Sub-topology: 0 for global store (will not generate tasks)\n"
                         " Source: s (topics: [t])\n"),
              HasSubstr("must have one source and then one processor"));
}

}  // namespace
}  // namespace brook::framework::topology
