#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace CLI {
class App;
}

namespace brook::tools {

// How every subcommand that talks to a broker connects. Filled by AddConnectionOptions.
struct ConnectionOptions {
  // --bootstrap-server. Default: 127.0.0.1:9092.
  std::string bootstrap_server = "127.0.0.1:9092";
  // --property key=value, raw librdkafka settings applied last. Default: none.
  std::vector<std::string> properties;
  // --request-timeout-ms: how long to wait for a broker to connect or answer a metadata or admin
  // request. Default: 10000.
  int request_timeout_ms = 10000;
};

// Adds --bootstrap-server, --property (-X) and --request-timeout-ms to `command`.
void AddConnectionOptions(CLI::App& command, ConnectionOptions& options);

// One partition as the cluster metadata describes it.
struct PartitionInfo {
  int32_t id = 0;
  int32_t leader = -1;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
};

struct TopicInfo {
  std::string name;
  std::vector<PartitionInfo> partitions;  // sorted by id
};

// A broker as the cluster metadata names it.
struct BrokerInfo {
  int32_t id = -1;
  std::string host;
  int32_t port = 0;
};

// A copy of the cluster metadata (brokers sorted by id, topics by name), independent of
// librdkafka's lifetime.
struct ClusterInfo {
  std::vector<BrokerInfo> brokers;
  std::vector<TopicInfo> topics;
};

// Owns one rd_kafka_t (producer or consumer) configured for the CLI: bootstrap server, short
// connection timeouts, librdkafka's own logging off (errors are reported by the commands).
// Thread safety: the handle is thread safe as librdkafka's is; this object is used from one thread.
class KafkaClient {
 public:
  enum class Kind { kProducer, kConsumer };
  using Settings = std::vector<std::pair<std::string, std::string>>;
  // Called with the configuration before the handle is made (callbacks, opaque).
  using ConfHook = std::function<void(rd_kafka_conf_t*)>;

  // Fails with InvalidArgument when a setting is rejected by librdkafka. `settings` are applied
  // after the CLI defaults and before --property values.
  static Result<std::unique_ptr<KafkaClient>> Create(Kind kind, const ConnectionOptions& options,
                                                     const Settings& settings,
                                                     const ConfHook& hook = nullptr);
  ~KafkaClient();
  KafkaClient(const KafkaClient&) = delete;
  KafkaClient& operator=(const KafkaClient&) = delete;

  rd_kafka_t* handle() const { return handle_; }
  const ConnectionOptions& options() const { return options_; }

  // All topics of the cluster. Unavailable("cannot reach broker at ...") when no broker answers
  // within the connect timeout.
  Result<ClusterInfo> FetchMetadata();
  // One topic; NotFound("topic 'x' does not exist") when the cluster does not have it.
  Result<TopicInfo> FetchTopic(const std::string& topic);

  // Makes the destructor leave the handle alone (its threads end with the process). For after a
  // coordinator admin request the broker does not support: librdkafka 2.0.2 then deadlocks its
  // main thread and rd_kafka_destroy never returns (fixed upstream in 8bf0a679c).
  void Abandon() { abandoned_ = true; }

  // The Status for a librdkafka error, with `what` in front of librdkafka's text.
  Status ErrorStatus(rd_kafka_resp_err_t error, const std::string& what) const;

 private:
  KafkaClient(rd_kafka_t* handle, ConnectionOptions options);
  Status UnreachableStatus() const;

  rd_kafka_t* handle_;
  bool abandoned_ = false;
  ConnectionOptions options_;
};

// Splits "key=value" at the first '='. InvalidArgument when there is no '=' or the key is empty.
Result<std::pair<std::string, std::string>> SplitKeyValue(const std::string& text);

// A CLI11 check that accepts "key=value".
std::string CheckKeyValue(const std::string& text);

}  // namespace brook::tools
