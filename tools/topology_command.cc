// `brook topology [--dot | --svg] [FILE]`: draws a stream app's topology from the text of Kafka
// Streams' describe() (Brook's `<app> --describe`, or a Java app's topology.describe()).

#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "framework/topology/describe.h"
#include "framework/topology/describe_parser.h"
#include "tools/command.h"

namespace brook::tools {
namespace {

struct TopologyOptions {
  bool dot = false;  // the default; the flag only says so
  bool svg = false;
  std::string file = "-";
};

Result<std::string> ReadInput(const std::string& file) {
  if (file == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot read {}: {}", file, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether an executable `name` is on PATH.
bool OnPath(std::string_view name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view dirs = path;
  while (true) {
    const size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + std::string(name);
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) return false;
    dirs.remove_prefix(colon + 1);
  }
}

// Runs `dot -Tsvg` with `dot_text` on its standard input; its output goes to ours.
Status RenderSvg(const std::string& dot_text) {
  if (!OnPath("dot")) {
    return Status::FailedPrecondition(
        "--svg needs Graphviz's dot on PATH (Debian: apt-get install graphviz); --dot prints "
        "the DOT text without it");
  }
  std::fflush(stdout);
  FILE* dot = ::popen("dot -Tsvg", "w");
  if (dot == nullptr) {
    return Status::IOError(fmt::format("cannot run dot: {}", std::strerror(errno)));
  }
  const bool written = std::fwrite(dot_text.data(), 1, dot_text.size(), dot) == dot_text.size();
  const int status = ::pclose(dot);
  if (!written || status != 0) {
    return Status::Internal(fmt::format("dot -Tsvg failed (exit status {})",
                                        WIFEXITED(status) ? WEXITSTATUS(status) : status));
  }
  return Status::Ok();
}

Status RunTopology(const TopologyOptions& options) {
  BROOK_ASSIGN_OR_RETURN(std::string text, ReadInput(options.file));
  auto description = framework::topology::ParseDescription(text);
  if (!description.ok()) {
    return Status::InvalidArgument(
        fmt::format("{}: {}", options.file == "-" ? "standard input" : options.file,
                    description.status().message()));
  }
  const std::string dot = framework::topology::ToDot(*description);
  if (options.svg) return RenderSvg(dot);
  std::fwrite(dot.data(), 1, dot.size(), stdout);
  return Status::Ok();
}

}  // namespace

void AddTopologyCommand(CLI::App& app, Action& action) {
  auto options = std::make_shared<TopologyOptions>();
  CLI::App* command = app.add_subcommand(
      "topology",
      "Draw a topology from the text of Kafka Streams' describe() (an example's --describe, or "
      "a Java app's topology.describe()): Graphviz DOT, or SVG through Graphviz's dot");
  auto* dot_flag = command->add_flag("--dot", options->dot, "print Graphviz DOT (the default)");
  command
      ->add_flag("--svg", options->svg, "print SVG, rendered by Graphviz's dot (must be on PATH)")
      ->excludes(dot_flag);
  command->add_option("file", options->file, "the describe() text; - or absent: standard input");
  command->callback([&action, options] { action = [options] { return RunTopology(*options); }; });
}

}  // namespace brook::tools
