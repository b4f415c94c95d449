#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "broker/protocol/api_key.h"
#include "common/metrics.h"

namespace brook::broker::handlers {

// The broker's own metrics in its Registry, named after Kafka's metric groups in Prometheus
// style (docs/guides/observability.md):
//   kafka_network_request_metrics_requests_total{request}       RequestMetrics RequestsPerSec
//   kafka_network_request_metrics_total_time_seconds{request}   RequestMetrics TotalTimeMs
//   kafka_server_broker_topic_metrics_bytes_in_total{topic}     BrokerTopicMetrics BytesInPerSec
//   kafka_server_broker_topic_metrics_messages_in_total{topic}  ... MessagesInPerSec
//   kafka_server_broker_topic_metrics_bytes_out_total{topic}    ... BytesOutPerSec
//   kafka_coordinator_transaction_ended_total{result}           EndTxn answered without error
// (The Broker adds the scrape-time ones: partition sizes and offsets, consumer group lag.)
// Thread safety: RequestDone and TransactionEnded from any thread; BytesIn and BytesOut on the
// server's loop (they keep a per-topic cache).
class BrokerMetrics {
 public:
  explicit BrokerMetrics(metrics::Registry& registry);

  metrics::Registry& registry() { return registry_; }
  // A request of `api` answered `seconds` after it arrived (Kafka's TotalTimeMs, which
  // includes a Fetch's wait for data).
  void RequestDone(protocol::ApiKey api, double seconds);
  void BytesIn(const std::string& topic, uint64_t bytes, uint64_t messages);
  void BytesOut(const std::string& topic, uint64_t bytes);
  void TransactionEnded(bool committed);

 private:
  struct PerApi {
    metrics::Counter* requests = nullptr;
    metrics::Histogram* total_time = nullptr;
  };
  struct PerTopic {
    metrics::Counter* bytes_in = nullptr;
    metrics::Counter* messages_in = nullptr;
    metrics::Counter* bytes_out = nullptr;
  };
  PerTopic& Topic(const std::string& topic);

  metrics::Registry& registry_;
  std::array<PerApi, 128> apis_{};  // filled at construction for every API Brook knows
  std::unordered_map<std::string, PerTopic> topics_;
  metrics::Counter* committed_ = nullptr;
  metrics::Counter* aborted_ = nullptr;
};

}  // namespace brook::broker::handlers
