#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "broker/app/properties.h"
#include "broker/log/log_config.h"
#include "common/result.h"

namespace brook::broker::app {

// One listener, from "PLAINTEXT://host:port". Port 0 = any free port (EmbeddedBroker).
struct Listener {
  std::string name = "PLAINTEXT";
  std::string host = "127.0.0.1";
  int port = 9092;

  bool operator==(const Listener&) const = default;
};

// The broker's configuration, with Kafka's property names (server.properties). Fields end with
// their default.
struct BrokerConfig {
  // node.id (or broker.id). Default: 1.
  int32_t node_id = 1;
  // listeners. Default: PLAINTEXT://127.0.0.1:9092. Only PLAINTEXT is supported.
  std::vector<Listener> listeners = {Listener{}};
  // advertised.listeners: what Metadata tells clients. Default: the listeners (with a bound
  // ephemeral port filled in).
  std::vector<Listener> advertised_listeners;
  // log.dirs (or log.dir): the first directory holds the data. Default: /tmp/brook-logs.
  std::string log_dir = "/tmp/brook-logs";
  // num.partitions: partitions of an auto-created topic. Default: 1.
  int32_t num_partitions = 1;
  // auto.create.topics.enable. Default: true.
  bool auto_create_topics = true;
  // default.replication.factor: must be 1 on one node. Default: 1.
  int16_t default_replication_factor = 1;
  // delete.topic.enable. Default: true.
  bool delete_topic_enable = true;
  // socket.request.max.bytes: the largest request frame. Default: 104857600.
  int32_t socket_request_max_bytes = 104857600;
  // connections.max.idle.ms: idle connections are closed after this. Default: 600000.
  int64_t connections_max_idle_ms = 600000;
  // log.retention.check.interval.ms. Default: 300000.
  int64_t retention_check_interval_ms = 300000;
  // log.flush.scheduler.interval.ms: how often flush.ms is checked. Default: 1000 (Kafka: never,
  // which makes log.flush.interval.ms have no effect until a roll).
  int64_t flush_scheduler_interval_ms = 1000;
  // log.cleaner.enable. Default: true.
  bool cleaner_enable = true;
  // log.cleaner.backoff.ms. Default: 15000.
  int64_t cleaner_backoff_ms = 15000;
  // offsets.topic.num.partitions. Default: 50.
  int32_t offsets_topic_partitions = 50;
  // offsets.topic.segment.bytes. Default: 104857600.
  int32_t offsets_topic_segment_bytes = 104857600;
  // offsets.retention.minutes. Default: 10080 (7 days).
  int64_t offsets_retention_minutes = 10080;
  // offsets.retention.check.interval.ms. Default: 600000.
  int64_t offsets_retention_check_interval_ms = 600000;
  // offset.metadata.max.bytes: the longest metadata string of a commit. Default: 4096.
  int32_t offset_metadata_max_bytes = 4096;
  // group.initial.rebalance.delay.ms. Default: 3000.
  int64_t group_initial_rebalance_delay_ms = 3000;
  // group.min.session.timeout.ms / group.max.session.timeout.ms. Default: 6000 / 1800000.
  int64_t group_min_session_timeout_ms = 6000;
  int64_t group_max_session_timeout_ms = 1800000;
  // group.max.size. Default: unlimited.
  int32_t group_max_size = INT32_MAX;
  // transaction.max.timeout.ms: the longest transaction.timeout.ms a producer may ask for.
  // Default: 900000.
  int64_t transaction_max_timeout_ms = 900000;
  // transaction.state.log.num.partitions / transaction.state.log.segment.bytes.
  // Default: 50 / 104857600.
  int32_t transaction_state_partitions = 50;
  int32_t transaction_state_segment_bytes = 104857600;
  // transactional.id.expiration.ms: an idle transactional id is forgotten. Default: 7 days.
  int64_t transactional_id_expiration_ms = 604800000;
  // transaction.abort.timed.out.transaction.cleanup.interval.ms. Default: 10000.
  int64_t transaction_abort_interval_ms = 10000;
  // transaction.remove.expired.transaction.cleanup.interval.ms. Default: 3600000.
  int64_t transaction_expire_interval_ms = 3600000;
  // producer.id.expiration.ms: a partition forgets an idle producer. Default: 1 day.
  int64_t producer_id_expiration_ms = 86400000;
  // producer.id.expiration.check.interval.ms. Default: 600000.
  int64_t producer_id_expiration_check_interval_ms = 600000;
  // metrics.listener: http://HOST:PORT where GET /metrics answers the broker's metrics in
  // Prometheus' text format (PORT 0: a free port, logged). Default: "" (off).
  std::string metrics_listener;
  // Defaults of every topic's log settings: log.segment.bytes, log.roll.ms/hours,
  // log.retention.ms/minutes/hours, log.retention.bytes, message.max.bytes,
  // log.index.interval.bytes, log.index.size.max.bytes, log.flush.interval.messages/ms,
  // log.cleanup.policy, log.cleaner.delete.retention.ms, log.cleaner.min.cleanable.ratio,
  // log.cleaner.min.compaction.lag.ms.
  log::LogConfig log_defaults;
  // Topic-level keys whose default server.properties set (topic key -> value), so
  // DescribeConfigs can say STATIC_BROKER_CONFIG.
  std::map<std::string, std::string> topic_defaults_set;
  // Every property given, as given (DescribeConfigs of the BROKER resource).
  Properties given;

  // Builds the configuration from properties. Malformed values are InvalidArgument naming the
  // key; keys Brook does not know are returned in `unknown` for the caller to warn about, and
  // keys that have no meaning on one node (replication factors of internal topics, thread
  // counts, quorum settings) in `ignored`.
  static Result<BrokerConfig> FromProperties(const Properties& props,
                                             std::vector<std::string>* unknown = nullptr,
                                             std::vector<std::string>* ignored = nullptr);

  // A key: its name, its default as server.properties would write it ("" for none), and what
  // it does.
  struct KeyDefinition {
    const char* name;
    const char* default_value;
    const char* doc;
  };
  // Every key FromProperties applies, in the order of the configuration reference
  // (docs/guides/configuration.md), which is generated from them.
  static std::span<const KeyDefinition> Definitions();

  bool operator==(const BrokerConfig&) const = default;
};

// Parses "PLAINTEXT://host:port[,NAME://host:port...]". An empty host means 0.0.0.0.
Result<std::vector<Listener>> ParseListeners(const std::string& value);

}  // namespace brook::broker::app
