#include "framework/client/restore_consumer.h"

#include <librdkafka/rdkafka.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "framework/client/kafka_config.h"
#include "framework/client/partition_list.h"

namespace brook::framework::client {
namespace {

using streams::detail::RawRecord;
using Clock = std::chrono::steady_clock;

// Messages taken from librdkafka's queue per call.
constexpr size_t kMaxBatch = 10'000;

void DestroyMessage(void* message) {
  rd_kafka_message_destroy(static_cast<rd_kafka_message_t*>(message));
}

// A changelog record: key, value, offset and timestamp (headers are not restored).
RawRecord ToRawRecord(rd_kafka_message_t* message) {
  RawRecord record;
  record.topic = rd_kafka_topic_name(message->rkt);
  record.partition = message->partition;
  record.offset = message->offset;
  record.timestamp = rd_kafka_message_timestamp(message, nullptr);
  if (message->key != nullptr) {
    record.key.emplace(static_cast<const char*>(message->key), message->key_len);
  }
  if (message->payload != nullptr) {
    record.value.emplace(static_cast<const char*>(message->payload), message->len);
  }
  record.owner = RawRecord::Owner(message, &DestroyMessage);
  return record;
}

// How long the waker's watermark query may take; it bounds how long the destructor waits.
constexpr int kWakeQueryTimeoutMs = 500;

}  // namespace

// The background thread that wakes librdkafka's fetcher (see the class comment).
class RestoreConsumer::FetchWaker {
 public:
  explicit FetchWaker(rd_kafka_t* handle) : handle_(handle), thread_([this] { Run(); }) {}
  ~FetchWaker() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wanted_.notify_one();
    thread_.join();
  }

  void SetPartitions(const std::set<TopicPartition>& partitions) {
    std::lock_guard lock(mutex_);
    partitions_.assign(partitions.begin(), partitions.end());
  }

  uint64_t queries() const { return queries_.load(std::memory_order_relaxed); }

  // Does not block: a request while a query is in flight is served by the next query.
  void Request() {
    {
      std::lock_guard lock(mutex_);
      requested_ = true;
    }
    wanted_.notify_one();
  }

 private:
  void Run() {
    std::unique_lock lock(mutex_);
    while (true) {
      wanted_.wait(lock, [this] { return stop_ || (requested_ && !partitions_.empty()); });
      if (stop_) return;
      requested_ = false;
      const TopicPartition partition = partitions_[next_++ % partitions_.size()];
      lock.unlock();
      queries_.fetch_add(1, std::memory_order_relaxed);
      int64_t low = 0;
      int64_t high = 0;
      // The answer does not matter, only that the requests reach the leader's broker thread.
      rd_kafka_query_watermark_offsets(handle_, partition.topic.c_str(), partition.partition, &low,
                                       &high, kWakeQueryTimeoutMs);
      lock.lock();
    }
  }

  rd_kafka_t* const handle_;
  std::mutex mutex_;
  std::condition_variable wanted_;
  bool stop_ = false;
  bool requested_ = false;
  std::vector<TopicPartition> partitions_;
  size_t next_ = 0;
  std::atomic<uint64_t> queries_{0};
  std::thread thread_;  // last: starts once the members above exist
};

RestoreConsumer::RestoreConsumer() = default;

Result<std::unique_ptr<RestoreConsumer>> RestoreConsumer::Create(const Properties& properties) {
  if (!properties.contains("group.id")) {
    return Status::InvalidArgument("restore consumer: group.id is required");
  }
  const Properties all = WithDefaults(properties, {{"enable.auto.commit", "false"},
                                                   {"enable.auto.offset.store", "false"},
                                                   {"enable.partition.eof", "true"},
                                                   {"auto.offset.reset", "earliest"}});
  BROOK_ASSIGN_OR_RETURN(KafkaConfPtr conf, MakeKafkaConf(all));
  char error[512];
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof(error));
  if (handle == nullptr) {
    return Status::InvalidArgument(fmt::format("restore consumer: {}", error));
  }
  conf.release();
  std::unique_ptr<RestoreConsumer> consumer(new RestoreConsumer());
  consumer->handle_ = handle;
  consumer->name_ = rd_kafka_name(handle);
  consumer->logger_ = GetLogger("client");
  rd_kafka_poll_set_consumer(handle);
  return consumer;
}

RestoreConsumer::~RestoreConsumer() {
  if (handle_ == nullptr) return;
  waker_.reset();
  if (queue_ != nullptr) rd_kafka_queue_destroy(queue_);
  rd_kafka_assign(handle_, nullptr);
  rd_kafka_consumer_close(handle_);
  rd_kafka_destroy(handle_);
}

Status RestoreConsumer::Assign(const std::map<TopicPartition, int64_t>& start) {
  std::map<TopicPartition, int64_t> offsets;
  for (const auto& [partition, offset] : start) {
    offsets[partition] = offset < 0 ? RD_KAFKA_OFFSET_BEGINNING : offset;
  }
  PartitionListPtr list = ToPartitionList(offsets);
  BROOK_RETURN_IF_ERROR(
      KafkaStatus(rd_kafka_assign(handle_, list.get()), fmt::format("[{}] assign", name_)));
  assigned_.clear();
  for (const auto& [partition, offset] : offsets) assigned_.insert(partition);
  behind_ = assigned_;
  if (waker_ == nullptr && !behind_.empty()) waker_ = std::make_unique<FetchWaker>(handle_);
  if (waker_ != nullptr) waker_->SetPartitions(behind_);
  return Status::Ok();
}

Result<int64_t> RestoreConsumer::EndOffset(const TopicPartition& partition,
                                           std::chrono::milliseconds timeout) {
  int64_t low = 0;
  int64_t high = 0;
  BROOK_RETURN_IF_ERROR(KafkaStatus(
      rd_kafka_query_watermark_offsets(handle_, partition.topic.c_str(), partition.partition, &low,
                                       &high, static_cast<int>(timeout.count())),
      fmt::format("[{}] end offset of {}", name_, partition.ToString())));
  return high;
}

uint64_t RestoreConsumer::FetchWakeups() const { return waker_ == nullptr ? 0 : waker_->queries(); }

Result<RestoreConsumer::Polled> RestoreConsumer::Poll(std::chrono::milliseconds timeout,
                                                      size_t max_records) {
  Polled polled;
  polled.records.reserve(std::min(max_records, kMaxBatch));
  if (queue_ == nullptr) queue_ = rd_kafka_queue_get_consumer(handle_);
  // Records left to fetch: the fetcher may have stopped at the queue limits, or will.
  if (!behind_.empty() && waker_ != nullptr) waker_->Request();
  bool behind_changed = false;
  const rd_kafka_topic_t* last_topic = nullptr;  // of the last record: runs of one partition
  int32_t last_partition = -1;
  std::vector<rd_kafka_message_t*> messages(std::min(max_records, kMaxBatch));
  const Clock::time_point deadline = Clock::now() + timeout;
  while (polled.records.size() < max_records) {
    int wait_ms = 0;
    if (polled.records.empty() && polled.reached_end.empty()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    // Many messages per call (librdkafka's queue lock once, not once per message). A call
    // returns only when it has `want` messages or its wait is over, so the waiting call asks
    // for one; the calls after it do not wait.
    const size_t want =
        wait_ms > 0 ? 1 : std::min(messages.size(), max_records - polled.records.size());
    const ssize_t taken = rd_kafka_consume_batch_queue(queue_, wait_ms, messages.data(), want);
    if (taken <= 0) break;
    std::optional<Status> fatal;
    for (ssize_t i = 0; i < taken; ++i) {
      rd_kafka_message_t* message = messages[i];
      const rd_kafka_resp_err_t err = message->err;
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (message->rkt != last_topic || message->partition != last_partition) {
          last_topic = message->rkt;
          last_partition = message->partition;
          // Behind again if its end was reported before: the partition has grown. (A record
          // of a partition no longer assigned, still queued, is not.)
          TopicPartition partition{rd_kafka_topic_name(message->rkt), message->partition};
          if (assigned_.contains(partition)) {
            behind_changed |= behind_.insert(std::move(partition)).second;
          }
        }
        polled.records.push_back(ToRawRecord(message));
        continue;
      }
      if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        polled.reached_end.push_back({rd_kafka_topic_name(message->rkt), message->partition});
        behind_changed |= behind_.erase(polled.reached_end.back()) > 0;
        last_topic = nullptr;
        rd_kafka_message_destroy(message);
        continue;
      }
      Status status(StatusCodeOf(err),
                    fmt::format("[{}] restore: {}: {}", name_, rd_kafka_err2name(err),
                                rd_kafka_message_errstr(message)));
      rd_kafka_message_destroy(message);
      if (err == RD_KAFKA_RESP_ERR__FATAL || err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
        if (!fatal) fatal = status;  // the rest of the batch is still released
        continue;
      }
      const int64_t now_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
              .count();
      int64_t suppressed = 0;
      if (error_log_limiter_.Allow(now_ms, &suppressed)) logger_->warn("{}", status.message());
    }
    if (fatal) return *fatal;
  }
  if (behind_changed && waker_ != nullptr) waker_->SetPartitions(behind_);
  return polled;
}

}  // namespace brook::framework::client
