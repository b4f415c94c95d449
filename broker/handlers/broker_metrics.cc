#include "broker/handlers/broker_metrics.h"

namespace brook::broker::handlers {

namespace {
constexpr char kRequests[] = "kafka_network_request_metrics_requests_total";
constexpr char kTotalTime[] = "kafka_network_request_metrics_total_time_seconds";
constexpr char kBytesIn[] = "kafka_server_broker_topic_metrics_bytes_in_total";
constexpr char kMessagesIn[] = "kafka_server_broker_topic_metrics_messages_in_total";
constexpr char kBytesOut[] = "kafka_server_broker_topic_metrics_bytes_out_total";
constexpr char kTxnEnded[] = "kafka_coordinator_transaction_ended_total";
}  // namespace

BrokerMetrics::BrokerMetrics(metrics::Registry& registry) : registry_(registry) {
  for (const auto& api : protocol::kApis) {
    const auto key = static_cast<size_t>(api.key);
    if (key >= apis_.size()) continue;
    const metrics::Labels labels = {{"request", std::string(api.name)}};
    apis_[key].requests = &registry_.counter(kRequests, "Requests answered, by API.", labels);
    apis_[key].total_time = &registry_.histogram(
        kTotalTime,
        "Time from a request's arrival to its answer, by API (a Fetch's wait included).", labels);
  }
  committed_ = &registry_.counter(kTxnEnded, "Transactions ended by EndTxn, by result.",
                                  {{"result", "commit"}});
  aborted_ = &registry_.counter(kTxnEnded, "Transactions ended by EndTxn, by result.",
                                {{"result", "abort"}});
}

void BrokerMetrics::RequestDone(protocol::ApiKey api, double seconds) {
  const auto key = static_cast<size_t>(api);
  if (key >= apis_.size() || apis_[key].requests == nullptr) return;
  apis_[key].requests->Increment();
  apis_[key].total_time->Observe(seconds);
}

BrokerMetrics::PerTopic& BrokerMetrics::Topic(const std::string& topic) {
  auto [it, inserted] = topics_.try_emplace(topic);
  if (inserted) {
    const metrics::Labels labels = {{"topic", topic}};
    it->second.bytes_in = &registry_.counter(
        kBytesIn, "Bytes of record batches appended by Produce, by topic.", labels);
    it->second.messages_in =
        &registry_.counter(kMessagesIn, "Records appended by Produce, by topic.", labels);
    it->second.bytes_out =
        &registry_.counter(kBytesOut, "Bytes of record batches sent by Fetch, by topic.", labels);
  }
  return it->second;
}

void BrokerMetrics::BytesIn(const std::string& topic, uint64_t bytes, uint64_t messages) {
  PerTopic& per_topic = Topic(topic);
  per_topic.bytes_in->Increment(bytes);
  per_topic.messages_in->Increment(messages);
}

void BrokerMetrics::BytesOut(const std::string& topic, uint64_t bytes) {
  Topic(topic).bytes_out->Increment(bytes);
}

void BrokerMetrics::TransactionEnded(bool committed) {
  (committed ? committed_ : aborted_)->Increment();
}

}  // namespace brook::broker::handlers
