#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "framework/api/detail/node.h"
#include "framework/client/consumer_group_metadata.h"
#include "framework/client/properties.h"
#include "framework/client/topic_partition.h"

// librdkafka's types, declared here so that users of this header need not include rdkafka.h.
struct rd_kafka_s;
struct rd_kafka_topic_s;
struct rd_kafka_message_s;

namespace brook::framework::client {

// What a failed transactional call means for the caller (librdkafka's error flags, in Kafka
// Streams' terms):
enum class TxnErrorKind {
  kNone,       // the call succeeded
  kRetriable,  // e.g. a timeout: call again with the same arguments (the operation goes on in
               // the background)
  kAbortable,  // the transaction failed (a record could not be delivered, ...): call
               // AbortTransaction, then redo the work since the last commit
  kFenced,     // a newer producer with the same transactional.id took over (PRODUCER_FENCED,
               // INVALID_PRODUCER_EPOCH, librdkafka's fatal _FENCED): this producer is dead and
               // its tasks belong to someone else; close it (Kafka Streams' TaskMigrated)
  kFatal,      // any other fatal error, or one librdkafka flags neither retriable nor
               // abortable (it says: treat those as fatal): close the producer and fail
};

std::string_view TxnErrorKindName(TxnErrorKind kind);

// The outcome of a transactional call: `status` says what happened (librdkafka's error name and
// text, with its flags), `kind` what to do about it.
struct [[nodiscard]] TxnResult {
  Status status;
  TxnErrorKind kind = TxnErrorKind::kNone;

  bool ok() const { return status.ok(); }
  void IgnoreError() const {}
};

// A record the broker (or librdkafka) finally refused, from its delivery report.
struct DeliveryError {
  std::string topic;
  int32_t partition = -1;  // -1 when no partition had been chosen
  Status status;           // "produce to <topic>-<partition>: MSG_SIZE_TOO_LARGE: ..."
  uint64_t tag = 0;        // what the caller passed to Send
  bool fatal = false;      // the producer is fenced or failed fatally: it cannot send again
};

// A librdkafka producer: the output side of a stream thread. Sends records (copied), collects
// the ones that fail to be delivered, and runs transactions under exactly_once_v2.
//
// Defaults it adds to the properties (the caller's value wins, except where noted):
//   partitioner            murmur2_random (Kafka's default partitioner: a keyed record lands
//                          on the partition a Java client would pick)
// with a transactional id:
//   transactional.id       the id given to Create (a different value in the properties is
//                          rejected)
//   enable.idempotence     true ("false" is rejected)
//   transaction.timeout.ms 10000 (Kafka Streams' exactly-once default)
//
// Delivery reports are served by Poll, Flush, CommitTransaction and by Send while the local
// queue is full, on the calling thread.
// Thread safety: Send, Poll, Flush and the transactional calls from one thread at a time (the
// stream thread); TakeDeliveryErrors, FatalError and the counters from any thread.
// Lifetime: the destructor does not flush; records not yet delivered are dropped.
class Producer {
 public:
  // Errors: InvalidArgument for a property librdkafka rejects (naming the key) or a forbidden
  // override.
  static Result<std::unique_ptr<Producer>> Create(
      const Properties& properties, std::optional<std::string> transactional_id = std::nullopt);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues `record` (topic, partition or -1 for the partitioner, key and value or null,
  // timestamp in ms (0: now, as librdkafka), headers) with its bytes copied: the views may die
  // when Send returns. `tag` comes back with the record's DeliveryError if it fails. While
  // librdkafka's queue is full (queue.buffering.max.messages/kbytes) Send serves delivery
  // reports and retries, for up to 60 s.
  // Errors (the record is not sent): TooLarge over message.max.bytes, NotFound for a partition
  // the topic does not have (when librdkafka knows the topic already; otherwise that comes as a
  // delivery error), TimedOut when the queue stayed full, FailedPrecondition outside a
  // transaction of a transactional producer or after a fatal error (then FatalError() says why).
  Status Send(const streams::detail::OutgoingRecord& record, uint64_t tag = 0);

  // Serves delivery reports (and librdkafka's other callbacks), waiting up to `timeout` for one.
  void Poll(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

  // Waits until every queued record has its delivery report, serving them. Errors: TimedOut
  // with the number still outstanding. A failed delivery is not an error of Flush: see
  // TakeDeliveryErrors.
  Status Flush(std::chrono::milliseconds timeout);

  // The delivery errors reported since the last call, oldest first. Records dropped because the
  // caller aborted the transaction are not included (see purged()).
  std::vector<DeliveryError> TakeDeliveryErrors();

  // A `tag` with this bit set makes the record's delivery report keep its acknowledged offset
  // for TakeAckedOffsets (changelog records, whose offsets tasks checkpoint).
  static constexpr uint64_t kTrackOffsetTag = uint64_t{1} << 63;
  // For each partition written with kTrackOffsetTag records: the largest offset acknowledged
  // since the last call.
  std::map<TopicPartition, int64_t> TakeAckedOffsets();

  // Ok while the producer is usable; otherwise its fatal error (e.g. _FENCED / PRODUCER_FENCED
  // after another producer with the same transactional.id initialized).
  Status FatalError() const;
  // True when the fatal error is a fencing (see TxnErrorKind::kFenced).
  bool fenced() const;

  // Transactions (exactly_once_v2). Each returns the status and what kind of failure it is.
  //
  //   created --InitTransactions--> ready --BeginTransaction--> in transaction
  //                                   ^                          | Send, SendOffsetsToTransaction
  //                                   +---CommitTransaction------+
  //                                   +---AbortTransaction-------+  (also after kAbortable)
  //   any state --kFenced / kFatal--> dead (every later call fails the same way)
  //
  // InitTransactions once before the first transaction (fences older producers with the same
  // transactional.id and completes or aborts their open transaction).
  TxnResult InitTransactions(std::chrono::milliseconds timeout);
  TxnResult BeginTransaction();
  // Adds the consumer group's offsets (partition -> next offset to read) to the transaction;
  // they are committed with it. An empty map is a no-op. `group` from Consumer::GroupMetadata().
  // `metadata` (may be null) gives some partitions a metadata string committed with the offset.
  TxnResult SendOffsetsToTransaction(const std::map<TopicPartition, int64_t>& offsets,
                                     const ConsumerGroupMetadata& group,
                                     std::chrono::milliseconds timeout,
                                     const std::map<TopicPartition, std::string>* metadata = nullptr);
  // Flushes, then commits. A record that failed makes the commit fail as kAbortable.
  TxnResult CommitTransaction(std::chrono::milliseconds timeout);
  // Drops the records not yet delivered and aborts: read_committed consumers never see the
  // transaction's records, and its offsets are not committed.
  TxnResult AbortTransaction(std::chrono::milliseconds timeout);

  bool transactional() const { return transactional_; }
  // librdkafka's name of the client ("<client.id>#producer-<n>"), for log lines.
  const std::string& name() const { return name_; }
  // Records acknowledged by the broker, refused (in TakeDeliveryErrors), and dropped by an
  // abort, since creation.
  uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }
  uint64_t failed() const { return failed_.load(std::memory_order_relaxed); }
  uint64_t purged() const { return purged_.load(std::memory_order_relaxed); }

 private:
  friend struct ProducerCallbacks;

  Producer() = default;
  rd_kafka_topic_s* TopicHandle(std::string_view topic);
  void OnDelivery(const rd_kafka_message_s* message);

  rd_kafka_s* handle_ = nullptr;
  bool transactional_ = false;
  std::string name_;
  std::map<std::string, rd_kafka_topic_s*, std::less<>> topics_;
  std::mutex mutex_;
  std::vector<DeliveryError> delivery_errors_;  // guarded by mutex_
  std::map<TopicPartition, int64_t> acked_offsets_;  // guarded by mutex_
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> purged_{0};
};

}  // namespace brook::framework::client
