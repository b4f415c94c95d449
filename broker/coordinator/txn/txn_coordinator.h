#pragma once

// The transaction coordinator (Kafka's TransactionCoordinator, KIP-98 / KIP-447): producer ids
// and epochs for transactional ids, the partitions and group offsets of each open transaction,
// commit and abort with markers in every partition involved. This node coordinates every
// transactional id; the state of each lives in the compacted internal topic __transaction_state
// (txn_records.h).
//
// A transaction's state machine (Kafka's TransactionState; ids as stored):
//
//                  +---------+
//     +----------> | Empty 0 | <------ InitProducerId (a new id; or epoch + 1 when not Ongoing)
//     |            +---------+
//     |                 | AddPartitionsToTxn / AddOffsetsToTxn
//     |                 v
//     |            +-----------+ ---- timeout, or InitProducerId fencing ----+
//     |            | Ongoing 1 |                                             v
//     |            +-----------+                                +-----------------------+
//     |   EndTxn(commit) |  | EndTxn(abort)                     | PrepareEpochFence 7   |
//     |                  v  +--------------------+              +-----------------------+
//     |   +-----------------+                    v                          | epoch + 1
//     |   | PrepareCommit 2 |             +----------------+ <--------------+
//     |   +-----------------+             | PrepareAbort 3 |
//     |            | COMMIT markers       +----------------+
//     |            v                              | ABORT markers
//     |   +------------------+            +-----------------+
//     +---| CompleteCommit 4 |            | CompleteAbort 5 |---+
//     |   +------------------+            +-----------------+   |
//     +---------------------------------------------------------+
//   AddPartitionsToTxn / AddOffsetsToTxn from Complete* start the next transaction (Ongoing 1).
//   Empty / Complete* idle for transactional.id.expiration.ms -> Dead 6: a tombstone in
//   __transaction_state, the id is forgotten.
//
// On one node every step is synchronous on the event loop: EndTxn logs Prepare*, appends the
// markers (to each data partition, and through the group coordinator to the transaction's
// __consumer_offsets partitions) and logs Complete* before it answers, so the producer's next
// transaction never meets CONCURRENT_TRANSACTIONS. A marker that cannot be written (an I/O
// error) leaves the transaction in Prepare*; the periodic check writes the markers again
// (markers are idempotent: one for a producer with no open transaction changes nothing).
//
// At start-up Startup() replays __transaction_state and completes every transaction it finds in
// PrepareCommit / PrepareAbort / PrepareEpochFence (the broker stopped between logging the
// decision and writing the markers); Ongoing ones keep running against their timeout.
// Until then the transactional APIs answer COORDINATOR_LOAD_IN_PROGRESS.
//
// Fencing: InitProducerId for a transactional id whose transaction is Ongoing aborts it with a
// bumped epoch (the markers carry it, so the old producer's batches get INVALID_PRODUCER_EPOCH)
// and answers with a further epoch; its AddPartitionsToTxn / EndTxn get PRODUCER_FENCED.
// Threading: every method runs on the broker's event loop.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "broker/coordinator/group/group_coordinator.h"
#include "broker/coordinator/txn/producer_id_manager.h"
#include "broker/coordinator/txn/txn_records.h"
#include "broker/metadata/topic_manager.h"
#include "broker/protocol/error_code.h"
#include "broker/protocol/messages.h"

namespace brook::broker::coordinator::txn {

struct TxnCoordinatorOptions {
  int32_t state_topic_partitions = 50;                 // transaction.state.log.num.partitions
  int32_t state_topic_segment_bytes = 104857600;       // transaction.state.log.segment.bytes
  int32_t max_timeout_ms = 900000;                     // transaction.max.timeout.ms
  int64_t transactional_id_expiration_ms = 604800000;  // transactional.id.expiration.ms
};

// One transactional id's state in memory: what is stored, plus the epoch before the last bump
// (a retried InitProducerId may still carry it).
struct TxnMetadata {
  std::string transactional_id;
  StoredTxn stored;
  ProducerEpoch last_producer_epoch{-1};
};

class TransactionCoordinator {
 public:
  // `on_append(log_name)` runs after each marker append (the broker wakes fetches waiting on
  // that partition). `groups` writes the markers of transactional offset commits.
  TransactionCoordinator(TxnCoordinatorOptions options, metadata::TopicManager* topics,
                         ProducerIdManager* producer_ids, GroupCoordinator* groups,
                         std::function<int64_t()> now_ms,
                         std::function<void(const std::string&)> on_append = {});

  // Replays __transaction_state (when it exists) and completes the transactions the last run
  // left half-way. Call on the loop before serving transactional requests.
  Status Startup();

  // For FindCoordinator key type 1: creates __transaction_state on first use. NONE, or
  // COORDINATOR_NOT_AVAILABLE.
  protocol::ErrorCode EnsureStateTopic();

  protocol::InitProducerIdResponse InitProducerId(const protocol::InitProducerIdRequest& request,
                                                  int16_t version);
  protocol::AddPartitionsToTxnResponse AddPartitions(
      const protocol::AddPartitionsToTxnRequest& request, int16_t version);
  protocol::AddOffsetsToTxnResponse AddOffsets(const protocol::AddOffsetsToTxnRequest& request,
                                               int16_t version);
  protocol::EndTxnResponse EndTxn(const protocol::EndTxnRequest& request, int16_t version);
  protocol::DescribeTransactionsResponse Describe(
      const protocol::DescribeTransactionsRequest& request) const;
  protocol::ListTransactionsResponse List(const protocol::ListTransactionsRequest& request) const;

  // For Produce (Kafka's KIP-890 verification, direct on one node): NONE when `topic`-`partition`
  // is part of the Ongoing transaction of `transactional_id` with this producer id and epoch;
  // INVALID_TXN_STATE when the transactional id is known, matches the producer and has not added
  // the partition; INVALID_PRODUCER_EPOCH for a stale epoch; NONE otherwise (the log's producer
  // state decides).
  protocol::ErrorCode CheckTransactionalProduce(const std::string& transactional_id,
                                                ProducerId producer_id, ProducerEpoch epoch,
                                                const std::string& topic, int32_t partition) const;

  // Aborts (with a bumped epoch) every Ongoing transaction older than its timeout, and writes
  // the markers of transactions stuck in Prepare*. Returns how many were aborted. The broker
  // runs it every transaction.abort.timed.out.transaction.cleanup.interval.ms.
  int AbortTimedOutTransactions();
  // Forgets transactional ids idle (Empty / Complete*) for transactional.id.expiration.ms,
  // with a tombstone each. Returns how many. Run every
  // transaction.remove.expired.transaction.cleanup.interval.ms.
  int ExpireTransactionalIds();

  const TxnMetadata* Find(const std::string& transactional_id) const;
  bool loaded() const { return loaded_; }

 private:
  protocol::ErrorCode CheckProducer(const TxnMetadata* txn, ProducerId producer_id,
                                    ProducerEpoch epoch, int16_t version,
                                    int16_t fenced_below_version) const;
  // Writes `txn` with `stored` as its new state to __transaction_state; on success installs it.
  Status Persist(TxnMetadata& txn, const StoredTxn& stored);
  // Prepare -> markers -> Complete. Returns the error to answer (NONE, or when a step failed).
  protocol::ErrorCode CompleteTransaction(TxnMetadata& txn, bool commit);
  // Writes the markers of `txn` (in PrepareCommit / PrepareAbort). Ok when every partition has
  // one (partitions of deleted topics are skipped).
  Status WriteMarkers(const TxnMetadata& txn, bool commit);
  // Aborts the Ongoing transaction of `txn` with epoch + 1 (PrepareEpochFence, PrepareAbort,
  // markers, CompleteAbort).
  protocol::ErrorCode FenceAndAbort(TxnMetadata& txn, const std::string& reason);
  protocol::ErrorCode StateTopicError();

  TxnCoordinatorOptions options_;
  metadata::TopicManager* topics_;
  ProducerIdManager* producer_ids_;
  GroupCoordinator* groups_;
  std::function<int64_t()> now_ms_;
  std::function<void(const std::string&)> on_append_;
  std::map<std::string, TxnMetadata> txns_;
  bool loaded_ = false;
};

}  // namespace brook::broker::coordinator::txn
