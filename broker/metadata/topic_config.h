#pragma once

#include <map>
#include <string>
#include <vector>

#include "broker/log/log_config.h"
#include "common/result.h"

namespace brook::broker::metadata {

// Topic-level configuration: the keys a topic may override (Kafka's names), their types, and
// how overrides on top of the broker's defaults become a log::LogConfig.
using ConfigMap = std::map<std::string, std::string>;

// Where an effective value comes from (Kafka's DescribeConfigs ConfigSource numbering).
enum class ConfigSource : int8_t {
  kTopicConfig = 1,         // DYNAMIC_TOPIC_CONFIG: set on the topic
  kStaticBrokerConfig = 4,  // STATIC_BROKER_CONFIG: from server.properties
  kDefaultConfig = 5,       // DEFAULT_CONFIG
};

// Kafka's ConfigType numbering (DescribeConfigs v3+).
enum class ConfigType : int8_t {
  kBoolean = 1,
  kString = 2,
  kInt = 3,
  kShort = 4,
  kLong = 5,
  kDouble = 6,
  kList = 7,
  kClass = 8,
  kPassword = 9,
};

struct ConfigEntry {
  std::string name;
  std::string value;
  ConfigSource source = ConfigSource::kDefaultConfig;
  ConfigType type = ConfigType::kString;
  bool read_only = false;
};

// Every topic config key Brook accepts, sorted. Some are accepted and reported but have no effect
// yet (they say so in docs/guides/topic-configs.md once written): compression.type,
// message.timestamp.type and friends.
const std::vector<std::string>& TopicConfigKeys();
// The broker-level key (server.properties) that sets the default of a topic key, or "".
std::string BrokerKeyFor(const std::string& topic_key);

// InvalidArgument naming the key when a key is unknown or a value is malformed or out of range
// (Kafka answers INVALID_CONFIG).
Status ValidateTopicConfigs(const ConfigMap& overrides);
// The log settings of a topic: the broker defaults with the topic's overrides on top.
Result<log::LogConfig> EffectiveLogConfig(const log::LogConfig& broker_defaults,
                                          const ConfigMap& overrides);
// Every key with its effective value and source. `broker_set` names the topic keys that
// server.properties set explicitly (they report STATIC_BROKER_CONFIG).
std::vector<ConfigEntry> DescribeTopicConfigs(const log::LogConfig& broker_defaults,
                                              const ConfigMap& broker_set,
                                              const ConfigMap& overrides);

}  // namespace brook::broker::metadata
