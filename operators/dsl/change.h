#pragma once

#include <optional>

namespace brook::streams {

// What flows between the nodes of a KTable (Kafka Streams' Change): a key's new value and, when
// a downstream operator needs it (KTable::groupBy's subtractor, joins), its old value. A missing
// new value is a delete (a tombstone). KTable::toStream() turns changes back into plain records.
template <typename V>
struct Change {
  std::optional<V> newValue;
  std::optional<V> oldValue;

  bool operator==(const Change&) const = default;
};

}  // namespace brook::streams
