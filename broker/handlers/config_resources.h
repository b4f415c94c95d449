#pragma once

#include <cstdint>

namespace brook::broker::handlers {

// Kafka's ConfigResource.Type numbering (DescribeConfigs, AlterConfigs,
// IncrementalAlterConfigs).
inline constexpr int8_t kResourceTopic = 2;
inline constexpr int8_t kResourceBroker = 4;
inline constexpr int8_t kResourceBrokerLogger = 8;

}  // namespace brook::broker::handlers
