// `brook transactions list|describe|describe-producers`, after kafka-transactions.sh: the same
// columns, printed as the other brook tables.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tools/command.h"
#include "tools/kafka_client.h"
#include "tools/table.h"
#include "tools/transaction_admin_client.h"

namespace brook::tools {
namespace {

// What kafka-transactions.sh prints for a time or offset that is absent.
constexpr const char* kNone = "None";

// The states ListTransactions filters on (Kafka's TransactionState names).
const std::vector<std::string> kStates = {
    "Empty",          "Ongoing",       "PrepareCommit",    "PrepareAbort",
    "CompleteCommit", "CompleteAbort", "PrepareEpochFence"};

struct TransactionsOptions {
  ConnectionOptions connection;
  std::vector<std::string> states;  // list --state
  std::string transactional_id;     // describe
  TopicPartition partition;         // describe-producers
};

Status List(const TransactionsOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto admin, TransactionAdminClient::Create(options.connection));
  BROOK_ASSIGN_OR_RETURN(std::vector<TransactionListing> listed,
                         admin->ListTransactions(options.states));
  Table table({"TransactionalId", "Coordinator", "ProducerId", "TransactionState"});
  for (const TransactionListing& listing : listed) {
    table.AddRow({listing.transactional_id, std::to_string(listing.coordinator_id),
                  std::to_string(listing.producer_id), listing.state});
  }
  table.Print(stdout);
  return Status::Ok();
}

int64_t WallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Describe(const TransactionsOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto admin, TransactionAdminClient::Create(options.connection));
  BROOK_ASSIGN_OR_RETURN(TransactionDescription description,
                         admin->DescribeTransaction(options.transactional_id));
  const bool started = description.start_time_ms >= 0;
  std::string partitions;
  for (const TopicPartition& partition : description.partitions) {
    partitions += (partitions.empty() ? "" : ",") + PartitionName(partition);
  }
  Table table({"CoordinatorId", "TransactionalId", "ProducerId", "ProducerEpoch",
               "TransactionState", "TransactionTimeoutMs", "CurrentTransactionStartTimeMs",
               "TransactionDurationMs", "TopicPartitions"});
  table.AddRow({std::to_string(description.coordinator_id), description.transactional_id,
                std::to_string(description.producer_id), std::to_string(description.producer_epoch),
                description.state, std::to_string(description.timeout_ms),
                started ? std::to_string(description.start_time_ms) : kNone,
                started ? std::to_string(WallClockMs() - description.start_time_ms) : kNone,
                partitions});
  table.Print(stdout);
  return Status::Ok();
}

Status DescribeProducers(const TransactionsOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto admin, TransactionAdminClient::Create(options.connection));
  BROOK_ASSIGN_OR_RETURN(std::vector<ActiveProducer> producers,
                         admin->DescribeProducers(options.partition));
  Table table({"ProducerId", "ProducerEpoch", "LatestCoordinatorEpoch", "LastSequence",
               "LastTimestamp", "CurrentTransactionStartOffset"});
  for (const ActiveProducer& producer : producers) {
    const int64_t start = producer.current_transaction_start_offset;
    table.AddRow({std::to_string(producer.producer_id), std::to_string(producer.producer_epoch),
                  std::to_string(producer.coordinator_epoch),
                  std::to_string(producer.last_sequence), std::to_string(producer.last_timestamp),
                  start >= 0 ? std::to_string(start) : kNone});
  }
  table.Print(stdout);
  return Status::Ok();
}

CLI::App* AddLeaf(CLI::App& transactions, Action& action,
                  const std::shared_ptr<TransactionsOptions>& options, const std::string& name,
                  const std::string& help, std::function<Status(const TransactionsOptions&)> run) {
  CLI::App* leaf = transactions.add_subcommand(name, help);
  AddConnectionOptions(*leaf, options->connection);
  leaf->callback([&action, options, run] { action = [options, run] { return run(*options); }; });
  return leaf;
}

}  // namespace

void AddTransactionsCommand(CLI::App& app, Action& action) {
  auto options = std::make_shared<TransactionsOptions>();
  CLI::App* transactions = app.add_subcommand(
      "transactions", "List and describe transactional ids, and the producers of a partition");
  transactions->require_subcommand(1);

  CLI::App* list = AddLeaf(*transactions, action, options, "list",
                           "TransactionalId, Coordinator, ProducerId and TransactionState of "
                           "every transactional id",
                           List);
  list->add_option("--state", options->states,
                   "Only transactional ids in these states (repeatable): Empty, Ongoing, "
                   "PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, PrepareEpochFence")
      ->check(CLI::IsMember(kStates));

  CLI::App* describe = AddLeaf(*transactions, action, options, "describe",
                               "The coordinator's state of one transactional id", Describe);
  describe->add_option("transactional-id", options->transactional_id, "Transactional id")
      ->required();

  CLI::App* producers = AddLeaf(
      *transactions, action, options, "describe-producers",
      "The idempotent and transactional producers a partition keeps state for", DescribeProducers);
  producers->add_option("--topic", options->partition.topic, "Topic")->required();
  producers->add_option("--partition", options->partition.partition, "Partition")
      ->required()
      ->check(CLI::NonNegativeNumber);
}

}  // namespace brook::tools
