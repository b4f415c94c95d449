#pragma once

#include <cstdint>

namespace brook::streams {

// A value with the timestamp of the record that last updated it (Kafka's ValueAndTimestamp):
// what the DSL's KTable stores keep, so a table's result records carry the right timestamp.
// On disk (ValueAndTimestampSerde): the timestamp as 8 big-endian bytes, then the value's bytes.
template <typename V>
struct ValueAndTimestamp {
  V value;
  int64_t timestamp = 0;

  bool operator==(const ValueAndTimestamp&) const = default;
};

}  // namespace brook::streams
