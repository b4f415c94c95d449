#pragma once

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <typeindex>
#include <vector>

#include "framework/api/detail/node.h"
#include "framework/api/detail/optional_serde.h"
#include "framework/api/errors.h"
#include "framework/api/serde.h"

namespace brook::streams::detail {

enum class NodeKind { kSource, kProcessor, kSink };

// The C++ types of a record's key and value, checked between parent and child at build time.
struct RecordTypes {
  std::type_index key;
  std::type_index value;
  bool operator==(const RecordTypes&) const = default;
};

template <typename K, typename V>
RecordTypes TypesOf() {
  return RecordTypes{std::type_index(typeid(K)), std::type_index(typeid(V))};
}

// A serde whose type is only known at run time: StreamsConfig's default key and value serdes.
struct ErasedSerde {
  std::shared_ptr<const void> serde;
  std::type_index type = std::type_index(typeid(void));
  std::string name;

  template <typename T>
  static ErasedSerde Of(SerdePtr<T> serde) {
    std::string name = serde->name();
    return ErasedSerde{std::move(serde), std::type_index(typeid(T)), std::move(name)};
  }
};

struct SerdeDefaults {
  ErasedSerde key;
  ErasedSerde value;
};

// "Int64" for int64_t, "std::string", or the demangled name of any other type.
std::string TypeName(std::type_index type);

// `given` if set, else the default when it has type T; for T = std::optional<U>, also a
// default of type U, wrapped as Serdes::Optional would (nullopt is a Kafka null). Else throws
// TopologyException naming the node, the role ("key" or "value") and what to set.
template <typename T>
SerdePtr<T> ResolveSerde(const SerdePtr<T>& given, const ErasedSerde& fallback,
                         const std::string& node, const char* role) {
  if (given) return given;
  if (fallback.serde && fallback.type == std::type_index(typeid(T))) {
    return std::static_pointer_cast<const Serde<T>>(fallback.serde);
  }
  if constexpr (IsOptional<T>::value) {
    using U = typename T::value_type;
    if (fallback.serde && fallback.type == std::type_index(typeid(U))) {
      return std::make_shared<const OptionalSerde<U>>(
          std::static_pointer_cast<const Serde<U>>(fallback.serde));
    }
  }
  std::string have = fallback.serde ? "default." + std::string(role) + ".serde is " +
                                          fallback.name + " (a serde of " +
                                          TypeName(fallback.type) + ")"
                                    : "no default." + std::string(role) + ".serde is set";
  throw TopologyException("node " + node + " needs a " + role + " serde for " +
                          TypeName(std::type_index(typeid(T))) + " and " + have +
                          "; pass one to this operator (Consumed/Produced/Repartitioned::with) "
                          "or set default." +
                          role + ".serde");
}

// How to make one node of the topology for each task, plus what describe() shows of it.
// Made by the typed templates (Topology::add*, the DSL); used by the topology builder.
class NodeFactory {
 public:
  NodeFactory(NodeKind kind, std::string name, std::vector<std::string> parents)
      : kind_(kind), name_(std::move(name)), parents_(std::move(parents)) {}
  virtual ~NodeFactory() = default;

  NodeKind kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const std::vector<std::string>& parents() const { return parents_; }
  void AddParent(std::string parent) { parents_.push_back(std::move(parent)); }

  // Types of the records the node takes (not for sources) and forwards (not for sinks).
  virtual std::optional<RecordTypes> input_types() const = 0;
  virtual std::optional<RecordTypes> output_types() const = 0;

  // Sources: the topics (or pattern) read. Sinks: the topic written, or an extractor.
  std::vector<std::string> topics;
  std::optional<std::string> topic_pattern;
  bool topic_extractor = false;
  // Sources and sinks of repartition topics: `topics` holds the undecorated name.
  bool internal_topic = false;
  // Names of the state stores the node uses.
  std::vector<std::string> stores;

  // A copy whose missing serdes are taken from `defaults`; throws TopologyException when one is
  // missing and the default has another type. Nodes without serdes return a plain copy.
  virtual std::shared_ptr<NodeFactory> WithSerdes(const SerdeDefaults& defaults) const = 0;
  // `topic_prefix` (the application id and '-') is prepended to the topic of a sink whose
  // topic is internal, so it writes "<application.id>-<name>-repartition".
  virtual std::unique_ptr<NodeInstance> Create(const std::string& topic_prefix) const = 0;

 private:
  NodeKind kind_;
  std::string name_;
  std::vector<std::string> parents_;
};

}  // namespace brook::streams::detail
