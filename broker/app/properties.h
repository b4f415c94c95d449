#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace brook::broker::app {

// A Java .properties file, as Kafka's server.properties is written: `key=value` or `key: value`
// (or `key value`), `#` and `!` comments, blank lines, a trailing backslash continuing a line,
// and the escapes \t \n \r \\ \= \: \#. Later keys override earlier ones.
using Properties = std::map<std::string, std::string>;

Result<Properties> ParseProperties(std::string_view text);
// Reads and parses a file; NotFound / IOError name the path.
Result<Properties> LoadPropertiesFile(const std::string& path);
// "key=value" (an --override argument). InvalidArgument without '='.
Result<std::pair<std::string, std::string>> ParseOverride(std::string_view arg);

}  // namespace brook::broker::app
