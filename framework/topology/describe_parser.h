#pragma once

#include <string_view>

#include "common/result.h"
#include "framework/api/topology_description.h"

namespace brook::framework::topology {

// Reads the text of Kafka Streams' TopologyDescription.toString() back into a description: what
// Brook's describe() prints, and what a Kafka Streams (Java) app prints for
// `topology.describe()`. For `brook topology`, which draws a topology from that text.
//
// Lines are taken with their leading spaces ignored:
//   Topologies:                                     optional, first
//   Sub-topology: <id>                              opens a sub-topology
//   Sub-topology: <id> for global store (will not generate tasks)
//   Source: <name> (topics: [a, b])                 or (topics: <regex>) for a pattern
//   Processor: <name> (stores: [s1, s2])
//   Sink: <name> (topic: <topic>)                   or (extractor class: <anything>)
//   --> a, b  /  <-- a, b                           successors / predecessors ("none": none)
// A global store's sub-topology holds one source and one processor. Anything else is an
// InvalidArgument naming the line ("line 7: ..."); nothing is guessed.
Result<streams::TopologyDescription> ParseDescription(std::string_view text);

}  // namespace brook::framework::topology
