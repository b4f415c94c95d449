#include "framework/topology/describe_parser.h"

#include <fmt/format.h>

#include <charconv>
#include <set>
#include <string>
#include <vector>

namespace brook::framework::topology {

using streams::TopologyDescription;
using Kind = TopologyDescription::Node::Kind;

namespace {

constexpr std::string_view kGlobalSuffix = " for global store (will not generate tasks)";

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

bool Consume(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// "a, b" as Java prints a collection's elements; "" gives none.
std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const size_t comma = text.find(", ");
    items.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 2);
  }
  return items;
}

class Parser {
 public:
  Result<TopologyDescription> Parse(std::string_view text) {
    size_t start = 0;
    while (start <= text.size()) {
      const size_t end = text.find('\n', start);
      const std::string_view line =
          Trim(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
      ++line_number_;
      if (!line.empty()) BROOK_RETURN_IF_ERROR(Line(line));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    BROOK_RETURN_IF_ERROR(CloseSubtopology());
    if (ids_.empty()) {
      return Status::InvalidArgument("no \"Sub-topology: <id>\" line: not a topology description");
    }
    return std::move(description_);
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument(fmt::format("line {}: {}", line_number_, what));
  }

  Status Line(std::string_view line) {
    if (line == "Topologies:") {
      if (!ids_.empty() || saw_header_) return Error("\"Topologies:\" is not the first line");
      saw_header_ = true;
      return Status::Ok();
    }
    std::string_view rest = line;
    if (Consume(rest, "Sub-topology: ")) return OpenSubtopology(rest);
    if (Consume(rest, "Source: ")) return AddNode(Kind::kSource, rest);
    if (Consume(rest, "Processor: ")) return AddNode(Kind::kProcessor, rest);
    if (Consume(rest, "Sink: ")) return AddNode(Kind::kSink, rest);
    if (Consume(rest, "-->")) return Links(Trim(rest), true);
    if (Consume(rest, "<--")) return Links(Trim(rest), false);
    return Error(fmt::format("not a line of a topology description: \"{}\"", line));
  }

  Status OpenSubtopology(std::string_view rest) {
    BROOK_RETURN_IF_ERROR(CloseSubtopology());
    global_ = rest.ends_with(kGlobalSuffix);
    if (global_) rest.remove_suffix(kGlobalSuffix.size());
    int id = -1;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), id);
    if (error != std::errc() || end != rest.data() + rest.size() || id < 0) {
      return Error(fmt::format("bad sub-topology id \"{}\"", rest));
    }
    if (!ids_.insert(id).second) return Error(fmt::format("sub-topology {} appears twice", id));
    open_ = true;
    current_ = TopologyDescription::Subtopology{id, {}};
    return Status::Ok();
  }

  Status CloseSubtopology() {
    if (!open_) return Status::Ok();
    open_ = false;
    if (!global_) {
      description_.mutable_subtopologies().push_back(std::move(current_));
      return Status::Ok();
    }
    const auto& nodes = current_.nodes;
    if (nodes.size() != 2 || nodes[0].kind != Kind::kSource || nodes[1].kind != Kind::kProcessor) {
      return Error(fmt::format(
          "the global store sub-topology {} must have one source and then one processor",
          current_.id));
    }
    description_.mutable_global_stores().push_back(
        TopologyDescription::GlobalStore{current_.id, nodes[0], nodes[1]});
    return Status::Ok();
  }

  // "<name> (<detail>)".
  Status AddNode(Kind kind, std::string_view rest) {
    if (!open_) return Error("a node before any \"Sub-topology:\" line");
    const size_t open = rest.find(" (");
    if (open == std::string_view::npos || !rest.ends_with(")") || open == 0) {
      return Error(fmt::format("expected \"<name> (...)\", got \"{}\"", rest));
    }
    TopologyDescription::Node node;
    node.kind = kind;
    node.name = std::string(rest.substr(0, open));
    if (!names_.insert(node.name).second) {
      return Error(fmt::format("node \"{}\" appears twice", node.name));
    }
    std::string_view detail = rest.substr(open + 2, rest.size() - open - 3);
    switch (kind) {
      case Kind::kSource:
        if (!Consume(detail, "topics: ")) return Error("a source without \"(topics: ...)\"");
        // Java prints a topic set as [a, b] and a pattern bare.
        if (detail.size() >= 2 && detail.front() == '[' && detail.back() == ']') {
          node.topics = SplitList(detail.substr(1, detail.size() - 2));
        } else {
          node.topic_pattern = std::string(detail);
        }
        if (node.topics.empty() && node.topic_pattern.empty()) {
          return Error(fmt::format("source \"{}\" reads no topic", node.name));
        }
        break;
      case Kind::kProcessor:
        if (!Consume(detail, "stores: [") || !detail.ends_with("]")) {
          return Error("a processor without \"(stores: [...])\"");
        }
        node.stores = SplitList(detail.substr(0, detail.size() - 1));
        break;
      case Kind::kSink:
        if (Consume(detail, "topic: ")) {
          node.topics.emplace_back(detail);
        } else if (detail.starts_with("extractor class: ")) {
          node.topic_extractor = true;
        } else {
          return Error("a sink without \"(topic: ...)\" or \"(extractor class: ...)\"");
        }
        break;
    }
    current_.nodes.push_back(std::move(node));
    return Status::Ok();
  }

  Status Links(std::string_view names, bool successors) {
    if (!open_ || current_.nodes.empty()) {
      return Error(fmt::format("\"{}\" before any node", successors ? "-->" : "<--"));
    }
    auto& node = current_.nodes.back();
    auto& list = successors ? node.successors : node.predecessors;
    if (!list.empty())
      return Error(fmt::format("a second \"{}\" line", successors ? "-->" : "<--"));
    if (names != "none") list = SplitList(names);
    return Status::Ok();
  }

  TopologyDescription description_;
  TopologyDescription::Subtopology current_;
  bool open_ = false;
  bool global_ = false;
  bool saw_header_ = false;
  std::set<int> ids_;
  std::set<std::string> names_;
  int line_number_ = 0;
};

}  // namespace

Result<TopologyDescription> ParseDescription(std::string_view text) { return Parser().Parse(text); }

}  // namespace brook::framework::topology
