// `brook topology` run as a child process on the examples' `--describe` text: the DOT it
// prints, the SVG through Graphviz, its errors, and the committed pictures in docs/images/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "framework/topology/describe.h"
#include "framework/topology/describe_parser.h"
#include "tests/tools/subprocess.h"

namespace brook::tools {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::chrono::seconds kDeadline(60);

struct Example {
  const char* name;  // also the picture's name under docs/images/
  const char* path;
};

const std::vector<Example>& Examples() {
  static const std::vector<Example> examples = {{"wordcount", BROOK_WORDCOUNT_PATH},
                                                {"sensor-windows", BROOK_SENSOR_WINDOWS_PATH},
                                                {"leave-requests", BROOK_LEAVE_REQUESTS_PATH}};
  return examples;
}

std::string Describe(const Example& example) {
  ProcessResult described = RunProcess({example.path, "--describe"}, "", kDeadline);
  EXPECT_EQ(described.exit_code, 0) << example.name << ": " << described.err;
  return described.out;
}

ProcessResult Topology(std::vector<std::string> args, const std::string& input) {
  args.insert(args.begin(), {BROOK_CLI_PATH, "topology"});
  return RunProcess(args, input, kDeadline);
}

bool GraphvizInstalled() { return std::system("command -v dot >/dev/null 2>&1") == 0; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(TopologyCommandTest, DrawsEachExampleAsItsDescriptionDoes) {
  for (const auto& example : Examples()) {
    const std::string text = Describe(example);
    ASSERT_THAT(text, StartsWith("Topologies:")) << example.name;
    auto description = framework::topology::ParseDescription(text);
    ASSERT_TRUE(description.ok()) << example.name << ": " << description.status().message();
    // --dot is the default; both give the same DOT, from standard input.
    for (const std::vector<std::string>& flags :
         {std::vector<std::string>{"--dot"}, std::vector<std::string>{}}) {
      ProcessResult result = Topology(flags, text);
      EXPECT_EQ(result.exit_code, 0) << example.name << ": " << result.err;
      EXPECT_EQ(result.out, framework::topology::ToDot(*description)) << example.name;
      EXPECT_THAT(result.out, StartsWith("digraph \"topology\" {")) << example.name;
    }
  }
}

// The pictures the docs show are what the examples draw now (scripts/topology_pictures.sh
// redraws them).
TEST(TopologyCommandTest, TheDocsPicturesAreCurrent) {
  for (const auto& example : Examples()) {
    ProcessResult result = Topology({}, Describe(example));
    const std::string committed =
        ReadFile(std::string(BROOK_SOURCE_DIR) + "/docs/images/" + example.name + ".dot");
    EXPECT_EQ(result.out, committed)
        << "docs/images/" << example.name
        << ".dot is stale: run scripts/topology_pictures.sh and commit the result";
  }
}

TEST(TopologyCommandTest, SvgComesFromGraphviz) {
  if (!GraphvizInstalled()) GTEST_SKIP() << "Graphviz's dot is not installed";
  for (const auto& example : Examples()) {
    ProcessResult result = Topology({"--svg"}, Describe(example));
    EXPECT_EQ(result.exit_code, 0) << example.name << ": " << result.err;
    EXPECT_THAT(result.out, HasSubstr("<svg")) << example.name;
    EXPECT_THAT(result.out, HasSubstr("</svg>")) << example.name;
  }
}

TEST(TopologyCommandTest, SvgWithoutGraphvizSaysWhatIsMissing) {
  ProcessResult result =
      RunProcess({"/usr/bin/env", "PATH=/nonexistent", BROOK_CLI_PATH, "topology", "--svg"},
                 Describe(Examples()[0]), kDeadline);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr("--svg needs Graphviz's dot on PATH"));
  EXPECT_TRUE(result.out.empty());
}

TEST(TopologyCommandTest, ReadsAFileAndNamesItInErrors) {
  const std::string dir = ::testing::TempDir();
  const std::string good = dir + "brook_topology_good.txt";
  const std::string bad = dir + "brook_topology_bad.txt";
  std::ofstream(good) << Describe(Examples()[0]);
  std::ofstream(bad) << "Topologies:\n   Sub-topology: 0\n    Source: s (topics: [t])\n"
                        "    Sideways: x\n";

  ProcessResult ok = Topology({good}, "");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, StartsWith("digraph"));

  ProcessResult malformed = Topology({bad}, "");
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_THAT(malformed.err, HasSubstr(bad + ": line 4: not a line of a topology description"));
  EXPECT_TRUE(malformed.out.empty());

  ProcessResult missing = Topology({dir + "brook_topology_missing.txt"}, "");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("cannot read"));

  ProcessResult garbage = Topology({}, "not a topology\n");
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_THAT(garbage.err, HasSubstr("standard input: line 1"));

  ProcessResult both = Topology({"--dot", "--svg"}, "");
  EXPECT_EQ(both.exit_code, 2);
  std::remove(good.c_str());
  std::remove(bad.c_str());
}

}  // namespace
}  // namespace brook::tools
