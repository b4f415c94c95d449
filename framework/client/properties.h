#pragma once

#include <map>
#include <string>

namespace brook::framework::client {

// librdkafka properties ("bootstrap.servers", "group.id", ...), as given by the user
// (StreamsConfig's consumer./producer./admin. overrides) and completed by each client's defaults.
using Properties = std::map<std::string, std::string>;

}  // namespace brook::framework::client
