#include "framework/api/topology.h"

#include "framework/topology/describe.h"
#include "framework/topology/topology_builder.h"

namespace brook::streams {

Topology::Topology() : builder_(std::make_unique<framework::topology::TopologyBuilder>()) {}
Topology::~Topology() = default;
Topology::Topology(Topology&&) noexcept = default;
Topology& Topology::operator=(Topology&&) noexcept = default;

Topology& Topology::addNodeFactory(std::shared_ptr<detail::NodeFactory> node) {
  builder_->AddNode(std::move(node));
  return *this;
}

Topology& Topology::addStateStore(const AbstractStoreBuilder& builder,
                                  std::vector<std::string> processor_names) {
  builder_->AddStore(builder.clone());
  for (auto& processor : processor_names) {
    builder_->ConnectProcessorAndStores(processor, {builder.name()});
  }
  return *this;
}

Topology& Topology::addGlobalStoreNodes(const AbstractStoreBuilder& builder,
                                        std::shared_ptr<detail::NodeFactory> source,
                                        std::shared_ptr<detail::NodeFactory> processor) {
  builder_->AddGlobalStore(builder.clone(), std::move(source), std::move(processor));
  return *this;
}

Topology& Topology::connectProcessorAndStateStores(const std::string& processor,
                                                   std::vector<std::string> stores) {
  builder_->ConnectProcessorAndStores(processor, std::move(stores));
  return *this;
}

TopologyDescription Topology::describe() const {
  if (builder_->empty()) return TopologyDescription();  // "Topologies:\n ", as Kafka prints
  framework::topology::BuildOptions options;
  options.resolve_serdes = false;
  return framework::topology::Describe(*builder_->Build(options));
}

std::string Topology::toDot() const {
  framework::topology::BuildOptions options;
  options.resolve_serdes = false;
  return framework::topology::ToDot(*builder_->Build(options));
}

}  // namespace brook::streams
