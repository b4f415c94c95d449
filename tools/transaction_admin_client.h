#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "tools/broker_connection.h"
#include "tools/kafka_client.h"
#include "tools/topic_partition.h"

namespace brook::tools {

// One transactional id as ListTransactions reports it.
struct TransactionListing {
  std::string transactional_id;
  int32_t coordinator_id = -1;  // the broker that answered
  int64_t producer_id = -1;
  std::string state;  // Kafka's names: "Empty", "Ongoing", "CompleteCommit", ...
};

// One transactional id as its coordinator describes it (DescribeTransactions).
struct TransactionDescription {
  int32_t coordinator_id = -1;
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  std::string state;
  int32_t timeout_ms = 0;
  int64_t start_time_ms = -1;              // -1: no transaction has started
  std::vector<TopicPartition> partitions;  // of the current transaction, sorted
};

// One idempotent or transactional producer a partition knows (DescribeProducers).
struct ActiveProducer {
  int64_t producer_id = -1;
  int32_t producer_epoch = -1;
  int32_t coordinator_epoch = -1;  // of its last marker on the partition; -1: none yet
  int32_t last_sequence = -1;
  int64_t last_timestamp = -1;
  int64_t current_transaction_start_offset = -1;  // -1: no transaction open on the partition
};

// Kafka's transaction admin API (ListTransactions, FindCoordinator + DescribeTransactions,
// DescribeProducers), which librdkafka 2.0.2 lacks: raw requests (RunRawRequest) on plaintext
// connections to the brokers the cluster metadata names; each call blocks until the broker
// answers. Answers a client retries (COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS,
// NOT_COORDINATOR, ...) are asked again until --request-timeout-ms has passed.
// Errors: Unavailable("cannot reach broker at ...") when no broker answers the metadata request,
// Unsupported("the broker does not support this request: <Api>") when the broker lacks the API,
// NotFound for unknown transactional ids, topics and partitions, Internal with the broker's error
// otherwise.
// Thread safety: use from one thread.
class TransactionAdminClient {
 public:
  // Unsupported when --property sets a security.protocol other than plaintext (the raw
  // connections have neither TLS nor SASL).
  static Result<std::unique_ptr<TransactionAdminClient>> Create(const ConnectionOptions& options);

  // The transactional ids every broker coordinates, sorted by id; with `states` (Kafka's names)
  // only those in one of these states. Brokers that fail while others answer are reported on
  // stderr as a warning.
  Result<std::vector<TransactionListing>> ListTransactions(const std::vector<std::string>& states);
  // Asks any broker for the coordinator of `transactional_id` (FindCoordinator key type 1), then
  // the coordinator for its state. NotFound("transactional id 'x' does not exist
  // (TRANSACTIONAL_ID_NOT_FOUND)") when the coordinator does not know it.
  Result<TransactionDescription> DescribeTransaction(const std::string& transactional_id);
  // The producers the leader of `partition` keeps state for, sorted by producer id. NotFound when
  // the topic or the partition does not exist.
  Result<std::vector<ActiveProducer>> DescribeProducers(const TopicPartition& partition);

 private:
  explicit TransactionAdminClient(std::unique_ptr<KafkaClient> client)
      : client_(std::move(client)) {}

  Result<std::unique_ptr<BrokerConnection>> Connect(const BrokerInfo& broker);
  // A connection to the first broker of the cluster that accepts one.
  Result<std::unique_ptr<BrokerConnection>> ConnectToAny();
  Result<std::vector<TransactionListing>> ListAt(const BrokerInfo& broker,
                                                 const std::vector<std::string>& states);

  std::unique_ptr<KafkaClient> client_;
};

}  // namespace brook::tools
