#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/logging.h"
#include "common/result.h"
#include "common/status.h"
#include "framework/api/detail/node.h"
#include "framework/client/properties.h"
#include "framework/client/topic_partition.h"

struct rd_kafka_s;
struct rd_kafka_queue_s;

namespace brook::framework::client {

// The consumer a stream thread restores changelogs with (Kafka Streams' restore consumer):
// partitions are assigned explicitly, never subscribed, so it takes no part in the group's
// rebalances and commits nothing. librdkafka's KafkaConsumer needs a group.id for assign();
// the caller gives one no member uses (it is never joined). Under exactly_once_v2 the caller
// sets isolation.level=read_committed: aborted records are skipped and transaction markers,
// being control records, are never returned.
// Defaults added: enable.auto.commit=false, enable.partition.eof=true (the end of a partition
// is reported, so a changelog ending in a transaction marker is known to be fully read),
// auto.offset.reset=earliest.
//
// The fetch wake-up. librdkafka 2.0 (Debian's) stops fetching a partition once its queue holds
// queued.min.messages records or queued.max.messages.kbytes, and looks at the partition again
// only when its broker thread next wakes up for something else: up to a second later, however
// soon the queue was drained (librdkafka 2.2 added fetch.queue.backoff.ms for this). A
// restoration drains the queue in a fraction of that second and then sat idle: two thirds of a
// 1 GiB restore in state_bench. So while an assigned partition has not reached its end, each
// poll asks a background thread to wake the fetcher: the thread queries the watermarks of one
// such partition (round robin), and the ListOffsets requests it sends wake the partition
// leader's broker thread, which then fetches again if the queue has room. At most one query is
// in flight; a consumer whose partitions are all at their end (a caught-up global thread) sends
// none.
// Thread safety: one thread (the stream thread) calls every method.
class RestoreConsumer {
 public:
  struct Polled {
    std::vector<streams::detail::RawRecord> records;
    std::vector<TopicPartition> reached_end;  // partitions whose end the consumer reached
  };

  // Errors: InvalidArgument for a property librdkafka rejects or a missing group.id.
  static Result<std::unique_ptr<RestoreConsumer>> Create(const Properties& properties);
  ~RestoreConsumer();
  RestoreConsumer(const RestoreConsumer&) = delete;
  RestoreConsumer& operator=(const RestoreConsumer&) = delete;

  // Reads exactly `start` from now on: each partition from its offset (-1: the beginning).
  Status Assign(const std::map<TopicPartition, int64_t>& start);
  // The partition's end as the broker says now: the last stable offset under read_committed,
  // the high watermark otherwise. Errors: TimedOut, NotFound for an unknown partition.
  Result<int64_t> EndOffset(const TopicPartition& partition, std::chrono::milliseconds timeout);
  // Waits up to `timeout` for the first record, then takes what is fetched, up to
  // `max_records`, many messages per call into librdkafka (rd_kafka_consume_batch_queue on
  // the consumer queue). Errors: fatal consumer errors; transient ones are logged.
  Result<Polled> Poll(std::chrono::milliseconds timeout, size_t max_records);
  // Watermark queries the fetch wake-up has sent so far (for tests and debugging).
  uint64_t FetchWakeups() const;

 private:
  class FetchWaker;

  RestoreConsumer();
  rd_kafka_s* handle_ = nullptr;
  rd_kafka_queue_s* queue_ = nullptr;  // the consumer queue, taken at the first poll
  std::string name_;
  std::shared_ptr<spdlog::logger> logger_;
  RateLimiter error_log_limiter_{10'000};
  std::unique_ptr<FetchWaker> waker_;  // started with the first assignment
  std::set<TopicPartition> assigned_;
  std::set<TopicPartition> behind_;  // assigned partitions not known to be at their end
};

}  // namespace brook::framework::client
