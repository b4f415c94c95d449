#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "framework/api/topology.h"
#include "framework/topology/topology_builder.h"
#include "tests/framework/topology/test_nodes.h"

namespace brook::framework::topology {
namespace {

using streams::RecordContext;
using streams::TopicPattern;
using streams::Topology;
using ::testing::HasSubstr;
using testing::PassThroughSupplier;
using testing::StringSerde;

using S = std::string;

// Two sub-topologies linked by "repart", a store, a pattern source and an extractor sink.
Topology MakeTopology() {
  Topology topology;
  topology.addStateStore(testing::Store("counts"));
  topology.addSource<S, S>("src", std::vector<std::string>{"in"}, StringSerde(), StringSerde());
  topology.addProcessor<S, S, S, S>("by-key", PassThroughSupplier<S, S>(), {"src"});
  topology.addSink<S, S>("to-repart", "repart", StringSerde(), StringSerde(), {"by-key"});
  topology.addSource<S, S>("from-repart", std::vector<std::string>{"repart"}, StringSerde(),
                           StringSerde());
  topology.addProcessor<S, S, S, S>("count", PassThroughSupplier<S, S>(), {"from-repart"},
                                    {"counts"});
  topology.addSink<S, S>("out", "output", StringSerde(), StringSerde(), {"count"});
  topology.addSource<S, S>("logs", TopicPattern::compile("logs-.*"), StringSerde(), StringSerde());
  topology.addSink<S, S>("route", [](const S& key, const S&, const RecordContext&) { return key; },
                         StringSerde(), StringSerde(), {"logs"});
  return topology;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The lines inside `subgraph "cluster_<id>" { ... }`.
std::vector<std::string> ClusterLines(const std::string& dot, int id) {
  std::vector<std::string> inside;
  bool in_cluster = false;
  for (const auto& line : Lines(dot)) {
    if (line == "  subgraph \"cluster_" + std::to_string(id) + "\" {") {
      in_cluster = true;
    } else if (in_cluster && line == "  }") {
      break;
    } else if (in_cluster) {
      inside.push_back(line);
    }
  }
  return inside;
}

bool AnyLineHas(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& line : lines) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(DotTest, OneLabelledClusterPerSubtopology) {
  const std::string dot = MakeTopology().toDot();
  EXPECT_EQ(dot.rfind("digraph \"topology\" {\n", 0), 0u) << dot;
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
  for (int id = 0; id < 3; ++id) {
    const auto cluster = ClusterLines(dot, id);
    ASSERT_FALSE(cluster.empty()) << "no cluster " << id << " in\n" << dot;
    EXPECT_TRUE(AnyLineHas(cluster, "label=\"Sub-topology: " + std::to_string(id) + "\";"));
  }
  EXPECT_TRUE(ClusterLines(dot, 3).empty());
}

TEST(DotTest, ProcessorsAreBoxesInsideTheirClusterAndStoresAreCylinders) {
  const std::string dot = MakeTopology().toDot();
  const auto first = ClusterLines(dot, 0);
  EXPECT_TRUE(AnyLineHas(first, "\"node:src\" [shape=box"));
  EXPECT_TRUE(AnyLineHas(first, "\"node:by-key\" [shape=box, label=\"Processor\\nby-key\"]"));
  EXPECT_FALSE(AnyLineHas(first, "\"node:count\""));
  const auto second = ClusterLines(dot, 1);
  EXPECT_TRUE(AnyLineHas(second, "\"node:count\" [shape=box"));
  EXPECT_TRUE(AnyLineHas(second, "\"store:counts\" [shape=cylinder, label=\"counts\"]"));
  EXPECT_THAT(dot, HasSubstr("  \"node:count\" -> \"store:counts\" [dir=none, style=dashed];\n"));
}

TEST(DotTest, TopicsAreEllipsesOutsideClustersWithEdgesIntoSourcesAndOutOfSinks) {
  const std::string dot = MakeTopology().toDot();
  for (int id = 0; id < 3; ++id) EXPECT_FALSE(AnyLineHas(ClusterLines(dot, id), "\"topic:"));
  EXPECT_THAT(dot, HasSubstr("  \"topic:in\" [shape=ellipse, label=\"in\"];\n"));
  EXPECT_THAT(dot, HasSubstr("  \"topic:in\" -> \"node:src\";\n"));
  EXPECT_THAT(dot, HasSubstr("  \"node:src\" -> \"node:by-key\";\n"));
  EXPECT_THAT(dot, HasSubstr("  \"node:out\" -> \"topic:output\";\n"));
  EXPECT_THAT(dot, HasSubstr("\"pattern:logs-.*\" [shape=ellipse, style=dashed"));
  EXPECT_THAT(dot, HasSubstr("  \"pattern:logs-.*\" -> \"node:logs\";\n"));
  EXPECT_THAT(dot, HasSubstr("  \"node:route\" -> \"extractor:route\";\n"));
}

TEST(DotTest, RepartitionTopicLinksTheTwoClusters) {
  const std::string dot = MakeTopology().toDot();
  const auto lines = Lines(dot);
  int declared = 0;
  for (const auto& line : lines) {
    if (line.rfind("  \"topic:repart\" [", 0) == 0) ++declared;
  }
  EXPECT_EQ(declared, 1) << "one node for the topic both sub-topologies use\n" << dot;
  EXPECT_THAT(dot, HasSubstr("  \"node:to-repart\" -> \"topic:repart\";\n"));
  EXPECT_THAT(dot, HasSubstr("  \"topic:repart\" -> \"node:from-repart\";\n"));
}

TEST(DotTest, NamesAreQuotedAndEscaped) {
  Topology topology;
  topology.addSource<S, S>("src-1", std::vector<std::string>{"in.put"}, StringSerde(),
                           StringSerde());
  topology.addProcessor<S, S, S, S>("we\"ird\\name", PassThroughSupplier<S, S>(), {"src-1"});
  const std::string dot = topology.toDot();
  EXPECT_THAT(dot, HasSubstr("  \"node:src-1\" -> \"node:we\\\"ird\\\\name\";\n"));
  EXPECT_THAT(dot, HasSubstr("label=\"Processor\\nwe\\\"ird\\\\name\""));
}

TEST(DotTest, OutputIsDeterministic) { EXPECT_EQ(MakeTopology().toDot(), MakeTopology().toDot()); }

TEST(DotTest, GraphvizAcceptsTheOutput) {
  if (std::system("command -v dot >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "Graphviz's dot is not installed";
  }
  const std::string path =
      ::testing::TempDir() + "brook_dot_test_" + std::to_string(::getpid()) + ".dot";
  {
    std::ofstream out(path);
    out << MakeTopology().toDot();
  }
  const std::string command = "dot -Tsvg '" + path + "' -o /dev/null";
  const int status = std::system(command.c_str());
  std::remove(path.c_str());
  EXPECT_EQ(status, 0) << command;
}

}  // namespace
}  // namespace brook::framework::topology
