#include "operators/dsl/internal_streams_builder.h"

#include <cstdio>
#include <regex>

#include "framework/api/errors.h"
#include "framework/topology/topology_builder.h"
#include "operators/dsl/node_names.h"

namespace brook::streams::detail {

std::string InternalStreamsBuilder::NewProcessorName(std::string_view prefix) {
  char digits[32];
  std::snprintf(digits, sizeof(digits), "%010lld", static_cast<long long>(index_++));
  return std::string(prefix) + digits;
}

std::string InternalStreamsBuilder::NameOrGenerate(const Named& named, std::string_view prefix) {
  std::string generated = NewProcessorName(prefix);
  return named.name() ? *named.name() : generated;
}

std::string InternalStreamsBuilder::NewStoreName(std::string_view prefix) {
  return NewProcessorName(std::string(prefix) + std::string(node_names::kStateStore));
}

void InternalStreamsBuilder::AddStateStore(const AbstractStoreBuilder& builder,
                                           std::vector<std::string> processors) {
  CheckNotBuilt();
  for (const std::string& processor : processors) stores_of_[processor].push_back(builder.name());
  topology_.addStateStore(builder, std::move(processors));
}

void InternalStreamsBuilder::AddGlobalStore(const AbstractStoreBuilder& builder,
                                            std::shared_ptr<NodeFactory> source,
                                            std::shared_ptr<NodeFactory> processor) {
  CheckNotBuilt();
  topology_.addGlobalStoreNodes(builder, std::move(source), std::move(processor));
}

std::vector<std::string> InternalStreamsBuilder::StoresOf(const std::string& processor) const {
  auto it = stores_of_.find(processor);
  return it == stores_of_.end() ? std::vector<std::string>() : it->second;
}

RepartitionNames InternalStreamsBuilder::NewRepartitionNames(const std::string& name) {
  const std::string_view suffix = node_names::kRepartitionTopicSuffix;
  RepartitionNames names;
  names.topic = name.size() >= suffix.size() &&
                        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0
                    ? name
                    : name + std::string(suffix);
  names.sink = NewProcessorName(node_names::kSink);
  names.filter = NewProcessorName(node_names::kFilter);
  names.source = NewProcessorName(node_names::kSource);
  static const std::regex kGenerated("KSTREAM.*-[0-9]{10}");
  if (!std::regex_match(name, kGenerated)) {
    names.sink = names.topic + "-sink";
    names.filter = names.topic + "-filter";
    names.source = names.topic + "-source";
  }
  return names;
}

void InternalStreamsBuilder::AddNode(std::shared_ptr<NodeFactory> node) {
  CheckNotBuilt();
  topology_.addNodeFactory(std::move(node));
}

void InternalStreamsBuilder::AddInternalTopic(const std::string& name,
                                              std::optional<int32_t> partitions) {
  CheckNotBuilt();
  topology_.builder().AddInternalTopic(name, partitions);
}

std::optional<std::string> InternalStreamsBuilder::ExistingSource(
    const std::vector<std::string>& topics, const RecordTypes& types) const {
  const std::set<std::string> wanted(topics.begin(), topics.end());
  for (const Source& source : sources_) {
    if (source.regex || source.topics != wanted) continue;
    if (source.types != types) {
      throw TopologyException("source " + source.node + " already reads these topics as Record<" +
                              TypeName(source.types.key) + ", " + TypeName(source.types.value) +
                              ">; a second stream() of the same topics must read the same types");
    }
    return source.node;
  }
  return std::nullopt;
}

std::optional<std::string> InternalStreamsBuilder::ExistingPatternSource(
    const std::string& regex, const RecordTypes& types) const {
  for (const Source& source : sources_) {
    if (source.regex != regex) continue;
    if (source.types != types) {
      throw TopologyException("source " + source.node + " already reads pattern " + regex +
                              " as Record<" + TypeName(source.types.key) + ", " +
                              TypeName(source.types.value) +
                              ">; a second stream() of the same pattern must read the same types");
    }
    return source.node;
  }
  return std::nullopt;
}

void InternalStreamsBuilder::RememberSource(const std::string& node,
                                            const std::vector<std::string>& topics,
                                            std::optional<std::string> regex,
                                            const RecordTypes& types) {
  sources_.push_back(
      Source{node, std::set<std::string>(topics.begin(), topics.end()), std::move(regex), types});
}

Topology InternalStreamsBuilder::Build() {
  CheckNotBuilt();
  built_ = true;
  return std::move(topology_);
}

void InternalStreamsBuilder::CheckNotBuilt() const {
  if (built_) {
    throw StreamsException(
        "StreamsBuilder::build() was already called: the topology has been handed over, so "
        "no operator can be added to it any more");
  }
}

}  // namespace brook::streams::detail
