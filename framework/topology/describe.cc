// Placeholder: written by a parallel change.
#include "framework/topology/describe.h"
namespace brook::framework::topology {
streams::TopologyDescription Describe(const BuiltTopology&) { return {}; }
std::string ToDot(const BuiltTopology&) { return {}; }
}  // namespace brook::framework::topology
