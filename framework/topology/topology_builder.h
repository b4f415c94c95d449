#pragma once

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "framework/api/detail/node_factory.h"
#include "statestore/api/store_builder.h"

namespace brook::framework::topology {

using streams::detail::NodeFactory;
using streams::detail::NodeInstance;
using streams::detail::SerdeDefaults;
using streams::detail::SourceInstance;
using streams::detail::TaskContext;

// A repartition topic the application creates: "<application.id>-<name>-repartition".
struct InternalTopic {
  std::string name;                   // decorated when built with an application id
  std::optional<int32_t> partitions;  // empty: as many as the upstream source topics
};

// The nodes of one task, made from a built topology for one sub-topology.
// Thread safety: used by the task's thread only.
class TaskTopology {
 public:
  TaskTopology() = default;
  TaskTopology(const TaskTopology&) = delete;
  TaskTopology& operator=(const TaskTopology&) = delete;

  // Gives every node its context (children in the order they were added) and calls init, in
  // the order the nodes were added. A processor's init may throw; the task reports it.
  void Init(TaskContext* task);
  // Calls close on every node that was initialised, in the order they were added.
  void Close();
  // The source that reads `topic` (a decorated name), or nullptr.
  SourceInstance* SourceFor(std::string_view topic) const;
  const std::vector<std::unique_ptr<NodeInstance>>& nodes() const { return nodes_; }
  // Whether `node` (one of nodes()) is connected to the store `store`.
  bool Connected(const NodeInstance* node, std::string_view store) const;

 private:
  friend class BuiltTopology;
  std::vector<std::unique_ptr<NodeInstance>> nodes_;
  std::vector<std::vector<std::string>> stores_of_node_;  // parallel to nodes_
  std::vector<std::vector<int>> children_;
  std::map<std::string, SourceInstance*, std::less<>> source_by_topic_;
  std::vector<std::pair<std::regex, SourceInstance*>> source_by_pattern_;
  size_t initialised_ = 0;
};

// A state store of a built topology: its builder (serdes resolved) and its changelog.
struct StoreInfo {
  std::shared_ptr<const streams::AbstractStoreBuilder> builder;
  // "<application.id>-<store>-changelog" ("<store>-changelog" when built without an
  // application id); empty when the builder's logging is disabled.
  std::string changelog_topic;
  int subtopology = -1;  // -1: no processor uses the store (no task makes it)
};

// A checked topology: nodes resolved and typed, split into sub-topologies. Immutable and
// shared by every task of every thread.
class BuiltTopology {
 public:
  struct Node {
    std::shared_ptr<const NodeFactory> factory;
    std::vector<int> parents;   // indexes into nodes(), in the order declared
    std::vector<int> children;  // in the order the children were added
    std::vector<std::string> stores;  // its own and those connected by name
    int subtopology = -1;
  };
  struct Subtopology {
    int id = 0;
    std::vector<int> nodes;                   // in the order they were added
    std::vector<std::string> source_topics;   // decorated
    std::vector<std::string> source_patterns;  // regexes
    std::vector<std::string> sink_topics;     // decorated; extractor sinks are not listed
    std::vector<std::string> repartition_source_topics;  // decorated, subset of source_topics
    std::vector<std::string> stores;            // names of the stores its processors use
    std::vector<std::string> changelog_topics;  // of those stores that log, in the same order
    // A global store's source and processor (Kafka: "for global store (will not generate
    // tasks)"): no stream task runs it; the global state task feeds its store with every
    // partition of its topic. source_topics holds that topic, stores the store.
    bool global = false;
  };

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Subtopology>& subtopologies() const { return subtopologies_; }
  const std::vector<InternalTopic>& internal_topics() const { return internal_topics_; }
  // Every store added to the topology, by name.
  const std::map<std::string, StoreInfo>& stores() const { return stores_; }
  // The store named `name`, or nullptr.
  const StoreInfo* FindStore(const std::string& name) const;
  const std::string& application_id() const { return application_id_; }
  // "<application.id>-" or "" when built without one.
  std::string topic_prefix() const { return application_id_.empty() ? "" : application_id_ + "-"; }

  // The sub-topology whose tasks read `topic` (decorated; patterns tried after names), or -1.
  // Global topics belong to no task: -1.
  int SubtopologyOf(std::string_view topic) const;
  // True when some source subscribes with a pattern.
  bool has_patterns() const;
  // Every topic name a task's source reads (not the patterns, not the global topics).
  std::vector<std::string> SourceTopics() const;
  // The topics of the global stores, and the ids of their sub-topologies.
  std::vector<std::string> GlobalSourceTopics() const;
  std::vector<int> GlobalSubtopologies() const;
  // Whether `store` is a global store.
  bool IsGlobalStore(const std::string& store) const;

  // Makes the nodes of one task of sub-topology `id`. Throws StreamsException when a supplier
  // returns no processor.
  std::unique_ptr<TaskTopology> Instantiate(int id) const;

 private:
  friend class TopologyBuilder;
  std::vector<Node> nodes_;
  std::vector<Subtopology> subtopologies_;
  std::vector<InternalTopic> internal_topics_;
  std::map<std::string, StoreInfo> stores_;
  std::string application_id_;
};

struct BuildOptions {
  // Empty: internal topics keep their undecorated names (describe() before start).
  std::string application_id;
  SerdeDefaults serdes;
  // False for describe(): missing serdes are not an error there.
  bool resolve_serdes = true;
};

// Collects nodes (Processor API or DSL) and checks them into a BuiltTopology (DESIGN.md
// decision 7: a Boost.Graph graph; sub-topologies are its connected components once
// repartition topics cut it). Nodes may be added in any order; parent and store names are
// resolved at Build.
// Thread safety: not thread-safe; build before starting.
class TopologyBuilder {
 public:
  // Throws TopologyException for an empty or duplicate name, or a source topic that another
  // source already reads.
  void AddNode(std::shared_ptr<NodeFactory> node);
  NodeFactory* FindNode(const std::string& name) const;
  void AddInternalTopic(std::string name, std::optional<int32_t> partitions);
  // Adds a state store (Kafka's addStateStore); the builder is kept as given (callers pass a
  // clone). Throws TopologyException for a name another store already has.
  void AddStore(std::shared_ptr<streams::AbstractStoreBuilder> builder);
  // Connects `processor` to `stores`; both are checked at Build.
  void ConnectProcessorAndStores(const std::string& processor, std::vector<std::string> stores);
  // Adds a global store (Kafka's addGlobalStore): `source` reads one topic, all of its
  // partitions on every instance, and hands each record to `processor` (its only child, which
  // must have no children), the one processor that writes the store. The topic is the store's
  // changelog, so the store's own logging is turned off. Any processor may read the store
  // without being connected to it. Throws TopologyException as AddNode and AddStore do, and for
  // a source that does not read exactly one topic.
  void AddGlobalStore(std::shared_ptr<streams::AbstractStoreBuilder> builder,
                      std::shared_ptr<NodeFactory> source, std::shared_ptr<NodeFactory> processor);
  bool empty() const { return nodes_.empty(); }

  // Throws TopologyException naming the problem: an unknown parent, child or store name; a
  // source or sink used as a parent or child wrongly; mismatched record types; a cycle; a
  // missing serde of a node or a store (when options.resolve_serdes); an empty topology.
  std::shared_ptr<const BuiltTopology> Build(const BuildOptions& options) const;

 private:
  std::vector<std::shared_ptr<NodeFactory>> nodes_;
  std::map<std::string, size_t> index_by_name_;
  std::vector<InternalTopic> internal_topics_;
  std::map<std::string, std::shared_ptr<streams::AbstractStoreBuilder>> stores_;
  std::vector<std::pair<std::string, std::vector<std::string>>> store_connections_;
  std::set<std::string> global_sources_;
  std::set<std::string> global_stores_;
};

}  // namespace brook::framework::topology
