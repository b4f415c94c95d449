#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <string>

namespace brook::tools {

// Which fields `brook consume` prints besides the value.
struct PrintOptions {
  bool partition = false;
  bool offset = false;
  bool timestamp = false;
  bool key = false;
  bool headers = false;
};

// One line for `message`: the enabled fields in the order partition, offset, timestamp, key,
// headers, value, separated by tabs. A null key or value prints as "null", headers as
// "k=v,k2=v2" ("NO_HEADERS" when there are none, "k=null" for a null header value).
std::string FormatRecord(const rd_kafka_message_t& message, const PrintOptions& options);

// Writes FormatRecord's line and a newline to `out`; false when the write failed.
bool PrintRecord(const rd_kafka_message_t& message, const PrintOptions& options, std::FILE* out);

}  // namespace brook::tools
