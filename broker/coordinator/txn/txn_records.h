#pragma once

// The records the transaction coordinator keeps in the compacted internal topic
// __transaction_state, in Kafka's layout (docs/formats/transaction-state.md):
//   key   = int16 0 + TransactionLogKey v0 (transactional id)
//   value = int16 0 + TransactionLogValue v0, or int16 1 + TransactionLogValue v1 (flexible,
//           tagged PreviousProducerId, NextProducerId and ClientTransactionVersion)
// A null value is a tombstone: the transactional id has expired. All records of a
// transactional id go to partition abs(javaHashCode(id)) % partitions.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "broker/log/log.h"
#include "common/bytes.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::coordinator::txn {

inline constexpr std::string_view kTransactionStateTopic = "__transaction_state";

// The state of a transactional id, with Kafka's ids as stored in the value's TransactionStatus.
// Legal transitions (Kafka's TransactionMetadata):
//
//   Empty ----> Ongoing ----> PrepareCommit ----> CompleteCommit
//                 |   |
//                 |   +----> PrepareEpochFence --+
//                 v                              |
//               PrepareAbort <-------------------+
//                 |
//                 v
//               CompleteAbort
//
//   Ongoing -> Ongoing (more partitions); Empty, CompleteCommit and CompleteAbort -> Empty,
//   Ongoing or Dead (the transactional id expired).
enum class TxnState : int8_t {
  kEmpty = 0,              // no transaction open
  kOngoing = 1,            // partitions or offsets added
  kPrepareCommit = 2,      // EndTxn(commit) logged, COMMIT markers being written
  kPrepareAbort = 3,       // EndTxn(abort), a timeout or a fence logged, ABORT markers pending
  kCompleteCommit = 4,     // every COMMIT marker written
  kCompleteAbort = 5,      // every ABORT marker written
  kDead = 6,               // the transactional id expired
  kPrepareEpochFence = 7,  // bumping the epoch to fence a producer, then abort
};

// Kafka's name of a state, as kafka-transactions.sh and DescribeTransactions show it
// ("Empty", "Ongoing", "PrepareCommit", ...); "Unknown" for a value outside the enum.
std::string_view TxnStateName(TxnState state);
// The state of a name given by TxnStateName (exact, case-sensitive as in Kafka; the state
// filters of ListTransactions); nullopt for any other text.
std::optional<TxnState> ParseTxnStateName(std::string_view name);

// What a transactional id's value record says.
struct StoredTxn {
  ProducerId producer_id{-1};
  ProducerId previous_producer_id{-1};  // -1: none (written only in value v1)
  ProducerId next_producer_id{-1};      // -1: none (written only in value v1)
  ProducerEpoch producer_epoch{-1};
  int32_t timeout_ms = 0;
  TxnState state = TxnState::kEmpty;
  std::map<std::string, std::set<int32_t>> partitions;  // topic -> partitions in the transaction
  int64_t last_update_ms = -1;
  int64_t start_ms = -1;

  bool operator==(const StoredTxn&) const = default;
};

// The record key of a transactional id.
Bytes TxnKeyBytes(std::string_view transactional_id);
// The record value: version 1 (flexible) when previous_producer_id or next_producer_id is set
// (!= -1), else version 0. The partitions are written as a null array in kEmpty, as Kafka does,
// so `txn.partitions` must then be empty (a programmer error otherwise).
Bytes TxnValueBytes(const StoredTxn& txn);

// One decoded record of __transaction_state.
struct TxnRecord {
  std::string transactional_id;
  std::optional<StoredTxn> value;  // nullopt: tombstone
};
// Corruption naming what could not be read (a cut key or value, an unknown state id); an
// unknown key or value version is Unsupported (a newer broker's record, skipped by the loader).
// A null partition array reads as no partitions; in kEmpty the partitions are ignored, as Kafka
// ignores them.
Result<TxnRecord> DecodeTxnRecord(std::optional<ByteView> key, std::optional<ByteView> value);

// The __transaction_state partition of a transactional id, as Kafka computes it:
// abs(javaHashCode(id)) % partitions, with abs(Integer.MIN_VALUE) = 0. `partitions` > 0.
int32_t TxnPartition(std::string_view transactional_id, int32_t partitions);

// The transactional ids of one partition after replaying it: the latest record per key wins.
struct LoadedTxns {
  std::map<std::string, std::optional<StoredTxn>> txns;  // nullopt: expired (tombstone)
  int64_t records = 0;
  int64_t skipped = 0;  // unreadable records (logged), control and transactional batches
};

// Replays `log` from its start to its end. Records that cannot be decoded are logged and
// skipped (a bad record never stops the coordinator). Errors: IOError/Corruption reading the log.
Result<LoadedTxns> LoadTxnPartition(const log::Log& log);

}  // namespace brook::broker::coordinator::txn
