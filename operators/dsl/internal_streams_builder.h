#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "framework/api/detail/node_factory.h"
#include "framework/api/topology.h"
#include "statestore/api/store_builder.h"
#include "operators/dsl/named.h"

namespace brook::streams::detail {

// The nodes and topic of one repartition (Kafka's createRepartitionedSource): the topic is
// "<name>-repartition" (or <name> when it already ends so). A generated name
// (KSTREAM-...-0123456789) gives generated node names; any other name gives
// "<topic>-sink", "<topic>-filter" and "<topic>-source". Three counter values are used up
// either way, as in Kafka, so later generated names do not depend on the choice.
struct RepartitionNames {
  std::string topic;
  std::string sink;
  std::string filter;
  std::string source;
};

// What StreamsBuilder and every KStream made from it share (Kafka Streams'
// InternalStreamsBuilder): the topology being written and the one counter behind generated
// node names.
//
// Kafka Streams first builds a logical graph and writes it into the topology at build(), after
// optional optimizations (reusing source topics as changelogs, merging repartition topics).
// Brook writes each operator straight into the Topology when it is called, in the same order
// Kafka writes its graph without optimizations, so names, sub-topology ids and describe()
// output are the same as Kafka's with topology.optimization=none. The one logical-graph step
// kept is merging duplicate sources: two stream() calls on the same topics share one source
// node (Kafka's mergeDuplicateSourceNodes).
//
// Thread safety: not thread-safe; a DSL program is built on one thread.
class InternalStreamsBuilder {
 public:
  // Kafka's newProcessorName: `prefix` and the counter as ten digits ("KSTREAM-MAP-0000000003");
  // each call moves the counter, shared by every prefix.
  std::string NewProcessorName(std::string_view prefix);
  // Kafka's NamedInternal.orElseGenerateWithPrefix: the given name, else a generated one. The
  // counter moves either way, so naming one operator does not rename the others.
  std::string NameOrGenerate(const Named& named, std::string_view prefix);

  // Kafka's newStoreName: `prefix`, "STATE-STORE-" and the counter as ten digits
  // ("KSTREAM-AGGREGATE-STATE-STORE-0000000001"); moves the shared counter.
  std::string NewStoreName(std::string_view prefix);

  RepartitionNames NewRepartitionNames(const std::string& name);

  // Adds a node; throws TopologyException for a duplicate name, StreamsException after Build.
  void AddNode(std::shared_ptr<NodeFactory> node);
  // Adds a store (a copy of `builder`) used by `processors`.
  void AddStateStore(const AbstractStoreBuilder& builder, std::vector<std::string> processors);
  // Adds a global store (a copy of `builder`, logging off) fed by `source` through
  // `processor` (TopologyBuilder::AddGlobalStore).
  void AddGlobalStore(const AbstractStoreBuilder& builder, std::shared_ptr<NodeFactory> source,
                      std::shared_ptr<NodeFactory> processor);
  // The stores AddStateStore connected to `processor` (empty when none).
  std::vector<std::string> StoresOf(const std::string& processor) const;
  // Registers the repartition topic "<name>" (decorated with the application id at run time).
  void AddInternalTopic(const std::string& name, std::optional<int32_t> partitions);

  // The source node already reading exactly `topics` (in any order), or nullopt. Throws
  // TopologyException when that source has record types other than `types`, since one source
  // cannot deserialize into two types.
  std::optional<std::string> ExistingSource(const std::vector<std::string>& topics,
                                            const RecordTypes& types) const;
  std::optional<std::string> ExistingPatternSource(const std::string& regex,
                                                   const RecordTypes& types) const;
  // Remembers a source added by StreamsBuilder::stream, for ExistingSource.
  void RememberSource(const std::string& node, const std::vector<std::string>& topics,
                      std::optional<std::string> regex, const RecordTypes& types);

  // Hands the topology over; afterwards AddNode throws.
  Topology Build();

 private:
  void CheckNotBuilt() const;

  struct Source {
    std::string node;
    std::set<std::string> topics;
    std::optional<std::string> regex;
    RecordTypes types;
  };

  Topology topology_;
  int64_t index_ = 0;
  bool built_ = false;
  std::vector<Source> sources_;
  std::map<std::string, std::vector<std::string>> stores_of_;
};

}  // namespace brook::streams::detail
