#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace brook::tools {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// "orders-3", as Kafka names a partition in messages.
inline std::string PartitionName(const TopicPartition& partition) {
  return partition.topic + "-" + std::to_string(partition.partition);
}

}  // namespace brook::tools
