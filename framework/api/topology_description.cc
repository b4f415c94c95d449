#include "framework/api/topology_description.h"

#include <algorithm>

namespace brook::streams {

namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// Kafka's nodeNames: "none" for no node.
std::string NodeNames(const std::vector<std::string>& names) {
  return names.empty() ? "none" : Join(names);
}

// One node as Kafka's Source, Processor and Sink print themselves (no trailing newline).
std::string NodeText(const TopologyDescription::Node& node) {
  using Kind = TopologyDescription::Node::Kind;
  switch (node.kind) {
    case Kind::kSource:
      // A pattern source prints its regex bare; topics print as a Java set: [a, b].
      return "Source: " + node.name + " (topics: " +
             (node.topics.empty() ? node.topic_pattern : "[" + Join(node.topics) + "]") +
             ")\n      --> " + NodeNames(node.successors);
    case Kind::kProcessor:
      return "Processor: " + node.name + " (stores: [" + Join(node.stores) + "])\n      --> " +
             NodeNames(node.successors) + "\n      <-- " + NodeNames(node.predecessors);
    case Kind::kSink:
      // Java prints the extractor object itself; a C++ callable has no such name.
      return "Sink: " + node.name +
             (node.topic_extractor
                  ? std::string(" (extractor class: TopicNameExtractor)")
                  : " (topic: " + (node.topics.empty() ? std::string() : node.topics.front()) +
                        ")") +
             "\n      <-- " + NodeNames(node.predecessors);
  }
  return node.name;
}

}  // namespace

// Kafka's TopologyDescription.toString: "Topologies:\n " and then, in id order, each
// sub-topology indented by two more spaces, its nodes by four, and a blank line after each
// sub-topology. (So the first header has three spaces before it and the others two.) A global
// store prints its source and processor with no blank line after them.
std::string TopologyDescription::toString() const {
  std::vector<std::pair<int, std::string>> parts;
  for (const auto& sub : subtopologies_) {
    std::string text = "  Sub-topology: " + std::to_string(sub.id) + "\n";
    for (const auto& node : sub.nodes) text += "    " + NodeText(node) + "\n";
    parts.emplace_back(sub.id, text + "\n");
  }
  for (const auto& global : global_stores_) {
    parts.emplace_back(global.id, "  Sub-topology: " + std::to_string(global.id) +
                                      " for global store (will not generate tasks)\n    " +
                                      NodeText(global.source) + "\n    " +
                                      NodeText(global.processor) + "\n");
  }
  std::stable_sort(parts.begin(), parts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = "Topologies:\n ";
  for (const auto& [id, text] : parts) out += text;
  return out;
}

}  // namespace brook::streams
