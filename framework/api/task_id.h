#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace brook::streams {

// A task: one partition of one sub-topology (Kafka Streams' TaskId), written "<sub>_<partition>",
// e.g. "0_3".
struct TaskId {
  int32_t subtopology = 0;
  int32_t partition = 0;

  std::string toString() const { return fmt::format("{}_{}", subtopology, partition); }
  auto operator<=>(const TaskId&) const = default;
};

}  // namespace brook::streams
