#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "framework/api/record.h"

namespace brook::streams {

// A record piped into or read from a TopologyTestDriver topic (Kafka's TestRecord).
template <typename K, typename V>
struct TestRecord {
  K key;
  V value;
  int64_t timestamp = 0;
  Headers headers;

  bool operator==(const TestRecord&) const = default;
};

// A record as the driver captured it, in bytes (Kafka's ProducerRecord<byte[], byte[]>).
struct ProducedRecord {
  std::string topic;
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp = 0;
  Headers headers;
};

}  // namespace brook::streams
