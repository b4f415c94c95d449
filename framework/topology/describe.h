#pragma once

#include <string>

#include "framework/api/topology_description.h"
#include "framework/topology/topology_builder.h"

namespace brook::framework::topology {

// Kafka Streams' TopologyDescription of a built topology (sub-topologies in id order, nodes in
// Kafka Streams' print order).
streams::TopologyDescription Describe(const BuiltTopology& topology);

// Graphviz DOT of a built topology.
std::string ToDot(const BuiltTopology& topology);

}  // namespace brook::framework::topology
