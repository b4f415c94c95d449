#include "framework/topology/describe.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string_view>

namespace brook::framework::topology {

using streams::TopologyDescription;
using streams::detail::NodeKind;

namespace {

// --- Java's orders --------------------------------------------------------------------------
// Kafka Streams prints in the order of Java collections: String.hashCode and compareTo work on
// UTF-16 code units, HashMap/HashSet iterate by hash bucket, TreeSet by a red-black tree.

// The UTF-16 code units of UTF-8 text; a byte that does not start a valid sequence counts as
// one unit.
std::u16string Utf16(std::string_view text) {
  std::u16string out;
  for (size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    const size_t length = byte < 0x80           ? 1
                          : (byte >> 5) == 0x6  ? 2
                          : (byte >> 4) == 0xE  ? 3
                          : (byte >> 3) == 0x1E ? 4
                                                : 0;
    bool valid = length != 0 && at + length <= text.size();
    for (size_t i = 1; valid && i < length; ++i) {
      valid = (static_cast<unsigned char>(text[at + i]) >> 6) == 0x2;
    }
    if (!valid) {
      out.push_back(byte);
      ++at;
      continue;
    }
    uint32_t code = length == 1 ? byte : byte & (0x7F >> length);
    for (size_t i = 1; i < length; ++i) {
      code = (code << 6) | (static_cast<unsigned char>(text[at + i]) & 0x3F);
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (code >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (code & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(code));
    }
    at += length;
  }
  return out;
}

// String.hashCode.
uint32_t JavaHashCode(std::string_view text) {
  uint32_t hash = 0;
  for (char16_t unit : Utf16(text)) hash = 31 * hash + unit;
  return hash;
}

// The sign of String.compareTo.
int JavaCompare(std::string_view a, std::string_view b) {
  const std::u16string ua = Utf16(a);
  const std::u16string ub = Utf16(b);
  return ua.compare(ub);
}

// Where HashMap puts a key in a table of `capacity` buckets.
uint32_t JavaBucket(std::string_view text, uint32_t capacity) {
  const uint32_t hash = JavaHashCode(text);
  return (hash ^ (hash >> 16)) & (capacity - 1);
}

// The table size of a HashMap/HashSet made empty and filled with `count` keys.
uint32_t JavaGrownCapacity(size_t count) {
  uint32_t capacity = 16;
  while (count > capacity / 4 * 3) capacity *= 2;
  return capacity;
}

// The table size of `new HashSet<>(collection)` (JDK 17: max(size / .75f + 1, 16), rounded up
// to a power of two).
uint32_t JavaCopyCapacity(size_t count) {
  const auto wanted =
      std::max<uint32_t>(static_cast<uint32_t>(static_cast<float>(count) / .75f) + 1, 16);
  uint32_t capacity = 1;
  while (capacity < wanted) capacity *= 2;
  return capacity;
}

// The iteration order of a HashSet of `capacity` buckets after adding `keys` in order
// (duplicates dropped): by bucket, then in the order added. Exact while no bucket holds 8 or
// more keys (Java then turns the bucket into a tree).
std::vector<std::string> JavaHashSetOrder(const std::vector<std::string>& keys, uint32_t capacity) {
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const auto& key : keys) {
    if (seen.insert(key).second) unique.push_back(key);
  }
  std::stable_sort(unique.begin(), unique.end(), [&](const std::string& a, const std::string& b) {
    return JavaBucket(a, capacity) < JavaBucket(b, capacity);
  });
  return unique;
}

// A HashSet filled one key at a time, then copied with new HashSet<>(set).
std::vector<std::string> JavaHashSetCopiedOrder(const std::vector<std::string>& keys) {
  std::vector<std::string> grown = JavaHashSetOrder(keys, JavaGrownCapacity(keys.size()));
  return JavaHashSetOrder(grown, JavaCopyCapacity(grown.size()));
}

// java.util.TreeSet of ints under a comparator that may change its mind: Kafka's comparator
// reads node sizes that grow after insertion, so the tree's shape decides where later keys go.
// Insert follows TreeMap.put and fixAfterInsertion (CLR red-black insertion) step by step.
class JavaTreeSet {
 public:
  using Compare = std::function<int(int, int)>;

  void Insert(int key, const Compare& compare) {
    if (root_ < 0) {
      root_ = NewEntry(key, -1);
      return;
    }
    int at = root_;
    int parent = -1;
    int cmp = 0;
    while (at >= 0) {
      parent = at;
      cmp = compare(key, entries_[at].key);
      if (cmp < 0) {
        at = entries_[at].left;
      } else if (cmp > 0) {
        at = entries_[at].right;
      } else {
        return;
      }
    }
    const int entry = NewEntry(key, parent);
    (cmp < 0 ? entries_[parent].left : entries_[parent].right) = entry;
    FixAfterInsertion(entry);
  }

  // The keys in iteration (in-order) order.
  std::vector<int> InOrder() const {
    std::vector<int> keys;
    AppendInOrder(root_, keys);
    return keys;
  }

 private:
  struct Entry {
    int key;
    int left = -1;
    int right = -1;
    int parent = -1;
    bool black = true;
  };

  int NewEntry(int key, int parent) {
    entries_.push_back(Entry{key, -1, -1, parent, true});
    return static_cast<int>(entries_.size()) - 1;
  }
  void AppendInOrder(int at, std::vector<int>& keys) const {
    if (at < 0) return;
    AppendInOrder(entries_[at].left, keys);
    keys.push_back(entries_[at].key);
    AppendInOrder(entries_[at].right, keys);
  }
  int ParentOf(int at) const { return at < 0 ? -1 : entries_[at].parent; }
  int LeftOf(int at) const { return at < 0 ? -1 : entries_[at].left; }
  int RightOf(int at) const { return at < 0 ? -1 : entries_[at].right; }
  bool IsBlack(int at) const { return at < 0 || entries_[at].black; }
  void SetBlack(int at, bool black) {
    if (at >= 0) entries_[at].black = black;
  }
  void Replace(int old_child, int new_child) {
    const int parent = entries_[old_child].parent;
    entries_[new_child].parent = parent;
    if (parent < 0) {
      root_ = new_child;
    } else if (entries_[parent].left == old_child) {
      entries_[parent].left = new_child;
    } else {
      entries_[parent].right = new_child;
    }
  }
  void RotateLeft(int at) {
    if (at < 0) return;
    const int right = entries_[at].right;
    entries_[at].right = entries_[right].left;
    if (entries_[right].left >= 0) entries_[entries_[right].left].parent = at;
    Replace(at, right);
    entries_[right].left = at;
    entries_[at].parent = right;
  }
  void RotateRight(int at) {
    if (at < 0) return;
    const int left = entries_[at].left;
    entries_[at].left = entries_[left].right;
    if (entries_[left].right >= 0) entries_[entries_[left].right].parent = at;
    Replace(at, left);
    entries_[left].right = at;
    entries_[at].parent = left;
  }
  void FixAfterInsertion(int x) {
    entries_[x].black = false;
    while (x >= 0 && x != root_ && !entries_[entries_[x].parent].black) {
      const int grandparent = ParentOf(ParentOf(x));
      if (ParentOf(x) == LeftOf(grandparent)) {
        const int uncle = RightOf(grandparent);
        if (!IsBlack(uncle)) {
          SetBlack(ParentOf(x), true);
          SetBlack(uncle, true);
          SetBlack(grandparent, false);
          x = grandparent;
        } else {
          if (x == RightOf(ParentOf(x))) {
            x = ParentOf(x);
            RotateLeft(x);
          }
          SetBlack(ParentOf(x), true);
          SetBlack(ParentOf(ParentOf(x)), false);
          RotateRight(ParentOf(ParentOf(x)));
        }
      } else {
        const int uncle = LeftOf(grandparent);
        if (!IsBlack(uncle)) {
          SetBlack(ParentOf(x), true);
          SetBlack(uncle, true);
          SetBlack(grandparent, false);
          x = grandparent;
        } else {
          if (x == LeftOf(ParentOf(x))) {
            x = ParentOf(x);
            RotateRight(x);
          }
          SetBlack(ParentOf(x), true);
          SetBlack(ParentOf(ParentOf(x)), false);
          RotateLeft(ParentOf(ParentOf(x)));
        }
      }
    }
    entries_[root_].black = true;
  }

  std::vector<Entry> entries_;
  int root_ = -1;
};

// --- describe ------------------------------------------------------------------------------

// The order Kafka Streams prints things in comes from Java collections, so describe() replays
// them. What InternalTopologyBuilder (Kafka 4.0) does:
//   - a sub-topology's node names are a HashSet filled in the order the nodes were added, and
//     describeSubtopology walks a HashMap filled from it (the same order);
//   - for each node, for each predecessor in declared order: node.predecessors.add(p),
//     p.successors.add(node), then p's size and every ancestor's grow by node's size (size: the
//     number of paths that start at the node). predecessors and successors are TreeSets ordered
//     by size (larger first), then name, compared with the sizes of the moment: a size that
//     grows later does not move an element, so the printed order can differ from a fresh sort;
//   - the sub-topology prints its nodes sorted by final size, then name;
//   - a source's topics and a processor's stores print in HashSet order.
struct DescribedNode {
  int index = 0;  // into BuiltTopology::nodes()
  std::string name;
  uint32_t size = 1;                // wraps like Java's int
  std::vector<int> parents_linked;  // predecessors connected so far
  JavaTreeSet predecessors;
  JavaTreeSet successors;
};

class SubtopologyDescriber {
 public:
  SubtopologyDescriber(const BuiltTopology& topology, const BuiltTopology::Subtopology& sub)
      : topology_(topology) {
    std::vector<std::string> added;
    for (int index : sub.nodes) {
      local_[index] = static_cast<int>(nodes_.size());
      nodes_.push_back(DescribedNode{index, topology.nodes()[index].factory->name()});
      added.push_back(nodes_.back().name);
    }
    std::map<std::string, int> by_name;
    for (size_t i = 0; i < nodes_.size(); ++i) by_name[nodes_[i].name] = static_cast<int>(i);
    for (const auto& name : JavaHashSetOrder(added, JavaGrownCapacity(added.size()))) {
      walk_order_.push_back(by_name.at(name));
    }
  }

  TopologyDescription::Subtopology Describe(int id) {
    const auto compare = [this](int a, int b) { return Compare(a, b); };
    for (int local : walk_order_) {
      for (int parent_index : topology_.nodes()[nodes_[local].index].parents) {
        const int parent = local_.at(parent_index);
        nodes_[local].predecessors.Insert(parent, compare);
        nodes_[parent].successors.Insert(local, compare);
        nodes_[local].parents_linked.push_back(parent);
        GrowSize(parent, nodes_[local].size);
      }
    }
    std::vector<int> order(nodes_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return Compare(a, b) < 0; });

    TopologyDescription::Subtopology out;
    out.id = id;
    for (int local : order) out.nodes.push_back(DescribeNode(nodes_[local]));
    return out;
  }

 private:
  // Kafka's NodeComparator: larger size first (Java's int subtraction), then name.
  int Compare(int a, int b) const {
    if (a == b) return 0;
    if (nodes_[a].size != nodes_[b].size) {
      return static_cast<int32_t>(nodes_[b].size - nodes_[a].size) < 0 ? -1 : 1;
    }
    return JavaCompare(nodes_[a].name, nodes_[b].name);
  }

  // Kafka's updateSize adds `delta` to the node and recursively to its predecessors, so an
  // ancestor gains `delta` once per path down to the node. The same sums, counting the paths
  // instead of walking each one (which takes exponential time on stacked diamonds).
  void GrowSize(int start, uint32_t delta) {
    std::vector<int> postorder;
    std::vector<char> visited(nodes_.size(), 0);
    std::function<void(int)> visit = [&](int at) {
      visited[at] = 1;
      for (int parent : nodes_[at].parents_linked) {
        if (!visited[parent]) visit(parent);
      }
      postorder.push_back(at);
    };
    visit(start);
    std::vector<uint32_t> paths(nodes_.size(), 0);
    paths[start] = 1;
    for (auto it = postorder.rbegin(); it != postorder.rend(); ++it) {
      nodes_[*it].size += delta * paths[*it];
      for (int parent : nodes_[*it].parents_linked) paths[parent] += paths[*it];
    }
  }

  std::string TopicName(const streams::detail::NodeFactory& factory,
                        const std::string& topic) const {
    if (factory.internal_topic) return topology_.topic_prefix() + topic;
    return topic;
  }

  TopologyDescription::Node DescribeNode(const DescribedNode& described) const {
    const BuiltTopology::Node& built = topology_.nodes()[described.index];
    const streams::detail::NodeFactory& factory = *built.factory;
    TopologyDescription::Node node;
    node.name = described.name;
    switch (factory.kind()) {
      case NodeKind::kSource: {
        node.kind = TopologyDescription::Node::Kind::kSource;
        std::vector<std::string> topics;
        for (const auto& topic : factory.topics) topics.push_back(TopicName(factory, topic));
        node.topics = JavaHashSetOrder(topics, JavaCopyCapacity(topics.size()));
        node.topic_pattern = factory.topic_pattern.value_or("");
        break;
      }
      case NodeKind::kProcessor:
        node.kind = TopologyDescription::Node::Kind::kProcessor;
        // stateStoreNames is a HashSet filled as stores are connected; describe() copies it.
        node.stores = JavaHashSetCopiedOrder(built.stores);
        break;
      case NodeKind::kSink:
        node.kind = TopologyDescription::Node::Kind::kSink;
        for (const auto& topic : factory.topics) node.topics.push_back(TopicName(factory, topic));
        node.topic_extractor = factory.topic_extractor;
        break;
    }
    for (int local : described.predecessors.InOrder())
      node.predecessors.push_back(nodes_[local].name);
    for (int local : described.successors.InOrder()) node.successors.push_back(nodes_[local].name);
    return node;
  }

  const BuiltTopology& topology_;
  std::vector<DescribedNode> nodes_;
  std::map<int, int> local_;  // BuiltTopology index -> nodes_ index
  std::vector<int> walk_order_;
};

// --- DOT -----------------------------------------------------------------------------------

// A DOT double-quoted string: quotes and backslashes escaped, so any name is a valid id.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

std::string NodeId(const std::string& name) { return Quote("node:" + name); }
std::string TopicId(const std::string& topic) { return Quote("topic:" + topic); }
std::string PatternId(const std::string& regex) { return Quote("pattern:" + regex); }
std::string StoreId(const std::string& store) { return Quote("store:" + store); }
std::string ExtractorId(const std::string& sink) { return Quote("extractor:" + sink); }

const char* KindLabel(TopologyDescription::Node::Kind kind) {
  switch (kind) {
    case TopologyDescription::Node::Kind::kSource:
      return "Source";
    case TopologyDescription::Node::Kind::kProcessor:
      return "Processor";
    case TopologyDescription::Node::Kind::kSink:
      return "Sink";
  }
  return "Node";
}

}  // namespace

TopologyDescription Describe(const BuiltTopology& topology) {
  TopologyDescription description;
  for (const auto& sub : topology.subtopologies()) {
    SubtopologyDescriber describer(topology, sub);
    TopologyDescription::Subtopology described = describer.Describe(sub.id);
    if (!sub.global) {
      description.mutable_subtopologies().push_back(std::move(described));
      continue;
    }
    // Kafka's GlobalStore: its source (one topic) and its processor (one store).
    TopologyDescription::GlobalStore global;
    global.id = sub.id;
    for (auto& node : described.nodes) {
      if (node.kind == TopologyDescription::Node::Kind::kSource) {
        global.source = std::move(node);
      } else {
        global.processor = std::move(node);
      }
    }
    description.mutable_global_stores().push_back(std::move(global));
  }
  return description;
}

std::string ToDot(const BuiltTopology& topology) { return ToDot(Describe(topology)); }

std::string ToDot(const TopologyDescription& description) {
  using Kind = TopologyDescription::Node::Kind;
  std::string dot = "digraph " + Quote("topology") + " {\n";
  dot += "  graph [fontname=\"Helvetica\"];\n";
  dot += "  node [fontname=\"Helvetica\", fontsize=10];\n";
  dot += "  edge [fontname=\"Helvetica\", fontsize=9];\n";

  // Topics and patterns sit outside the clusters, so a topic written by one sub-topology and
  // read by another (a repartition topic) links the two.
  std::vector<std::string> topic_lines;
  std::set<std::string> topics_seen;
  auto add_topic = [&](const std::string& id, const std::string& label, const char* style) {
    if (!topics_seen.insert(id).second) return;
    topic_lines.push_back("  " + id + " [shape=ellipse, " + style + "label=" + Quote(label) +
                          "];\n");
  };
  std::string edges;
  // One node of a cluster, with its stores (inside the cluster) and its topics (outside).
  auto add_node = [&](const TopologyDescription::Node& node, std::set<std::string>& stores_seen) {
    const std::string id = NodeId(node.name);
    dot += "    " + id + " [shape=box" +
           std::string(node.kind == Kind::kProcessor ? "" : ", style=rounded") +
           ", label=" + Quote(std::string(KindLabel(node.kind)) + "\n" + node.name) + "];\n";
    for (const auto& store : node.stores) {
      if (stores_seen.insert(store).second) {
        dot += "    " + StoreId(store) + " [shape=cylinder, label=" + Quote(store) + "];\n";
      }
      edges += "  " + id + " -> " + StoreId(store) + " [dir=none, style=dashed];\n";
    }
    if (node.kind == Kind::kSource) {
      for (const auto& topic : node.topics) {
        add_topic(TopicId(topic), topic, "");
        edges += "  " + TopicId(topic) + " -> " + id + ";\n";
      }
      if (node.topics.empty()) {
        add_topic(PatternId(node.topic_pattern), node.topic_pattern, "style=dashed, ");
        edges += "  " + PatternId(node.topic_pattern) + " -> " + id + ";\n";
      }
    }
    for (const auto& successor : node.successors) {
      edges += "  " + id + " -> " + NodeId(successor) + ";\n";
    }
    if (node.kind == Kind::kSink) {
      if (node.topic_extractor) {
        add_topic(ExtractorId(node.name), "topic per record", "style=dashed, ");
        edges += "  " + id + " -> " + ExtractorId(node.name) + ";\n";
      }
      for (const auto& topic : node.topics) {
        add_topic(TopicId(topic), topic, "");
        edges += "  " + id + " -> " + TopicId(topic) + ";\n";
      }
    }
  };
  auto open_cluster = [&](int id, const std::string& label) {
    dot += "  subgraph " + Quote("cluster_" + std::to_string(id)) + " {\n";
    dot += "    label=" + Quote(label) + ";\n";
    dot += "    style=rounded;\n";
  };
  for (const auto& sub : description.subtopologies()) {
    open_cluster(sub.id, "Sub-topology: " + std::to_string(sub.id));
    std::set<std::string> stores_seen;
    for (const auto& node : sub.nodes) add_node(node, stores_seen);
    dot += "  }\n";
  }
  // A global store's source and processor, in a cluster of their own as describe() prints them.
  for (const auto& global : description.globalStores()) {
    open_cluster(global.id,
                 "Sub-topology: " + std::to_string(global.id) + " for global store");
    std::set<std::string> stores_seen;
    add_node(global.source, stores_seen);
    add_node(global.processor, stores_seen);
    dot += "  }\n";
  }
  for (const auto& line : topic_lines) dot += line;
  dot += edges;
  dot += "}\n";
  return dot;
}

}  // namespace brook::framework::topology
