#include "framework/topology/topology_builder.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/depth_first_search.hpp>

#include "framework/api/errors.h"

namespace brook::framework::topology {

using streams::StreamsException;
using streams::TopologyException;
using streams::detail::NodeContext;
using streams::detail::NodeKind;
using streams::detail::RecordTypes;
using streams::detail::TypeName;

namespace {

std::string KindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kSource:
      return "source";
    case NodeKind::kProcessor:
      return "processor";
    case NodeKind::kSink:
      return "sink";
  }
  return "node";
}

std::string RecordTypeName(const RecordTypes& types) {
  return "Record<" + TypeName(types.key) + ", " + TypeName(types.value) + ">";
}

// Finds one cycle of the directed parent -> child graph, as node indexes in order, or nothing.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<int>* cycle;
  std::vector<int>* parent_of;
  template <typename Edge, typename Graph>
  void back_edge(Edge edge, const Graph& graph) {
    if (!cycle->empty()) return;
    int from = static_cast<int>(boost::source(edge, graph));
    int to = static_cast<int>(boost::target(edge, graph));
    std::vector<int> path{from};
    for (int at = from; at != to && at >= 0;) {
      at = (*parent_of)[at];
      path.push_back(at);
    }
    std::reverse(path.begin(), path.end());
    path.push_back(to);
    *cycle = std::move(path);
  }
  template <typename Edge, typename Graph>
  void tree_edge(Edge edge, const Graph& graph) {
    (*parent_of)[boost::target(edge, graph)] = static_cast<int>(boost::source(edge, graph));
  }
};

}  // namespace

void TopologyBuilder::AddNode(std::shared_ptr<NodeFactory> node) {
  if (node->name().empty()) throw TopologyException("a node needs a non-empty name");
  if (index_by_name_.count(node->name()) != 0) {
    throw TopologyException("a node named " + node->name() + " is already in the topology");
  }
  if (node->kind() == NodeKind::kSource) {
    if (node->topics.empty() && !node->topic_pattern) {
      throw TopologyException("source " + node->name() + " reads no topic");
    }
    for (const auto& other : nodes_) {
      if (other->kind() != NodeKind::kSource) continue;
      for (const auto& topic : node->topics) {
        if (std::find(other->topics.begin(), other->topics.end(), topic) != other->topics.end()) {
          throw TopologyException("topic " + topic + " is already read by source " +
                                  other->name() + "; a topic can have only one source");
        }
      }
    }
  }
  index_by_name_[node->name()] = nodes_.size();
  nodes_.push_back(std::move(node));
}

NodeFactory* TopologyBuilder::FindNode(const std::string& name) const {
  auto it = index_by_name_.find(name);
  return it == index_by_name_.end() ? nullptr : nodes_[it->second].get();
}

void TopologyBuilder::AddInternalTopic(std::string name, std::optional<int32_t> partitions) {
  internal_topics_.push_back({std::move(name), partitions});
}

void TopologyBuilder::AddStore(std::shared_ptr<streams::AbstractStoreBuilder> builder) {
  if (builder == nullptr) throw TopologyException("addStateStore: the store builder is null");
  if (builder->name().empty()) throw TopologyException("a state store needs a non-empty name");
  const std::string name = builder->name();
  if (!stores_.emplace(name, std::move(builder)).second) {
    throw TopologyException("a different state store has already been added with the name " +
                            name);
  }
}

void TopologyBuilder::ConnectProcessorAndStores(const std::string& processor,
                                                std::vector<std::string> stores) {
  store_connections_.emplace_back(processor, std::move(stores));
}

void TopologyBuilder::AddGlobalStore(std::shared_ptr<streams::AbstractStoreBuilder> builder,
                                     std::shared_ptr<NodeFactory> source,
                                     std::shared_ptr<NodeFactory> processor) {
  if (builder == nullptr) throw TopologyException("addGlobalStore: the store builder is null");
  if (builder->loggingEnabled()) {
    throw TopologyException("StateStore " + builder->name() +
                            " for global table must not have logging enabled.");
  }
  if (source->kind() != NodeKind::kSource || source->topics.size() != 1 ||
      source->topic_pattern) {
    throw TopologyException("global store " + builder->name() + ": source " + source->name() +
                            " must read exactly one topic");
  }
  if (source->name() == processor->name()) {
    throw TopologyException("sourceName and processorName must be different.");
  }
  const std::string store = builder->name();
  const std::string source_name = source->name();
  const std::string processor_name = processor->name();
  AddNode(std::move(source));
  AddNode(std::move(processor));
  AddStore(std::move(builder));
  ConnectProcessorAndStores(processor_name, {store});
  global_sources_.insert(source_name);
  global_stores_.insert(store);
}

std::shared_ptr<const BuiltTopology> TopologyBuilder::Build(const BuildOptions& options) const {
  if (nodes_.empty()) throw TopologyException("the topology has no nodes");
  auto built = std::make_shared<BuiltTopology>();
  built->application_id_ = options.application_id;
  const std::string prefix = built->topic_prefix();
  const int count = static_cast<int>(nodes_.size());
  auto& nodes = built->nodes_;
  nodes.resize(count);
  std::vector<std::vector<std::string>> stores(count);
  for (int i = 0; i < count; ++i) {
    nodes[i].factory = options.resolve_serdes ? nodes_[i]->WithSerdes(options.serdes) : nodes_[i];
    stores[i] = nodes_[i]->stores;
  }

  // Parents and children, with the kinds and record types they must have.
  for (int i = 0; i < count; ++i) {
    const NodeFactory& node = *nodes[i].factory;
    if (node.kind() == NodeKind::kSource && !node.parents().empty()) {
      throw TopologyException("source " + node.name() + " cannot have a parent; it reads topics");
    }
    if (node.kind() != NodeKind::kSource && node.parents().empty()) {
      throw TopologyException(KindName(node.kind()) + " " + node.name() + " has no parent");
    }
    for (const std::string& parent_name : node.parents()) {
      auto it = index_by_name_.find(parent_name);
      if (it == index_by_name_.end()) {
        throw TopologyException(KindName(node.kind()) + " " + node.name() + " has parent " +
                                parent_name + ", which is not in the topology");
      }
      const int parent = static_cast<int>(it->second);
      const NodeFactory& parent_node = *nodes[parent].factory;
      if (parent_node.kind() == NodeKind::kSink) {
        throw TopologyException("sink " + parent_name + " cannot be the parent of " +
                                node.name() + "; a sink has no children");
      }
      if (parent_node.output_types() != node.input_types()) {
        throw TopologyException(parent_name + " forwards " +
                                RecordTypeName(*parent_node.output_types()) + " but its child " +
                                node.name() + " takes " + RecordTypeName(*node.input_types()));
      }
      if (std::find(nodes[i].parents.begin(), nodes[i].parents.end(), parent) !=
          nodes[i].parents.end()) {
        throw TopologyException(node.name() + " names parent " + parent_name + " twice");
      }
      nodes[i].parents.push_back(parent);
      nodes[parent].children.push_back(i);
    }
  }

  // Stores.
  for (const auto& [processor, names] : store_connections_) {
    auto it = index_by_name_.find(processor);
    if (it == index_by_name_.end()) {
      throw TopologyException("stores are connected to processor " + processor +
                              ", which is not in the topology");
    }
    auto& list = stores[it->second];
    list.insert(list.end(), names.begin(), names.end());
  }
  for (int i = 0; i < count; ++i) {
    const NodeFactory& node = *nodes[i].factory;
    if (!stores[i].empty() && node.kind() != NodeKind::kProcessor) {
      throw TopologyException("state store " + stores[i].front() + " is connected to " +
                              KindName(node.kind()) + " " + node.name() +
                              "; only processors use state stores");
    }
    for (const auto& store : stores[i]) {
      if (global_stores_.count(store) != 0 && !nodes[i].parents.empty() &&
          global_sources_.count(nodes[nodes[i].parents.front()].factory->name()) == 0) {
        throw TopologyException("Global StateStore " + store +
                                " can be used by a Processor without being specified; it should "
                                "not be explicitly passed.");
      }
      if (stores_.count(store) == 0) {
        throw TopologyException("processor " + nodes[i].factory->name() + " uses state store " +
                                store + ", which is not in the topology");
      }
    }
  }

  // A cycle would make a record loop forever inside one task.
  using Directed = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Directed directed(count);
  for (int i = 0; i < count; ++i) {
    for (int child : nodes[i].children) boost::add_edge(i, child, directed);
  }
  std::vector<int> cycle;
  std::vector<int> parent_of(count, -1);
  CycleFinder finder;
  finder.cycle = &cycle;
  finder.parent_of = &parent_of;
  boost::depth_first_search(directed, boost::visitor(finder));
  if (!cycle.empty()) {
    std::string path;
    for (int index : cycle) {
      if (!path.empty()) path += " -> ";
      path += nodes[index].factory->name();
    }
    throw TopologyException("the topology has a cycle: " + path);
  }

  // Sub-topologies: connected components of the undirected graph whose edges are parent-child
  // links and shared stores. Repartition topics cut the graph already: their sink and source are
  // separate nodes with no edge between them.
  using Undirected = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  Undirected undirected(count);
  for (int i = 0; i < count; ++i) {
    for (int child : nodes[i].children) boost::add_edge(i, child, undirected);
  }
  std::map<std::string, int> first_user_of_store;
  for (int i = 0; i < count; ++i) {
    for (const auto& store : stores[i]) {
      auto [it, inserted] = first_user_of_store.emplace(store, i);
      if (!inserted) boost::add_edge(it->second, i, undirected);
    }
  }
  std::vector<int> component(count);
  boost::connected_components(undirected, component.data());

  // Ids as Kafka Streams numbers them since 2.5 (KAFKA-9020, InternalTopologyBuilder's
  // makeNodeGroups): components in the order their first node was added. Kafka adds a node
  // only after its parents, so upstream sub-topologies come before downstream ones.
  std::map<int, int> id_of_component;
  for (int index = 0; index < count; ++index) {
    id_of_component.emplace(component[index], static_cast<int>(id_of_component.size()));
  }
  built->subtopologies_.resize(id_of_component.size());
  for (size_t id = 0; id < built->subtopologies_.size(); ++id) {
    built->subtopologies_[id].id = static_cast<int>(id);
  }

  std::set<std::string> internal_names;
  for (const auto& topic : internal_topics_) {
    internal_names.insert(topic.name);
    built->internal_topics_.push_back({prefix + topic.name, topic.partitions});
  }
  auto decorate = [&](const std::string& topic) {
    return internal_names.count(topic) != 0 ? prefix + topic : topic;
  };
  for (int i = 0; i < count; ++i) {
    if (global_sources_.count(nodes[i].factory->name()) != 0) {
      built->subtopologies_[id_of_component[component[i]]].global = true;
    }
  }
  for (int i = 0; i < count; ++i) {
    const NodeFactory& node = *nodes[i].factory;
    const int id = id_of_component[component[i]];
    nodes[i].subtopology = id;
    auto& sub = built->subtopologies_[id];
    sub.nodes.push_back(i);
    // A global store's sub-topology is its source and its processor, nothing else.
    const bool global_source = global_sources_.count(node.name()) != 0;
    if (sub.global && (global_source ? nodes[i].children.size() != 1
                                     : node.kind() != NodeKind::kProcessor ||
                                           !nodes[i].children.empty() ||
                                           nodes[i].parents.size() != 1)) {
      throw TopologyException("node " + node.name() +
                              " is connected to a global store's source or processor; a global "
                              "store's processor has no children and its source no other child");
    }
    if (node.kind() == NodeKind::kSource) {
      for (const auto& topic : node.topics) {
        sub.source_topics.push_back(decorate(topic));
        if (internal_names.count(topic) != 0) {
          sub.repartition_source_topics.push_back(decorate(topic));
        }
      }
      if (node.topic_pattern) {
        try {
          std::regex check(*node.topic_pattern);
        } catch (const std::regex_error& e) {
          throw TopologyException("source " + node.name() + " has an invalid topic pattern " +
                                  *node.topic_pattern + ": " + e.what());
        }
        sub.source_patterns.push_back(*node.topic_pattern);
      }
    } else if (node.kind() == NodeKind::kSink) {
      for (const auto& topic : node.topics) sub.sink_topics.push_back(decorate(topic));
    }
  }
  // Stores: builders with their serdes resolved, and the sub-topology whose tasks make them.
  for (const auto& [name, builder] : stores_) {
    StoreInfo info;
    info.builder = options.resolve_serdes
                       ? std::shared_ptr<const streams::AbstractStoreBuilder>(
                             builder->withSerdes(options.serdes))
                       : builder;
    if (builder->loggingEnabled()) info.changelog_topic = prefix + name + "-changelog";
    built->stores_.emplace(name, std::move(info));
  }
  for (int i = 0; i < count; ++i) {
    const int id = nodes[i].subtopology;
    for (const auto& store : stores[i]) {
      StoreInfo& info = built->stores_.at(store);
      if (info.subtopology >= 0) continue;
      info.subtopology = id;
      auto& sub = built->subtopologies_[id];
      sub.stores.push_back(store);
      if (!info.changelog_topic.empty()) sub.changelog_topics.push_back(info.changelog_topic);
    }
  }
  for (int i = 0; i < count; ++i) nodes[i].stores = std::move(stores[i]);
  return built;
}

const StoreInfo* BuiltTopology::FindStore(const std::string& name) const {
  auto it = stores_.find(name);
  return it == stores_.end() ? nullptr : &it->second;
}

int BuiltTopology::SubtopologyOf(std::string_view topic) const {
  for (const auto& sub : subtopologies_) {
    if (sub.global) continue;
    for (const auto& name : sub.source_topics) {
      if (name == topic) return sub.id;
    }
  }
  const std::string name(topic);
  for (const auto& sub : subtopologies_) {
    for (const auto& pattern : sub.source_patterns) {
      if (std::regex_match(name, std::regex(pattern))) return sub.id;
    }
  }
  return -1;
}

bool BuiltTopology::has_patterns() const {
  for (const auto& sub : subtopologies_) {
    if (!sub.source_patterns.empty()) return true;
  }
  return false;
}

std::vector<std::string> BuiltTopology::SourceTopics() const {
  std::vector<std::string> topics;
  for (const auto& sub : subtopologies_) {
    if (sub.global) continue;
    topics.insert(topics.end(), sub.source_topics.begin(), sub.source_topics.end());
  }
  return topics;
}

std::vector<std::string> BuiltTopology::GlobalSourceTopics() const {
  std::vector<std::string> topics;
  for (const auto& sub : subtopologies_) {
    if (!sub.global) continue;
    topics.insert(topics.end(), sub.source_topics.begin(), sub.source_topics.end());
  }
  return topics;
}

std::vector<int> BuiltTopology::GlobalSubtopologies() const {
  std::vector<int> ids;
  for (const auto& sub : subtopologies_) {
    if (sub.global) ids.push_back(sub.id);
  }
  return ids;
}

bool BuiltTopology::IsGlobalStore(const std::string& store) const {
  const StoreInfo* info = FindStore(store);
  return info != nullptr && info->subtopology >= 0 && subtopologies_[info->subtopology].global;
}

std::unique_ptr<TaskTopology> BuiltTopology::Instantiate(int id) const {
  auto task = std::make_unique<TaskTopology>();
  const Subtopology& sub = subtopologies_.at(id);
  std::map<int, int> local;
  const std::string prefix = topic_prefix();
  for (int index : sub.nodes) {
    local[index] = static_cast<int>(task->nodes_.size());
    task->nodes_.push_back(nodes_[index].factory->Create(prefix));
    task->stores_of_node_.push_back(nodes_[index].stores);
  }
  for (int index : sub.nodes) {
    std::vector<int> children;
    for (int child : nodes_[index].children) children.push_back(local.at(child));
    task->children_.push_back(std::move(children));
    const NodeFactory& factory = *nodes_[index].factory;
    if (factory.kind() != NodeKind::kSource) continue;
    auto* source = static_cast<SourceInstance*>(task->nodes_[local.at(index)].get());
    for (const auto& topic : factory.topics) {
      task->source_by_topic_[factory.internal_topic ? prefix + topic : topic] = source;
    }
    if (factory.topic_pattern) {
      task->source_by_pattern_.emplace_back(std::regex(*factory.topic_pattern), source);
    }
  }
  return task;
}

void TaskTopology::Init(TaskContext* task) {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    auto context = std::make_unique<NodeContext>(task, nodes_[i].get());
    for (int child : children_[i]) context->AddChild(nodes_[child].get());
    task->current_node = nodes_[i].get();
    nodes_[i]->Init(std::move(context));
    initialised_ = i + 1;
  }
  task->current_node = nullptr;
}

void TaskTopology::Close() {
  for (size_t i = 0; i < initialised_; ++i) nodes_[i]->Close();
  initialised_ = 0;
}

bool TaskTopology::Connected(const NodeInstance* node, std::string_view store) const {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].get() != node) continue;
    for (const auto& name : stores_of_node_[i]) {
      if (name == store) return true;
    }
    return false;
  }
  return false;
}

SourceInstance* TaskTopology::SourceFor(std::string_view topic) const {
  auto it = source_by_topic_.find(topic);
  if (it != source_by_topic_.end()) return it->second;
  const std::string name(topic);
  for (const auto& [pattern, source] : source_by_pattern_) {
    if (std::regex_match(name, pattern)) return source;
  }
  return nullptr;
}

}  // namespace brook::framework::topology
