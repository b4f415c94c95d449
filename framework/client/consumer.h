#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/logging.h"
#include "common/result.h"
#include "common/status.h"
#include "framework/api/detail/node.h"
#include "framework/client/consumer_group_metadata.h"
#include "framework/client/properties.h"
#include "framework/client/rebalance_listener.h"
#include "framework/client/topic_partition.h"

// librdkafka's handle type, declared here so that users of this header need not include it.
struct rd_kafka_s;

namespace brook::framework::client {

// A member of a consumer group over a librdkafka KafkaConsumer: the input side of a stream
// thread. Subscribes to topics, polls records as RawRecords (zero-copy: they keep the librdkafka
// message alive), pauses and resumes partitions, commits offsets (at_least_once) or hands out
// its group metadata for the transactional producer (exactly_once_v2).
//
// Defaults it adds to the properties (the caller's value wins, except where noted):
//   partition.assignment.strategy  range; any other value is rejected (DESIGN.md decision 5:
//                                  co-partitioned topics stay together only under range)
//   enable.auto.commit             false; "true" is rejected (offsets are committed by the
//                                  stream thread after processing, or in the transaction)
//   enable.auto.offset.store       false
//   auto.offset.reset              earliest
//   queued.min.messages            10000000 (librdkafka's maximum; its default is 100000), so
//                                  the prefetch queue is bounded by queued.max.messages.kbytes
//                                  alone. librdkafka 2.0.2 stops fetching once the queue holds
//                                  queued.min.messages records and looks again only when its
//                                  broker thread next wakes up, up to 1 s later, even when the
//                                  queue was drained long before: a stream thread that
//                                  processed 100,000 records in less than that sat idle for the
//                                  rest of it (streams_bench: up to 0.8 s at a time, over half
//                                  of some runs)
//   queued.max.messages.kbytes     32768 (librdkafka's default is 65536): the prefetch queue's
//                                  record bytes, the main term of a stream app's memory
//                                  (librdkafka keeps about 300 more bytes per queued record, so
//                                  100-byte records cost about 4 times this). The same stall
//                                  follows when a thread drains the queue in well under a
//                                  second: 16 MiB was too little for 500,000 records/s of
//                                  100-byte records in streams_bench, 32 MiB was enough
//                                  (docs/benchmarks.md, Streams)
// group.id and bootstrap.servers must be given.
//
// Thread safety: not thread-safe. One thread (the stream thread) calls every method but Wakeup;
// the RebalanceListener runs on that thread, inside Poll and Close.
// Lifetime: every RawRecord from Poll must be destroyed before the Consumer; the listener must
// outlive it (or Close must be called while the listener lives: the destructor closes).
class Consumer {
 public:
  // Creates the consumer (not yet subscribed). `listener` may be null (then rebalances only
  // (un)assign). Errors: InvalidArgument for a missing group.id, a forbidden override, or a
  // property librdkafka rejects (the message names the key).
  static Result<std::unique_ptr<Consumer>> Create(const Properties& properties,
                                                  RebalanceListener* listener);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Subscribes to exactly `topics` (replacing any earlier subscription); the group assigns their
  // partitions during later Polls. A topic that does not exist yet is picked up when it appears
  // (librdkafka's metadata refresh). Errors: InvalidArgument for an empty list.
  Status Subscribe(const std::vector<std::string>& topics);
  // Subscribes to every topic whose whole name matches `regex` (POSIX extended, as librdkafka's
  // "^" subscriptions; a leading "^" is added when missing), replacing any earlier subscription.
  Status SubscribePattern(const std::string& regex);
  // Drops the subscription and leaves the group; the assignment is revoked (the listener is
  // told) during the next Poll. Subscribe again to rejoin as a new member.
  Status Unsubscribe();

  // Waits up to `timeout` for the first record, then takes what is already fetched, up to
  // `max_records` in all. Serves rebalances (calling the listener) while it waits. The records'
  // views point into librdkafka messages owned by RawRecord::owner. Partition-end events are
  // skipped. Transient consumer errors (broker down, unknown topic, a rebalance) are logged,
  // rate-limited, and do not fail the call.
  // Errors: fatal consumer errors (the message names the original error: FENCED_INSTANCE_ID
  // for a static member replaced by another, ...), OutOfRange when auto.offset.reset=error
  // meets an offset out of range, FailedPrecondition for authorization failures and after
  // Close. Records taken before an error are dropped (their offsets were not committed).
  // Throws: whatever the RebalanceListener threw during this call.
  Result<std::vector<streams::detail::RawRecord>> Poll(std::chrono::milliseconds timeout,
                                                       size_t max_records);

  // Makes a Poll that is waiting for its first record return now (with no records), or the next
  // Poll, if none is waiting. Thread safety: the one method any thread may call (while the
  // consumer lives); a stream thread's shutdown request uses it so close() does not wait out
  // poll.ms.
  void Wakeup();

  // Stops (resumes) fetching `partitions`, which must be assigned. Records of a paused partition
  // already fetched are dropped by librdkafka, and fetched again from the consumer's position
  // after Resume. Errors: the first partition librdkafka refused (e.g. not assigned).
  Status Pause(const std::vector<TopicPartition>& partitions);
  Status Resume(const std::vector<TopicPartition>& partitions);

  // The offset of the next record Poll will return for `partition` (the last returned + 1);
  // nullopt before the first record of the current assignment. Errors: NotFound when the
  // partition is not assigned.
  Result<std::optional<int64_t>> Position(const TopicPartition& partition);

  // The group's committed offsets (the next offset to read) of `partitions`, asked of the group
  // coordinator; a partition with none committed is absent from the map. Unstable offsets
  // (a transaction pending) are waited for up to `timeout`. Errors: TimedOut, Unavailable, ...
  // `metadata`, when given, receives each committed offset's metadata string (empty: none).
  Result<std::map<TopicPartition, int64_t>> Committed(
      const std::vector<TopicPartition>& partitions, std::chrono::milliseconds timeout,
      std::map<TopicPartition, std::string>* metadata = nullptr);

  // Commits `offsets` (partition -> next offset to read) for the group and waits for the
  // coordinator's answer. An empty map is a no-op. Errors: the first partition's error, e.g.
  // FailedPrecondition for ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID after the consumer was
  // kicked out of the group (its partitions are being revoked or were lost).
  // `metadata` (may be null) gives some partitions a metadata string committed with the offset.
  Status CommitSync(const std::map<TopicPartition, int64_t>& offsets,
                    const std::map<TopicPartition, std::string>* metadata = nullptr);

  // The consumer's current group membership, for Producer::SendOffsetsToTransaction. Take it
  // right before the call: it is a snapshot, stale after the next rebalance.
  Result<ConsumerGroupMetadata> GroupMetadata();

  // The partitions assigned to this consumer now.
  Result<std::vector<TopicPartition>> Assignment();

  // The end of `partition` as last seen in a fetch response (the high watermark; the last
  // stable offset under isolation.level=read_committed), without asking the broker; nullopt
  // until the partition was fetched at least once.
  std::optional<int64_t> HighWatermark(const TopicPartition& partition);

  // Leaves the group: revokes the assignment (OnPartitionsRevoked is called, within this call)
  // and stops fetching. Idempotent; after it, Poll fails. Errors: librdkafka's, or the message
  // of an exception the listener threw meanwhile (not rethrown here).
  Status Close();

  // librdkafka's name of the client ("<client.id>#consumer-<n>"), for log lines.
  const std::string& name() const { return name_; }

 private:
  friend struct ConsumerCallbacks;

  explicit Consumer(RebalanceListener* listener);
  // Runs `call` with the listener, keeping the first exception it throws for Poll.
  template <typename Call>
  void CallListener(Call call);
  void LogTransientError(const Status& status);

  rd_kafka_s* handle_ = nullptr;
  RebalanceListener* listener_;
  std::exception_ptr listener_error_;
  std::string name_;
  bool closed_ = false;
  RateLimiter error_log_limiter_{10'000};
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace brook::framework::client
