#pragma once

#include <string>
#include <vector>

namespace brook::streams {

// What describe() tells about a topology (Kafka Streams' TopologyDescription).
// toString() is Kafka Streams' text form, e.g.
//
//   Topologies:
//     Sub-topology: 0
//      Source: KSTREAM-SOURCE-0000000000 (topics: [input])
//        --> KSTREAM-FILTER-0000000001
//      Processor: KSTREAM-FILTER-0000000001 (stores: [])
//        --> KSTREAM-SINK-0000000002
//        <-- KSTREAM-SOURCE-0000000000
//      Sink: KSTREAM-SINK-0000000002 (topic: output)
//        <-- KSTREAM-FILTER-0000000001
//
// (each line above after "//" and two spaces; built by framework/topology/describe.cc).
class TopologyDescription {
 public:
  struct Node {
    enum class Kind { kSource, kProcessor, kSink } kind;
    std::string name;
    std::vector<std::string> topics;  // sources: topics read; sinks: the topic written
    std::string topic_pattern;        // sources reading a pattern
    bool topic_extractor = false;     // sinks choosing the topic per record
    std::vector<std::string> stores;
    std::vector<std::string> predecessors;
    std::vector<std::string> successors;
  };
  struct Subtopology {
    int id = 0;
    std::vector<Node> nodes;  // in Kafka Streams' print order
  };

  // A global store's sub-topology (Kafka's TopologyDescription.GlobalStore): its source and
  // processor, printed as "Sub-topology: <id> for global store (will not generate tasks)".
  struct GlobalStore {
    int id = 0;
    Node source;
    Node processor;
  };

  const std::vector<Subtopology>& subtopologies() const { return subtopologies_; }
  std::vector<Subtopology>& mutable_subtopologies() { return subtopologies_; }
  const std::vector<GlobalStore>& globalStores() const { return global_stores_; }
  std::vector<GlobalStore>& mutable_global_stores() { return global_stores_; }
  std::string toString() const;

 private:
  std::vector<Subtopology> subtopologies_;
  std::vector<GlobalStore> global_stores_;
};

}  // namespace brook::streams
