#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>

#include "statestore/api/windowed.h"

namespace brook::streams::detail {

// What a KTable's node shares with the tables derived from it (Kafka's
// KTableProcessorSupplier.enableSendingOldValues): whether its changes must carry old values.
// A downstream operator that needs them (KTable::groupBy, joins) turns the flag on for the node
// and, through `parent`, for every table node up to the one that keeps the state. Processors
// read the flag when tasks are made, after the program is built.
struct TableNode {
  std::shared_ptr<bool> send_old_values = std::make_shared<bool>(false);
  std::shared_ptr<TableNode> parent;
  // The second input of an unmaterialized KTable-KTable join result (both inputs must then send
  // old values for the result to have them).
  std::shared_ptr<TableNode> other_parent;
  // Tables of windowed aggregations (and those derived from them): the windows' grace period,
  // which suppress(untilWindowCloses) waits for.
  std::optional<int64_t> window_grace_ms;

  void EnableSendingOldValues() {
    *send_old_values = true;
    if (parent) parent->EnableSendingOldValues();
    if (other_parent) other_parent->EnableSendingOldValues();
  }
};

template <typename K>
struct WindowedKey : std::false_type {};
template <typename K>
struct WindowedKey<Windowed<K>> : std::true_type {
  using Key = K;
};

}  // namespace brook::streams::detail
