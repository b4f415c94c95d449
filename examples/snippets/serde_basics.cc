// docs/guides/serdes.md, the first example: a source that names its key and value serdes.
// Prints the topology's description; runs as a unit test.
#include <cstdint>
#include <iostream>
#include <string>

#include "framework/api/serdes.h"
#include "framework/api/topology.h"

using namespace brook::streams;

int main() {
  Topology topology;
  // [snippet:source]
  topology.addSource<std::string, int64_t>("clicks", {"clicks"}, Serdes::String(), Serdes::Int64());
  // [snippet-end:source]
  topology.addSink<std::string, int64_t>("copy", "clicks-copy", Serdes::String(), Serdes::Int64(),
                                         {"clicks"});
  std::cout << topology.describe().toString();
  return 0;
}
