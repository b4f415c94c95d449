#include "broker/metadata/topic_config.h"

#include <fmt/format.h>

namespace brook::broker::metadata {
namespace {

struct KeyInfo {
  ConfigType type;
  std::string broker_key;
  // The value the broker defaults give, as text; empty getter = a fixed default.
  std::string (*from_log)(const log::LogConfig&);
  std::string fixed_default;
};

std::string Str(int64_t v) { return std::to_string(v); }

const std::map<std::string, KeyInfo>& Keys() {
  static const std::map<std::string, KeyInfo> keys = {
      {"cleanup.policy",
       {ConfigType::kList, "log.cleanup.policy",
        [](const log::LogConfig& c) {
          return std::string(c.cleanup_compact && c.cleanup_delete ? "compact,delete"
                             : c.cleanup_compact                   ? "compact"
                                                                   : "delete");
        },
        ""}},
      {"compression.type", {ConfigType::kString, "compression.type", nullptr, "producer"}},
      {"delete.retention.ms",
       {ConfigType::kLong, "log.cleaner.delete.retention.ms",
        [](const log::LogConfig& c) { return Str(c.delete_retention_ms); }, ""}},
      {"file.delete.delay.ms",
       {ConfigType::kLong, "log.segment.delete.delay.ms", nullptr, "60000"}},
      {"flush.messages",
       {ConfigType::kLong, "log.flush.interval.messages",
        [](const log::LogConfig& c) { return Str(c.flush_messages); }, ""}},
      {"flush.ms",
       {ConfigType::kLong, "log.flush.interval.ms",
        [](const log::LogConfig& c) { return Str(c.flush_ms); }, ""}},
      {"index.interval.bytes",
       {ConfigType::kInt, "log.index.interval.bytes",
        [](const log::LogConfig& c) { return Str(c.index_interval_bytes); }, ""}},
      {"max.compaction.lag.ms",
       {ConfigType::kLong, "log.cleaner.max.compaction.lag.ms", nullptr, "9223372036854775807"}},
      {"max.message.bytes",
       {ConfigType::kInt, "message.max.bytes",
        [](const log::LogConfig& c) { return Str(c.max_message_bytes); }, ""}},
      {"message.timestamp.type",
       {ConfigType::kString, "log.message.timestamp.type", nullptr, "CreateTime"}},
      {"min.cleanable.dirty.ratio",
       {ConfigType::kDouble, "log.cleaner.min.cleanable.ratio",
        [](const log::LogConfig& c) { return fmt::format("{}", c.min_cleanable_dirty_ratio); },
        ""}},
      {"min.compaction.lag.ms",
       {ConfigType::kLong, "log.cleaner.min.compaction.lag.ms",
        [](const log::LogConfig& c) { return Str(c.min_compaction_lag_ms); }, ""}},
      {"min.insync.replicas", {ConfigType::kInt, "min.insync.replicas", nullptr, "1"}},
      {"preallocate", {ConfigType::kBoolean, "log.preallocate", nullptr, "false"}},
      {"retention.bytes",
       {ConfigType::kLong, "log.retention.bytes",
        [](const log::LogConfig& c) { return Str(c.retention_bytes); }, ""}},
      {"retention.ms",
       {ConfigType::kLong, "log.retention.ms",
        [](const log::LogConfig& c) { return Str(c.retention_ms); }, ""}},
      {"segment.bytes",
       {ConfigType::kInt, "log.segment.bytes",
        [](const log::LogConfig& c) { return Str(c.segment_bytes); }, ""}},
      {"segment.index.bytes",
       {ConfigType::kInt, "log.index.size.max.bytes",
        [](const log::LogConfig& c) { return Str(c.segment_index_bytes); }, ""}},
      {"segment.jitter.ms", {ConfigType::kLong, "log.roll.jitter.ms", nullptr, "0"}},
      {"segment.ms",
       {ConfigType::kLong, "log.roll.ms", [](const log::LogConfig& c) { return Str(c.segment_ms); },
        ""}},
      {"unclean.leader.election.enable",
       {ConfigType::kBoolean, "unclean.leader.election.enable", nullptr, "false"}},
  };
  return keys;
}

Status CheckFixedValue(const std::string& key, const std::string& value) {
  if (key == "compression.type") {
    static const char* kAllowed[] = {"producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"};
    for (const char* allowed : kAllowed) {
      if (value == allowed) return Status::Ok();
    }
    return Status::InvalidArgument(fmt::format("{}: '{}' is not a compression type", key, value));
  }
  if (key == "message.timestamp.type") {
    if (value == "CreateTime" || value == "LogAppendTime") return Status::Ok();
    return Status::InvalidArgument(
        fmt::format("{}: '{}' is not CreateTime or LogAppendTime", key, value));
  }
  const KeyInfo& info = Keys().at(key);
  if (info.type == ConfigType::kBoolean) {
    if (value == "true" || value == "false") return Status::Ok();
    return Status::InvalidArgument(fmt::format("{}: '{}' is not true or false", key, value));
  }
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || errno != 0 || v < 0) {
    return Status::InvalidArgument(fmt::format("{}: '{}' is not a valid value", key, value));
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& TopicConfigKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& [key, info] : Keys()) out.push_back(key);
    return out;
  }();
  return keys;
}

std::string BrokerKeyFor(const std::string& topic_key) {
  auto it = Keys().find(topic_key);
  return it == Keys().end() ? "" : it->second.broker_key;
}

Status ValidateTopicConfigs(const ConfigMap& overrides) {
  ConfigMap log_keys;
  for (const auto& [key, value] : overrides) {
    auto it = Keys().find(key);
    if (it == Keys().end()) {
      return Status::InvalidArgument(fmt::format("Unknown topic config name: {}", key));
    }
    if (it->second.from_log != nullptr) {
      log_keys[key] = value;
    } else {
      BROOK_RETURN_IF_ERROR(CheckFixedValue(key, value));
    }
  }
  auto config = log::LogConfig::FromProperties(log_keys, log::LogConfig());
  return config.ok() ? Status::Ok() : config.status();
}

Result<log::LogConfig> EffectiveLogConfig(const log::LogConfig& broker_defaults,
                                          const ConfigMap& overrides) {
  ConfigMap log_keys;
  for (const auto& [key, value] : overrides) {
    auto it = Keys().find(key);
    if (it != Keys().end() && it->second.from_log != nullptr) log_keys[key] = value;
  }
  return log::LogConfig::FromProperties(log_keys, broker_defaults);
}

std::vector<ConfigEntry> DescribeTopicConfigs(const log::LogConfig& broker_defaults,
                                              const ConfigMap& broker_set,
                                              const ConfigMap& overrides) {
  std::vector<ConfigEntry> out;
  for (const auto& [key, info] : Keys()) {
    ConfigEntry entry;
    entry.name = key;
    entry.type = info.type;
    if (auto it = overrides.find(key); it != overrides.end()) {
      entry.value = it->second;
      entry.source = ConfigSource::kTopicConfig;
    } else {
      entry.value = info.from_log != nullptr ? info.from_log(broker_defaults) : info.fixed_default;
      if (auto b = broker_set.find(key); b != broker_set.end()) {
        entry.source = ConfigSource::kStaticBrokerConfig;
        if (info.from_log == nullptr) entry.value = b->second;
      } else {
        entry.source = ConfigSource::kDefaultConfig;
      }
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace brook::broker::metadata
