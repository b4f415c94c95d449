#pragma once

#include <string>

#include "framework/api/topology_description.h"
#include "framework/topology/topology_builder.h"

namespace brook::framework::topology {

// Kafka Streams' TopologyDescription of a built topology (sub-topologies in id order, nodes in
// Kafka Streams' print order).
streams::TopologyDescription Describe(const BuiltTopology& topology);

// Graphviz DOT of a built topology: ToDot(Describe(topology)).
std::string ToDot(const BuiltTopology& topology);
// Graphviz DOT of a description: a cluster per sub-topology (global stores' too) with its
// processors and stores, topics outside the clusters, so a repartition topic links the
// sub-topology writing it to the one reading it.
std::string ToDot(const streams::TopologyDescription& description);

}  // namespace brook::framework::topology
