#include "tools/kafka_client.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>

namespace brook::tools {
namespace {

// State librdkafka's callbacks see through the handle's opaque.
struct CallbackState {
  std::atomic<bool> all_brokers_down{false};
};

void OnError(rd_kafka_t* /*handle*/, int error, const char* /*reason*/, void* opaque) {
  if (error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    static_cast<CallbackState*>(opaque)->all_brokers_down = true;
  }
}

Status Set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) !=
      RD_KAFKA_CONF_OK) {
    return Status::InvalidArgument(error);
  }
  return Status::Ok();
}

std::vector<int32_t> Copy(const int32_t* ids, int count) { return {ids, ids + count}; }

}  // namespace

void AddConnectionOptions(CLI::App& command, ConnectionOptions& options) {
  command
      .add_option("--bootstrap-server", options.bootstrap_server,
                  "Broker to connect to, HOST:PORT (comma-separated for several)")
      ->capture_default_str();
  command
      .add_option("-X,--property", options.properties,
                  "librdkafka setting key=value (repeatable), applied last")
      ->check(CheckKeyValue);
  command
      .add_option("--request-timeout-ms", options.request_timeout_ms,
                  "Give up when the broker does not connect or answer (metadata, admin requests) "
                  "within this many ms")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

Result<std::unique_ptr<KafkaClient>> KafkaClient::Create(Kind kind,
                                                         const ConnectionOptions& options,
                                                         const Settings& settings,
                                                         const ConfHook& hook) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const std::string timeout = std::to_string(options.request_timeout_ms);
  Settings all = {
      {"bootstrap.servers", options.bootstrap_server},
      {"socket.connection.setup.timeout.ms", timeout},
      {"log_level", "0"},
  };
  all.insert(all.end(), settings.begin(), settings.end());
  for (const std::string& property : options.properties) {
    Result<std::pair<std::string, std::string>> pair = SplitKeyValue(property);
    if (!pair.ok()) {
      rd_kafka_conf_destroy(conf);
      return pair.status();
    }
    all.push_back(*pair);
  }
  for (const auto& [key, value] : all) {
    Status status = Set(conf, key, value);
    if (!status.ok()) {
      rd_kafka_conf_destroy(conf);
      return status;
    }
  }
  // The state lives as long as the process: handles are few and short-lived in the CLI.
  static CallbackState state;
  rd_kafka_conf_set_opaque(conf, &state);
  rd_kafka_conf_set_error_cb(conf, OnError);
  if (hook) hook(conf);

  char error[512];
  rd_kafka_t* handle = rd_kafka_new(kind == Kind::kProducer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER,
                                    conf, error, sizeof(error));
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(error);
  }
  return std::unique_ptr<KafkaClient>(new KafkaClient(handle, options));
}

KafkaClient::KafkaClient(rd_kafka_t* handle, ConnectionOptions options)
    : handle_(handle), options_(std::move(options)) {}

KafkaClient::~KafkaClient() {
  if (!abandoned_) rd_kafka_destroy(handle_);
}

Status KafkaClient::UnreachableStatus() const {
  return Status::Unavailable("cannot reach broker at " + options_.bootstrap_server);
}

Status KafkaClient::ErrorStatus(rd_kafka_resp_err_t error, const std::string& what) const {
  if (error == RD_KAFKA_RESP_ERR__TRANSPORT || error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    return UnreachableStatus();
  }
  return Status(StatusCode::kInternal, what + ": " + rd_kafka_err2str(error));
}

Result<ClusterInfo> KafkaClient::FetchMetadata() {
  // Ask in short slices so a refused connection (all brokers down) ends the wait early.
  auto* state = static_cast<CallbackState*>(rd_kafka_opaque(handle_));
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.request_timeout_ms);
  const rd_kafka_metadata_t* metadata = nullptr;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return UnreachableStatus();
    const int slice = static_cast<int>(std::min<int64_t>(left.count(), 500));
    rd_kafka_resp_err_t error = rd_kafka_metadata(handle_, 1, nullptr, &metadata, slice);
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (error != RD_KAFKA_RESP_ERR__TRANSPORT && error != RD_KAFKA_RESP_ERR__TIMED_OUT) {
      return ErrorStatus(error, "metadata request failed");
    }
    rd_kafka_poll(handle_, 0);  // serves the error callback
    if (state->all_brokers_down) return UnreachableStatus();
  }

  ClusterInfo cluster;
  for (int b = 0; b < metadata->broker_cnt; ++b) {
    const rd_kafka_metadata_broker_t& broker = metadata->brokers[b];
    cluster.brokers.push_back({broker.id, broker.host, broker.port});
  }
  std::sort(cluster.brokers.begin(), cluster.brokers.end(),
            [](const BrokerInfo& a, const BrokerInfo& b) { return a.id < b.id; });
  for (int t = 0; t < metadata->topic_cnt; ++t) {
    const rd_kafka_metadata_topic_t& topic = metadata->topics[t];
    if (topic.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    TopicInfo info{topic.topic, {}};
    for (int p = 0; p < topic.partition_cnt; ++p) {
      const rd_kafka_metadata_partition_t& partition = topic.partitions[p];
      info.partitions.push_back({partition.id, partition.leader,
                                 Copy(partition.replicas, partition.replica_cnt),
                                 Copy(partition.isrs, partition.isr_cnt), partition.err});
    }
    std::sort(info.partitions.begin(), info.partitions.end(),
              [](const PartitionInfo& a, const PartitionInfo& b) { return a.id < b.id; });
    cluster.topics.push_back(std::move(info));
  }
  rd_kafka_metadata_destroy(metadata);
  std::sort(cluster.topics.begin(), cluster.topics.end(),
            [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; });
  return cluster;
}

Result<TopicInfo> KafkaClient::FetchTopic(const std::string& topic) {
  BROOK_ASSIGN_OR_RETURN(ClusterInfo cluster, FetchMetadata());
  for (TopicInfo& info : cluster.topics) {
    if (info.name == topic) return std::move(info);
  }
  return Status::NotFound("topic '" + topic + "' does not exist");
}

Result<std::pair<std::string, std::string>> SplitKeyValue(const std::string& text) {
  const size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    return Status::InvalidArgument("expected key=value, got '" + text + "'");
  }
  return std::make_pair(text.substr(0, equals), text.substr(equals + 1));
}

std::string CheckKeyValue(const std::string& text) {
  Result<std::pair<std::string, std::string>> pair = SplitKeyValue(text);
  return pair.ok() ? std::string() : pair.status().message();
}

}  // namespace brook::tools
