#include "tools/transaction_admin_client.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <thread>

#include "broker/protocol/error_code.h"
#include "broker/protocol/messages.h"
#include "tools/admin_request.h"

namespace brook::tools {
namespace {

namespace protocol = broker::protocol;
using Clock = std::chrono::steady_clock;

// FindCoordinator from v1 carries the key type; v4 asks for a list of keys.
constexpr int16_t kFindCoordinatorMinVersion = 1;
constexpr int8_t kTransactionKeyType = 1;
constexpr auto kRetryBackoff = std::chrono::milliseconds(100);

// True, after a short pause, when `code` is one a client asks again about and the deadline has
// not passed.
bool WaitToRetry(int16_t code, Clock::time_point deadline) {
  if (code == 0 || !protocol::IsRetriable(static_cast<protocol::ErrorCode>(code))) return false;
  if (Clock::now() + kRetryBackoff >= deadline) return false;
  std::this_thread::sleep_for(kRetryBackoff);
  return true;
}

bool IsCode(int16_t code, protocol::ErrorCode expected) {
  return code == static_cast<int16_t>(expected);
}

std::string Lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

TransactionDescription Description(
    int32_t coordinator_id, const protocol::DescribeTransactionsResponse::TransactionState& state) {
  TransactionDescription description{coordinator_id,
                                     state.transactional_id,
                                     state.producer_id,
                                     state.producer_epoch,
                                     state.transaction_state,
                                     state.transaction_timeout_ms,
                                     state.transaction_start_time_ms,
                                     {}};
  for (const auto& topic : state.topics) {
    for (int32_t partition : topic.partitions) {
      description.partitions.push_back({topic.topic, partition});
    }
  }
  std::sort(description.partitions.begin(), description.partitions.end());
  return description;
}

}  // namespace

Result<std::unique_ptr<TransactionAdminClient>> TransactionAdminClient::Create(
    const ConnectionOptions& options) {
  for (const std::string& property : options.properties) {
    BROOK_ASSIGN_OR_RETURN(auto pair, SplitKeyValue(property));
    if (pair.first == "security.protocol" && Lowercase(pair.second) != "plaintext") {
      return Status::Unsupported(
          "brook transactions connects in plaintext only (security.protocol=" + pair.second +
          " is not supported)");
    }
  }
  BROOK_ASSIGN_OR_RETURN(std::unique_ptr<KafkaClient> client,
                         KafkaClient::Create(KafkaClient::Kind::kProducer, options, {}));
  return std::unique_ptr<TransactionAdminClient>(new TransactionAdminClient(std::move(client)));
}

Result<std::unique_ptr<BrokerConnection>> TransactionAdminClient::Connect(
    const BrokerInfo& broker) {
  return BrokerConnection::Open(broker, client_->options().request_timeout_ms);
}

Result<std::unique_ptr<BrokerConnection>> TransactionAdminClient::ConnectToAny() {
  BROOK_ASSIGN_OR_RETURN(ClusterInfo cluster, client_->FetchMetadata());
  Status failure = Status::Unavailable("the cluster metadata names no broker");
  for (const BrokerInfo& broker : cluster.brokers) {
    Result<std::unique_ptr<BrokerConnection>> connection = Connect(broker);
    if (connection.ok()) return connection;
    failure = connection.status();
  }
  return failure;
}

Result<std::vector<TransactionListing>> TransactionAdminClient::ListTransactions(
    const std::vector<std::string>& states) {
  BROOK_ASSIGN_OR_RETURN(ClusterInfo cluster, client_->FetchMetadata());
  std::vector<TransactionListing> listed;
  std::vector<Status> failures;
  for (const BrokerInfo& broker : cluster.brokers) {
    Result<std::vector<TransactionListing>> at = ListAt(broker, states);
    if (!at.ok()) {
      failures.push_back(at.status());
      continue;
    }
    listed.insert(listed.end(), at->begin(), at->end());
  }
  if (!failures.empty() && failures.size() == cluster.brokers.size()) return failures.front();
  for (const Status& failure : failures) {
    std::fprintf(stderr, "brook: warning: some transactions may be missing: %s\n",
                 failure.message().c_str());
  }
  std::sort(listed.begin(), listed.end(),
            [](const auto& a, const auto& b) { return a.transactional_id < b.transactional_id; });
  return listed;
}

Result<std::vector<TransactionListing>> TransactionAdminClient::ListAt(
    const BrokerInfo& broker, const std::vector<std::string>& states) {
  BROOK_ASSIGN_OR_RETURN(std::unique_ptr<BrokerConnection> connection, Connect(broker));
  protocol::ListTransactionsRequest request;
  request.state_filters = states;
  const Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(client_->options().request_timeout_ms);
  while (true) {
    BROOK_ASSIGN_OR_RETURN(protocol::ListTransactionsResponse response,
                           RunRawRequest(*connection, request));
    if (WaitToRetry(response.error_code, deadline)) continue;
    if (response.error_code != 0) {
      return Status::Internal("cannot list the transactions of " + connection->Name() + ": " +
                              BrokerErrorText(response.error_code));
    }
    for (const std::string& unknown : response.unknown_state_filters) {
      std::fprintf(stderr, "brook: warning: %s does not know the transaction state '%s'\n",
                   connection->Name().c_str(), unknown.c_str());
    }
    std::vector<TransactionListing> listed;
    for (const auto& state : response.transaction_states) {
      listed.push_back(
          {state.transactional_id, broker.id, state.producer_id, state.transaction_state});
    }
    return listed;
  }
}

Result<TransactionDescription> TransactionAdminClient::DescribeTransaction(
    const std::string& transactional_id) {
  const std::string name = "transactional id '" + transactional_id + "'";
  BROOK_ASSIGN_OR_RETURN(std::unique_ptr<BrokerConnection> any, ConnectToAny());
  protocol::FindCoordinatorRequest find;
  find.key = transactional_id;  // v1-3
  find.key_type = kTransactionKeyType;
  find.coordinator_keys = {transactional_id};  // v4
  protocol::DescribeTransactionsRequest describe;
  describe.transactional_ids = {transactional_id};
  const Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(client_->options().request_timeout_ms);
  while (true) {
    BROOK_ASSIGN_OR_RETURN(protocol::FindCoordinatorResponse found,
                           RunRawRequest(*any, find, kFindCoordinatorMinVersion));
    // v4 answers in its list of coordinators, older versions at the top level.
    BrokerInfo coordinator{found.node_id, found.host, found.port};
    int16_t error = found.error_code;
    if (!found.coordinators.empty()) {
      const auto& entry = found.coordinators.front();
      coordinator = {entry.node_id, entry.host, entry.port};
      error = entry.error_code;
    }
    if (WaitToRetry(error, deadline)) continue;
    if (error != 0) {
      return Status::Internal("cannot find the coordinator of " + name + ": " +
                              BrokerErrorText(error));
    }

    std::unique_ptr<BrokerConnection> other;
    if (coordinator.id != any->broker().id) {
      BROOK_ASSIGN_OR_RETURN(other, Connect(coordinator));
    }
    BrokerConnection& at = other ? *other : *any;
    BROOK_ASSIGN_OR_RETURN(protocol::DescribeTransactionsResponse response,
                           RunRawRequest(at, describe));
    auto state =
        std::find_if(response.transaction_states.begin(), response.transaction_states.end(),
                     [&](const auto& s) { return s.transactional_id == transactional_id; });
    if (state == response.transaction_states.end()) {
      return Status::Internal(at.Name() + " did not describe " + name);
    }
    if (WaitToRetry(state->error_code, deadline)) continue;  // NOT_COORDINATOR: ask again
    if (IsCode(state->error_code, protocol::ErrorCode::kTransactionalIdNotFound)) {
      return Status::NotFound(name + " does not exist (TRANSACTIONAL_ID_NOT_FOUND)");
    }
    if (state->error_code != 0) {
      return Status::Internal(name +
                              " could not be described: " + BrokerErrorText(state->error_code));
    }
    return Description(coordinator.id, *state);
  }
}

Result<std::vector<ActiveProducer>> TransactionAdminClient::DescribeProducers(
    const TopicPartition& partition) {
  BROOK_ASSIGN_OR_RETURN(ClusterInfo cluster, client_->FetchMetadata());
  auto topic = std::find_if(cluster.topics.begin(), cluster.topics.end(),
                            [&](const TopicInfo& t) { return t.name == partition.topic; });
  if (topic == cluster.topics.end()) {
    return Status::NotFound("topic '" + partition.topic + "' does not exist");
  }
  auto info = std::find_if(topic->partitions.begin(), topic->partitions.end(),
                           [&](const PartitionInfo& p) { return p.id == partition.partition; });
  if (info == topic->partitions.end()) {
    return Status::NotFound("topic '" + partition.topic + "' has no partition " +
                            std::to_string(partition.partition));
  }
  auto leader = std::find_if(cluster.brokers.begin(), cluster.brokers.end(),
                             [&](const BrokerInfo& b) { return b.id == info->leader; });
  if (leader == cluster.brokers.end()) {
    return Status::Unavailable("partition " + PartitionName(partition) + " has no leader");
  }
  BROOK_ASSIGN_OR_RETURN(std::unique_ptr<BrokerConnection> connection, Connect(*leader));
  protocol::DescribeProducersRequest request;
  auto& requested = request.topics.emplace_back();
  requested.name = partition.topic;
  requested.partition_indexes = {partition.partition};
  const Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(client_->options().request_timeout_ms);
  while (true) {
    BROOK_ASSIGN_OR_RETURN(protocol::DescribeProducersResponse response,
                           RunRawRequest(*connection, request));
    const protocol::DescribeProducersResponse::PartitionResponse* answer = nullptr;
    for (const auto& t : response.topics) {
      for (const auto& p : t.partitions) {
        if (t.name == partition.topic && p.partition_index == partition.partition) answer = &p;
      }
    }
    if (answer == nullptr) {
      return Status::Internal(connection->Name() + " did not describe the producers of " +
                              PartitionName(partition));
    }
    if (WaitToRetry(answer->error_code, deadline)) continue;
    if (answer->error_code != 0) {
      return Status::Internal("cannot describe the producers of " + PartitionName(partition) +
                              ": " + BrokerErrorText(answer->error_code));
    }
    std::vector<ActiveProducer> producers;
    for (const auto& p : answer->active_producers) {
      producers.push_back({p.producer_id, p.producer_epoch, p.coordinator_epoch, p.last_sequence,
                           p.last_timestamp, p.current_txn_start_offset});
    }
    std::sort(producers.begin(), producers.end(),
              [](const auto& a, const auto& b) { return a.producer_id < b.producer_id; });
    return producers;
  }
}

}  // namespace brook::tools
