#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "framework/api/detail/node_factory.h"
#include "framework/api/exception_handlers.h"
#include "framework/api/serde.h"

namespace brook::streams {

enum class ProcessingGuarantee { kAtLeastOnce, kExactlyOnceV2 };

// The configuration of a streams application, with Kafka Streams' keys and defaults. Each key,
// its default and what it does are in definitions() (streams_config.cc), from which
// docs/guides/configuration.md is generated; librdkafka properties are passed with the prefixes
// consumer., producer. and admin. (checked when the app is built).
//
// Construction and set() throw ConfigException for an unknown key, a value of the wrong type
// or out of range, naming the key and what it accepts.
// Thread safety: a value type; KafkaStreams keeps its own copy.
class RocksDBConfigSetter;  // statestore/api/rocksdb_config_setter.h

class StreamsConfig {
 public:
  static constexpr const char* kApplicationId = "application.id";
  static constexpr const char* kBootstrapServers = "bootstrap.servers";
  static constexpr const char* kNumStreamThreads = "num.stream.threads";
  static constexpr const char* kProcessingGuarantee = "processing.guarantee";
  static constexpr const char* kCommitIntervalMs = "commit.interval.ms";
  static constexpr const char* kStateDir = "state.dir";
  static constexpr const char* kMaxTaskIdleMs = "max.task.idle.ms";
  static constexpr const char* kReplicationFactor = "replication.factor";
  static constexpr const char* kPollMs = "poll.ms";
  static constexpr const char* kBufferedRecordsPerPartition = "buffered.records.per.partition";
  static constexpr const char* kClientId = "client.id";
  static constexpr const char* kDeserializationExceptionHandler =
      "deserialization.exception.handler";
  static constexpr const char* kProcessingExceptionHandler = "processing.exception.handler";
  static constexpr const char* kProductionExceptionHandler = "production.exception.handler";
  static constexpr const char* kDeadLetterQueueTopic = "errors.dead.letter.queue.topic.name";
  static constexpr const char* kDefaultKeySerde = "default.key.serde";
  static constexpr const char* kDefaultValueSerde = "default.value.serde";
  static constexpr const char* kStatestoreCacheMaxBytes = "statestore.cache.max.bytes";
  static constexpr const char* kStateCleanupDelayMs = "state.cleanup.delay.ms";
  static constexpr const char* kWindowStoreChangelogAdditionalRetentionMs =
      "windowstore.changelog.additional.retention.ms";
  static constexpr const char* kRocksDBMemoryMaxBytes = "rocksdb.memory.max.bytes";
  static constexpr const char* kRocksDBConfigSetter = "rocksdb.config.setter";
  // Kafka's metrics.recording.level: INFO (default), DEBUG or TRACE. The stores' latencies
  // (put, get, delete, range, flush; Kafka's DEBUG-level store metrics) are measured only at
  // DEBUG and TRACE, so that the default pays no clock reads per store call.
  static constexpr const char* kMetricsRecordingLevel = "metrics.recording.level";
  // Brook's (the broker has the same key): http://HOST:PORT where the app serves its metrics in
  // Prometheus' text format on GET /metrics; port 0 picks a free port (KafkaStreams::
  // metricsUrl()). Empty (the default): no endpoint. Checked when KafkaStreams is constructed.
  static constexpr const char* kMetricsListener = "metrics.listener";
  // Internal (Kafka's StreamsConfig.InternalConfig, same key): the least wall-clock time between
  // two scans of a left/outer stream-stream join's outer store for records whose window closed.
  // Default: 1000 (ms); the TopologyTestDriver uses 0 unless it is set.
  static constexpr const char* kEmitIntervalMsOuterJoinSpuriousResultsFix =
      "__emit.interval.ms.kstreams.outer.join.spurious.results.fix__";

  StreamsConfig();
  explicit StreamsConfig(const std::map<std::string, std::string>& properties);

  // A key: its name, the value get() answers when it is not set, and what it does.
  struct KeyDefinition {
    const char* name;
    const char* default_value;
    const char* doc;
  };
  // Every key set() and get() know (not the consumer., producer. and admin. prefixes), in the
  // order of the configuration reference, which is generated from them.
  static std::span<const KeyDefinition> definitions();

  // Sets one key (validated now). Returns *this for chaining.
  StreamsConfig& set(const std::string& key, const std::string& value);
  // The value as set or its default; throws ConfigException for an unknown key.
  std::string get(const std::string& key) const;
  // Every key with its value (get()), and the consumer., producer. and admin. overrides with
  // their prefixes: what stores see as StateStoreContext::appConfigs().
  std::map<std::string, std::string> values() const;

  const std::string& applicationId() const { return application_id_; }
  const std::string& bootstrapServers() const { return bootstrap_servers_; }
  int numStreamThreads() const { return num_stream_threads_; }
  ProcessingGuarantee processingGuarantee() const { return guarantee_; }
  int64_t commitIntervalMs() const;
  const std::string& stateDir() const { return state_dir_; }
  int64_t maxTaskIdleMs() const { return max_task_idle_ms_; }
  int replicationFactor() const { return replication_factor_; }
  int64_t pollMs() const { return poll_ms_; }
  int bufferedRecordsPerPartition() const { return buffered_records_per_partition_; }
  const std::string& clientId() const { return client_id_; }
  const std::string& deadLetterQueueTopic() const { return dead_letter_queue_topic_; }
  int64_t statestoreCacheMaxBytes() const { return statestore_cache_max_bytes_; }
  int64_t stateCleanupDelayMs() const { return state_cleanup_delay_ms_; }
  int64_t windowStoreChangelogAdditionalRetentionMs() const {
    return windowstore_changelog_additional_retention_ms_;
  }
  int64_t rocksDBMemoryMaxBytes() const { return rocksdb_memory_max_bytes_; }
  const std::string& metricsRecordingLevel() const { return metrics_recording_level_; }
  const std::string& metricsListener() const { return metrics_listener_; }
  // kEmitIntervalMsOuterJoinSpuriousResultsFix as set; nullopt when not set (then 1000).
  std::optional<int64_t> outerJoinEmitIntervalMs() const { return outer_join_emit_interval_ms_; }
  // Tunes the options of every RocksDB store (Kafka's rocksdb.config.setter, as an object).
  const std::shared_ptr<RocksDBConfigSetter>& rocksDBConfigSetter() const {
    return rocksdb_config_setter_;
  }
  StreamsConfig& setRocksDBConfigSetter(std::shared_ptr<RocksDBConfigSetter> setter) {
    rocksdb_config_setter_ = std::move(setter);
    return *this;
  }

  // The handlers: set by name through the keys above, or as objects.
  std::shared_ptr<DeserializationExceptionHandler> deserializationExceptionHandler() const;
  std::shared_ptr<ProcessingExceptionHandler> processingExceptionHandler() const;
  std::shared_ptr<ProductionExceptionHandler> productionExceptionHandler() const;
  StreamsConfig& setDeserializationExceptionHandler(
      std::shared_ptr<DeserializationExceptionHandler> handler);
  StreamsConfig& setProcessingExceptionHandler(std::shared_ptr<ProcessingExceptionHandler> handler);
  StreamsConfig& setProductionExceptionHandler(std::shared_ptr<ProductionExceptionHandler> handler);

  // Default serdes as objects (the C++ form of default.key.serde / default.value.serde).
  template <typename T>
  StreamsConfig& setDefaultKeySerde(SerdePtr<T> serde) {
    serdes_.key = detail::ErasedSerde::Of<T>(std::move(serde));
    return *this;
  }
  template <typename T>
  StreamsConfig& setDefaultValueSerde(SerdePtr<T> serde) {
    serdes_.value = detail::ErasedSerde::Of<T>(std::move(serde));
    return *this;
  }
  const detail::SerdeDefaults& serdeDefaults() const { return serdes_; }

  // librdkafka properties given with the consumer., producer. and admin. prefixes (prefix
  // removed), in the order set.
  const std::map<std::string, std::string>& consumerOverrides() const { return consumer_; }
  const std::map<std::string, std::string>& producerOverrides() const { return producer_; }
  const std::map<std::string, std::string>& adminOverrides() const { return admin_; }

  // Checks what only a running app needs (application.id set). Throws ConfigException.
  void validateForApplication() const;

 private:
  std::string application_id_;
  std::string bootstrap_servers_;
  int num_stream_threads_ = 1;
  ProcessingGuarantee guarantee_ = ProcessingGuarantee::kAtLeastOnce;
  int64_t commit_interval_ms_ = -1;  // -1: the guarantee's default
  std::string state_dir_ = "/tmp/brook-streams";
  int64_t max_task_idle_ms_ = 0;
  int replication_factor_ = -1;
  int64_t poll_ms_ = 100;
  int buffered_records_per_partition_ = 1000;
  std::string client_id_;
  std::string dead_letter_queue_topic_;
  int64_t statestore_cache_max_bytes_ = 10485760;
  int64_t state_cleanup_delay_ms_ = 600000;
  int64_t windowstore_changelog_additional_retention_ms_ = 86400000;
  int64_t rocksdb_memory_max_bytes_ = 134217728;
  std::string metrics_recording_level_ = "INFO";
  std::string metrics_listener_;
  std::shared_ptr<RocksDBConfigSetter> rocksdb_config_setter_;
  std::optional<int64_t> outer_join_emit_interval_ms_;
  std::string deserialization_handler_name_ = "log_and_fail";
  std::string processing_handler_name_ = "log_and_fail";
  std::string production_handler_name_ = "log_and_fail";
  std::shared_ptr<DeserializationExceptionHandler> deserialization_handler_;
  std::shared_ptr<ProcessingExceptionHandler> processing_handler_;
  std::shared_ptr<ProductionExceptionHandler> production_handler_;
  detail::SerdeDefaults serdes_;
  std::map<std::string, std::string> consumer_;
  std::map<std::string, std::string> producer_;
  std::map<std::string, std::string> admin_;
};

}  // namespace brook::streams
