#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "tools/kafka_client.h"

namespace brook::tools {

// One topic config as DescribeConfigs reports it.
struct ConfigEntry {
  std::string name;
  std::string value;
  bool is_default = false;
  bool is_sensitive = false;
  // Set directly on the topic (the only kind AlterConfigs replaces).
  bool is_topic_override = false;
};

// librdkafka's admin API for topics: each call blocks until the broker answers.
// Errors: NotFound "topic 'x' does not exist", AlreadyExists "topic 'x' already exists",
// Unavailable when no broker answers, otherwise the broker's error text.
// Thread safety: use from one thread.
class AdminClient {
 public:
  static Result<std::unique_ptr<AdminClient>> Create(const ConnectionOptions& options);

  KafkaClient& client() { return *client_; }

  Status CreateTopic(const std::string& topic, int partitions, int replication_factor,
                     const std::map<std::string, std::string>& configs);
  Status DeleteTopic(const std::string& topic);
  // Grows the topic to `total_partitions` partitions.
  Status CreatePartitions(const std::string& topic, int total_partitions);
  Result<std::vector<ConfigEntry>> DescribeTopicConfigs(const std::string& topic);
  // Replaces every topic override with `configs` (AlterConfigs is not incremental).
  Status ReplaceTopicConfigs(const std::string& topic,
                             const std::map<std::string, std::string>& configs);

 private:
  explicit AdminClient(std::unique_ptr<KafkaClient> client) : client_(std::move(client)) {}

  std::unique_ptr<KafkaClient> client_;
};

}  // namespace brook::tools
