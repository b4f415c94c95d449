#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

#include <fmt/format.h>

namespace brook::framework::client {

// One partition of one topic ("orders-3" in logs).
struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  std::string ToString() const { return fmt::format("{}-{}", topic, partition); }
  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;
};

}  // namespace brook::framework::client

template <>
struct std::hash<brook::framework::client::TopicPartition> {
  size_t operator()(const brook::framework::client::TopicPartition& tp) const noexcept {
    return std::hash<std::string>()(tp.topic) * 31 + std::hash<int32_t>()(tp.partition);
  }
};
