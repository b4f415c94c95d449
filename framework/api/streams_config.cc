#include "framework/api/streams_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "framework/api/serdes.h"

namespace brook::streams {
namespace {

constexpr const char* kLogAndFail = "log_and_fail";
constexpr const char* kLogAndContinue = "log_and_continue";
constexpr const char* kAtLeastOnce = "at_least_once";
constexpr const char* kExactlyOnceV2 = "exactly_once_v2";
constexpr const char* kDeserializationAlias = "default.deserialization.exception.handler";
constexpr const char* kProductionAlias = "default.production.exception.handler";
// What get() answers for a handler key whose handler was given as an object.
constexpr const char* kCustomHandler = "custom";

constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
// Kafka's replication factor is an INT16 on the wire (CreateTopics).
constexpr int64_t kMaxReplicationFactor = std::numeric_limits<int16_t>::max();
// Kafka's longest topic name.
constexpr size_t kMaxTopicLength = 249;

// Every key set() and get() know, with the default get() answers and what the key does: the
// unknown-key message, values() and the configuration reference (docs/guides/configuration.md,
// printed by brook-config-reference and checked by a test) all come from here.
constexpr StreamsConfig::KeyDefinition kDefinitions[] = {
    {StreamsConfig::kApplicationId, "",
     "Required by KafkaStreams. The consumer group, and the prefix of internal topics and "
     "transactional ids: one or more of a-z A-Z 0-9 . _ -."},
    {StreamsConfig::kBootstrapServers, "",
     "The brokers (host:port,...). Empty: start() starts an embedded broker with its data under "
     "<state.dir>/broker."},
    {StreamsConfig::kNumStreamThreads, "1", "Stream threads of this instance (at least 1)."},
    {StreamsConfig::kProcessingGuarantee, "at_least_once",
     "at_least_once or exactly_once_v2 (transactions: docs/guides/exactly-once.md)."},
    {StreamsConfig::kCommitIntervalMs, "30000",
     "How often the threads commit, in ms. The default is 100 under exactly_once_v2."},
    {StreamsConfig::kStateDir, "/tmp/brook-streams",
     "Where tasks keep their stores: <state.dir>/<application.id>/<task>/."},
    {StreamsConfig::kMaxTaskIdleMs, "0",
     "How long a task waits for data on an empty input before processing the others, in ms. "
     "0: only while the consumer knows the partition has data; -1: never."},
    {StreamsConfig::kReplicationFactor, "-1",
     "Replication factor of the internal topics; -1: the broker's default."},
    {StreamsConfig::kPollMs, "100", "The longest a thread blocks in poll, in ms."},
    {StreamsConfig::kBufferedRecordsPerPartition, "1000",
     "Records buffered per input partition; a partition above it is paused."},
    {StreamsConfig::kClientId, "",
     "Prefix of the clients' ids. Empty: <application.id>-<process id>."},
    {StreamsConfig::kDeserializationExceptionHandler, "log_and_fail",
     "What a record that cannot be deserialized does: log_and_fail (the thread stops) or "
     "log_and_continue (skipped and counted in dropped-records). "
     "setDeserializationExceptionHandler takes an object; get() then answers custom."},
    {kDeserializationAlias, "log_and_fail", "The older name of deserialization.exception.handler."},
    {StreamsConfig::kProcessingExceptionHandler, "log_and_fail",
     "The same choice for an exception a processor throws."},
    {StreamsConfig::kProductionExceptionHandler, "log_and_fail",
     "The same choice for a record the producer cannot serialize or send."},
    {kProductionAlias, "log_and_fail", "The older name of production.exception.handler."},
    {StreamsConfig::kDeadLetterQueueTopic, "",
     "When set, every record a handler is given is also written there, raw, with headers naming "
     "the error. Empty: none."},
    {StreamsConfig::kDefaultKeySerde, "",
     "The key serde of sources, sinks and stores that name none: string, int32, int64, double, "
     "bytes, void or json. Empty: none (every one must name its serdes)."},
    {StreamsConfig::kDefaultValueSerde, "", "The same for values."},
    {StreamsConfig::kStatestoreCacheMaxBytes, "10485760",
     "Bytes of each stream thread's record cache, shared by its stores with caching; 0 turns "
     "caching off."},
    {StreamsConfig::kStateCleanupDelayMs, "600000",
     "Task directories no thread has used this long are deleted, in ms."},
    {StreamsConfig::kWindowStoreChangelogAdditionalRetentionMs, "86400000",
     "Added to a window or session store's retention for its changelog's retention.ms."},
    {StreamsConfig::kRocksDBMemoryMaxBytes, "134217728",
     "The block cache and memtables of every RocksDB store of the process together (at least "
     "1048576)."},
    {StreamsConfig::kRocksDBConfigSetter, "",
     "Set as an object: setRocksDBConfigSetter. get() answers custom when one is set."},
    {StreamsConfig::kMetricsRecordingLevel, "INFO",
     "INFO, DEBUG or TRACE. The stores' latencies are measured only at DEBUG and TRACE."},
    {StreamsConfig::kMetricsListener, "",
     "http://HOST:PORT where the app serves its metrics in Prometheus' text format on GET "
     "/metrics; port 0 picks a free one (docs/guides/observability.md). Empty: none."},
    {StreamsConfig::kEmitIntervalMsOuterJoinSpuriousResultsFix, "1000",
     "Internal, as in Kafka: the least wall-clock time between two scans of a left or outer "
     "stream-stream join's store for records whose window closed, in ms."},
};

constexpr std::array<std::string_view, 3> kPrefixes = {"consumer.", "producer.", "admin."};

// The number of single-character edits between `a` and `b` (Levenshtein distance).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

[[noreturn]] void ThrowUnknownKey(const std::string& key) {
  std::string suggestion;
  size_t best = 4;  // suggest only keys at most 3 edits away
  std::vector<std::string_view> known;
  for (const auto& definition : kDefinitions) {
    known.push_back(definition.name);
    size_t distance = EditDistance(key, definition.name);
    if (distance < best) {
      best = distance;
      suggestion = fmt::format(" (did you mean '{}'?)", definition.name);
    }
  }
  throw ConfigException(fmt::format(
      "unknown config key '{}'{}; known keys: {}; librdkafka properties go under the prefixes "
      "consumer., producer. and admin.",
      key, suggestion, fmt::join(known, ", ")));
}

// `value` as a whole integer in [min, max], else ConfigException naming `key`, `value` and
// `accepted`.
int64_t ParseInteger(const std::string& key, const std::string& value, int64_t min, int64_t max,
                     std::string_view accepted) {
  int64_t parsed = 0;
  const char* end = value.data() + value.size();
  auto [stop, error] = std::from_chars(value.data(), end, parsed);
  if (error == std::errc() && stop == end && parsed >= min && parsed <= max) return parsed;
  std::string_view why = error == std::errc::result_out_of_range ||
                                 (error == std::errc() && stop == end && parsed > max)
                             ? " (too large)"
                             : "";
  throw ConfigException(fmt::format("{} must be {}, got '{}'{}", key, accepted, value, why));
}

std::string ParseHandlerName(const std::string& key, const std::string& value) {
  if (value == kLogAndFail || value == kLogAndContinue) return value;
  throw ConfigException(
      fmt::format("{} must be log_and_fail or log_and_continue, got '{}'", key, value));
}

// Throws unless `value` is one or more of [a-zA-Z0-9._-] (Kafka's topic characters).
void CheckNameCharacters(const std::string& key, const std::string& value, const char* used_for) {
  if (value.empty()) {
    throw ConfigException(fmt::format(
        "{} must not be empty: use one or more of a-z A-Z 0-9 . _ - (it names {})", key, used_for));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    bool legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
    if (!legal) {
      throw ConfigException(fmt::format(
          "{} '{}' has the character '{}' at position {}: use only a-z A-Z 0-9 . _ - (it names "
          "{})",
          key, value, c, i, used_for));
    }
  }
}

void CheckTopicName(const std::string& key, const std::string& value) {
  if (value.empty()) return;  // no dead letter queue
  CheckNameCharacters(key, value, "a Kafka topic");
  if (value == "." || value == "..") {
    throw ConfigException(fmt::format(
        "{} '{}' is not a legal Kafka topic name ('.' and '..' are reserved)", key, value));
  }
  if (value.size() > kMaxTopicLength) {
    throw ConfigException(
        fmt::format("{} '{}' is {} characters long; Kafka topic names have at "
                    "most {}",
                    key, value, value.size(), kMaxTopicLength));
  }
}

detail::ErasedSerde ParseSerde(const std::string& key, const std::string& value) {
  if (value.empty()) return {};  // none
  try {
    return Serdes::ByName(value);
  } catch (const ConfigException& error) {
    throw ConfigException(fmt::format("{}: {} (or '' for none)", key, error.what()));
  }
}

// The config name of a default serde: "" for none, the lowercase name for a built-in one
// (what set() accepts), else the serde's own name().
std::string SerdeConfigName(const detail::ErasedSerde& serde) {
  if (!serde.serde) return "";
  std::string lower = serde.name;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  try {
    if (Serdes::ByName(lower).serde == serde.serde) return lower;
  } catch (const ConfigException&) {
    // Not a built-in name: a serde set as an object.
  }
  return serde.name;
}

}  // namespace

StreamsConfig::StreamsConfig() = default;

std::span<const StreamsConfig::KeyDefinition> StreamsConfig::definitions() { return kDefinitions; }

StreamsConfig::StreamsConfig(const std::map<std::string, std::string>& properties) {
  for (const auto& [key, value] : properties) set(key, value);
}

StreamsConfig& StreamsConfig::set(const std::string& key, const std::string& value) {
  for (std::string_view prefix : kPrefixes) {
    if (!key.starts_with(prefix)) continue;
    std::string property = key.substr(prefix.size());
    if (property.empty()) {
      throw ConfigException(
          fmt::format("config key '{}' names no property: write {}<librdkafka property>, e.g. "
                      "{}client.rack",
                      key, prefix, prefix));
    }
    auto& overrides = prefix == "consumer."   ? consumer_
                      : prefix == "producer." ? producer_
                                              : admin_;
    overrides[property] = value;
    return *this;
  }

  if (key == kApplicationId) {
    CheckNameCharacters(key, value, "the consumer group, internal topics and transactional ids");
    application_id_ = value;
  } else if (key == kBootstrapServers) {
    bootstrap_servers_ = value;
  } else if (key == kNumStreamThreads) {
    num_stream_threads_ =
        static_cast<int>(ParseInteger(key, value, 1, kIntMax, "an integer from 1 to 2147483647"));
  } else if (key == kProcessingGuarantee) {
    if (value == kAtLeastOnce) {
      guarantee_ = ProcessingGuarantee::kAtLeastOnce;
    } else if (value == kExactlyOnceV2) {
      guarantee_ = ProcessingGuarantee::kExactlyOnceV2;
    } else if (value == "exactly_once" || value == "exactly_once_beta") {
      throw ConfigException(fmt::format(
          "processing.guarantee '{}' is not supported: use exactly_once_v2 (which replaced "
          "exactly_once and exactly_once_beta in Kafka Streams 3.0)",
          value));
    } else {
      throw ConfigException(fmt::format(
          "processing.guarantee must be at_least_once or exactly_once_v2, got '{}'", value));
    }
  } else if (key == kCommitIntervalMs) {
    commit_interval_ms_ = ParseInteger(key, value, 0, kInt64Max, "an integer >= 0 (milliseconds)");
  } else if (key == kStateDir) {
    if (value.empty()) {
      throw ConfigException("state.dir must not be empty: give a directory for local state");
    }
    state_dir_ = value;
  } else if (key == kMaxTaskIdleMs) {
    max_task_idle_ms_ =
        ParseInteger(key, value, -1, kInt64Max,
                     "an integer >= -1 (milliseconds to wait for empty inputs; -1: never wait)");
  } else if (key == kReplicationFactor) {
    constexpr const char* kAccepted = "-1 (the broker's default) or an integer from 1 to 32767";
    int64_t factor = ParseInteger(key, value, -1, kMaxReplicationFactor, kAccepted);
    if (factor == 0) {
      throw ConfigException(fmt::format("{} must be {}, got '{}'", key, kAccepted, value));
    }
    replication_factor_ = static_cast<int>(factor);
  } else if (key == kPollMs) {
    poll_ms_ = ParseInteger(key, value, 0, kInt64Max, "an integer >= 0 (milliseconds)");
  } else if (key == kBufferedRecordsPerPartition) {
    buffered_records_per_partition_ =
        static_cast<int>(ParseInteger(key, value, 1, kIntMax, "an integer from 1 to 2147483647"));
  } else if (key == kClientId) {
    client_id_ = value;
  } else if (key == kDeserializationExceptionHandler || key == kDeserializationAlias) {
    deserialization_handler_name_ = ParseHandlerName(key, value);
    deserialization_handler_.reset();
  } else if (key == kProcessingExceptionHandler) {
    processing_handler_name_ = ParseHandlerName(key, value);
    processing_handler_.reset();
  } else if (key == kProductionExceptionHandler || key == kProductionAlias) {
    production_handler_name_ = ParseHandlerName(key, value);
    production_handler_.reset();
  } else if (key == kDeadLetterQueueTopic) {
    CheckTopicName(key, value);
    dead_letter_queue_topic_ = value;
  } else if (key == kDefaultKeySerde) {
    serdes_.key = ParseSerde(key, value);
  } else if (key == kDefaultValueSerde) {
    serdes_.value = ParseSerde(key, value);
  } else if (key == kStatestoreCacheMaxBytes) {
    statestore_cache_max_bytes_ =
        ParseInteger(key, value, 0, kInt64Max, "an integer >= 0 (bytes; 0 turns caching off)");
  } else if (key == kStateCleanupDelayMs) {
    state_cleanup_delay_ms_ = ParseInteger(key, value, 0, kInt64Max, "an integer >= 0 (milliseconds)");
  } else if (key == kWindowStoreChangelogAdditionalRetentionMs) {
    windowstore_changelog_additional_retention_ms_ =
        ParseInteger(key, value, 0, kInt64Max, "an integer >= 0 (milliseconds)");
  } else if (key == kRocksDBMemoryMaxBytes) {
    rocksdb_memory_max_bytes_ =
        ParseInteger(key, value, 1048576, kInt64Max, "an integer >= 1048576 (bytes)");
  } else if (key == kRocksDBConfigSetter) {
    throw ConfigException(
        "rocksdb.config.setter is set as an object: StreamsConfig::setRocksDBConfigSetter(...)");
  } else if (key == kMetricsRecordingLevel) {
    if (value != "INFO" && value != "DEBUG" && value != "TRACE") {
      throw ConfigException(fmt::format(
          "metrics.recording.level must be INFO, DEBUG or TRACE, got '{}'", value));
    }
    metrics_recording_level_ = value;
  } else if (key == kMetricsListener) {
    metrics_listener_ = value;
  } else if (key == kEmitIntervalMsOuterJoinSpuriousResultsFix) {
    outer_join_emit_interval_ms_ =
        ParseInteger(key, value, 0, kInt64Max, "an integer >= 0 (milliseconds)");
  } else {
    ThrowUnknownKey(key);
  }
  return *this;
}

std::string StreamsConfig::get(const std::string& key) const {
  for (std::string_view prefix : kPrefixes) {
    if (!key.starts_with(prefix)) continue;
    const auto& overrides = prefix == "consumer."   ? consumer_
                            : prefix == "producer." ? producer_
                                                    : admin_;
    auto found = overrides.find(key.substr(prefix.size()));
    return found == overrides.end() ? "" : found->second;
  }
  if (key == kApplicationId) return application_id_;
  if (key == kBootstrapServers) return bootstrap_servers_;
  if (key == kNumStreamThreads) return std::to_string(num_stream_threads_);
  if (key == kProcessingGuarantee) {
    return guarantee_ == ProcessingGuarantee::kExactlyOnceV2 ? kExactlyOnceV2 : kAtLeastOnce;
  }
  if (key == kCommitIntervalMs) return std::to_string(commitIntervalMs());
  if (key == kStateDir) return state_dir_;
  if (key == kMaxTaskIdleMs) return std::to_string(max_task_idle_ms_);
  if (key == kReplicationFactor) return std::to_string(replication_factor_);
  if (key == kPollMs) return std::to_string(poll_ms_);
  if (key == kBufferedRecordsPerPartition) return std::to_string(buffered_records_per_partition_);
  if (key == kClientId) return client_id_;
  if (key == kDeserializationExceptionHandler || key == kDeserializationAlias) {
    return deserialization_handler_ ? kCustomHandler : deserialization_handler_name_;
  }
  if (key == kProcessingExceptionHandler) {
    return processing_handler_ ? kCustomHandler : processing_handler_name_;
  }
  if (key == kProductionExceptionHandler || key == kProductionAlias) {
    return production_handler_ ? kCustomHandler : production_handler_name_;
  }
  if (key == kDeadLetterQueueTopic) return dead_letter_queue_topic_;
  if (key == kDefaultKeySerde) return SerdeConfigName(serdes_.key);
  if (key == kDefaultValueSerde) return SerdeConfigName(serdes_.value);
  if (key == kStatestoreCacheMaxBytes) return std::to_string(statestore_cache_max_bytes_);
  if (key == kStateCleanupDelayMs) return std::to_string(state_cleanup_delay_ms_);
  if (key == kWindowStoreChangelogAdditionalRetentionMs) {
    return std::to_string(windowstore_changelog_additional_retention_ms_);
  }
  if (key == kRocksDBMemoryMaxBytes) return std::to_string(rocksdb_memory_max_bytes_);
  if (key == kMetricsRecordingLevel) return metrics_recording_level_;
  if (key == kMetricsListener) return metrics_listener_;
  if (key == kRocksDBConfigSetter) return rocksdb_config_setter_ ? kCustomHandler : "";
  if (key == kEmitIntervalMsOuterJoinSpuriousResultsFix) {
    return std::to_string(outer_join_emit_interval_ms_.value_or(1000));
  }
  ThrowUnknownKey(key);
}

std::map<std::string, std::string> StreamsConfig::values() const {
  std::map<std::string, std::string> all;
  for (const auto& definition : kDefinitions) all[definition.name] = get(definition.name);
  for (const auto& [key, value] : consumer_) all["consumer." + key] = value;
  for (const auto& [key, value] : producer_) all["producer." + key] = value;
  for (const auto& [key, value] : admin_) all["admin." + key] = value;
  return all;
}

int64_t StreamsConfig::commitIntervalMs() const {
  if (commit_interval_ms_ >= 0) return commit_interval_ms_;
  return guarantee_ == ProcessingGuarantee::kExactlyOnceV2 ? 100 : 30000;
}

std::shared_ptr<DeserializationExceptionHandler> StreamsConfig::deserializationExceptionHandler()
    const {
  if (deserialization_handler_) return deserialization_handler_;
  return deserialization_handler_name_ == kLogAndContinue ? LogAndContinueDeserializationHandler()
                                                          : LogAndFailDeserializationHandler();
}

std::shared_ptr<ProcessingExceptionHandler> StreamsConfig::processingExceptionHandler() const {
  if (processing_handler_) return processing_handler_;
  return processing_handler_name_ == kLogAndContinue ? LogAndContinueProcessingHandler()
                                                     : LogAndFailProcessingHandler();
}

std::shared_ptr<ProductionExceptionHandler> StreamsConfig::productionExceptionHandler() const {
  if (production_handler_) return production_handler_;
  return production_handler_name_ == kLogAndContinue ? LogAndContinueProductionHandler()
                                                     : LogAndFailProductionHandler();
}

StreamsConfig& StreamsConfig::setDeserializationExceptionHandler(
    std::shared_ptr<DeserializationExceptionHandler> handler) {
  deserialization_handler_ = std::move(handler);
  return *this;
}

StreamsConfig& StreamsConfig::setProcessingExceptionHandler(
    std::shared_ptr<ProcessingExceptionHandler> handler) {
  processing_handler_ = std::move(handler);
  return *this;
}

StreamsConfig& StreamsConfig::setProductionExceptionHandler(
    std::shared_ptr<ProductionExceptionHandler> handler) {
  production_handler_ = std::move(handler);
  return *this;
}

void StreamsConfig::validateForApplication() const {
  if (application_id_.empty()) {
    throw ConfigException(
        "application.id is required: set it to one or more of a-z A-Z 0-9 . _ - (it names the "
        "consumer group, internal topics and transactional ids)");
  }
}

}  // namespace brook::streams
