#include "framework/client/consumer.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "framework/client/kafka_config.h"
#include "framework/client/partition_list.h"

namespace brook::framework::client {
namespace {

using streams::detail::RawRecord;
using Clock = std::chrono::steady_clock;

// Room Poll makes for records up front: a stream thread's polls bring up to 1,000, and growing
// the vector from empty moved them about ten times (1% of the thread's time in streams_bench).
constexpr size_t kReservedRecords = 1024;

void DestroyMessage(void* message) {
  rd_kafka_message_destroy(static_cast<rd_kafka_message_t*>(message));
}

// A record's bytes stay in `message`, which the RawRecord takes over.
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
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      std::optional<std::string> header_value;
      if (value != nullptr) header_value.emplace(static_cast<const char*>(value), size);
      record.headers.add(name, std::move(header_value));
    }
  }
  record.owner = RawRecord::Owner(message, &DestroyMessage);
  return record;
}

// Errors after which the consumer cannot go on: Poll returns them instead of logging them.
bool IsFatalConsumerError(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
      return true;
    default:
      return false;
  }
}

bool IsFalse(const std::string& value) {
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "false" || lower == "0";
}

// The first per-partition error of `list`, named with its partition.
Status PartitionErrors(const rd_kafka_topic_partition_list_t* list, std::string_view what) {
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& part = list->elems[i];
    if (part.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return KafkaStatus(part.err, fmt::format("{} {}-{}", what, part.topic, part.partition));
    }
  }
  return Status::Ok();
}

}  // namespace

// librdkafka's C callbacks, with access to the Consumer's privates.
struct ConsumerCallbacks {
  static void OnRebalance(rd_kafka_t* handle, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    auto* consumer = static_cast<Consumer*>(opaque);
    const std::vector<TopicPartition> list = FromPartitionList(partitions);
    RebalanceListener* listener = consumer->listener_;
    rd_kafka_resp_err_t assign_err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      consumer->logger_->info("[{}] assigned {} partitions", consumer->name_, list.size());
      if (listener != nullptr) {
        consumer->CallListener([&] { listener->OnPartitionsAssigned(list); });
      }
      assign_err = rd_kafka_assign(handle, partitions);
    } else {
      const bool lost =
          err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS || rd_kafka_assignment_lost(handle) != 0;
      if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        consumer->logger_->error("[{}] rebalance failed: {}: {}", consumer->name_,
                                 rd_kafka_err2name(err), rd_kafka_err2str(err));
      }
      consumer->logger_->info("[{}] {} {} partitions", consumer->name_, lost ? "lost" : "revoked",
                              list.size());
      if (listener != nullptr) {
        consumer->CallListener([&] {
          if (lost) {
            listener->OnPartitionsLost(list);
          } else {
            listener->OnPartitionsRevoked(list);
          }
        });
      }
      assign_err = rd_kafka_assign(handle, nullptr);
    }
    if (assign_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      consumer->logger_->error("[{}] {}", consumer->name_,
                               KafkaStatus(assign_err, "assign").message());
    }
  }
};

Consumer::Consumer(RebalanceListener* listener)
    : listener_(listener), logger_(GetLogger("client")) {}

Result<std::unique_ptr<Consumer>> Consumer::Create(const Properties& properties,
                                                   RebalanceListener* listener) {
  if (!properties.contains("group.id")) {
    return Status::InvalidArgument("consumer: group.id is required");
  }
  if (auto it = properties.find("partition.assignment.strategy");
      it != properties.end() && it->second != "range") {
    return Status::InvalidArgument(fmt::format(
        "consumer: partition.assignment.strategy={} is not supported: stream threads need the "
        "range assignor to keep co-partitioned topics together; leave it unset",
        it->second));
  }
  if (auto it = properties.find("enable.auto.commit");
      it != properties.end() && !IsFalse(it->second)) {
    return Status::InvalidArgument(
        fmt::format("consumer: enable.auto.commit={} is not supported: offsets are committed after "
                    "processing (or in the transaction); leave it unset",
                    it->second));
  }
  const Properties all = WithDefaults(properties, {{"partition.assignment.strategy", "range"},
                                                   {"enable.auto.commit", "false"},
                                                   {"enable.auto.offset.store", "false"},
                                                   {"auto.offset.reset", "earliest"},
                                                   {"queued.min.messages", "10000000"},
                                                   {"queued.max.messages.kbytes", "32768"}});
  BROOK_ASSIGN_OR_RETURN(KafkaConfPtr conf, MakeKafkaConf(all));
  std::unique_ptr<Consumer> consumer(new Consumer(listener));
  rd_kafka_conf_set_opaque(conf.get(), consumer.get());
  rd_kafka_conf_set_rebalance_cb(conf.get(), &ConsumerCallbacks::OnRebalance);
  char error[512];
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof(error));
  if (handle == nullptr) return Status::InvalidArgument(fmt::format("consumer: {}", error));
  conf.release();  // rd_kafka_new owns it now
  consumer->handle_ = handle;
  consumer->name_ = rd_kafka_name(handle);
  rd_kafka_poll_set_consumer(handle);
  return consumer;
}

Consumer::~Consumer() {
  if (handle_ == nullptr) return;
  Status status = Close();
  if (!status.ok()) logger_->warn("[{}] close: {}", name_, status.ToString());
  rd_kafka_destroy(handle_);
}

template <typename Call>
void Consumer::CallListener(Call call) {
  try {
    call();
  } catch (...) {
    logger_->error("[{}] the rebalance listener threw", name_);
    if (!listener_error_) listener_error_ = std::current_exception();
  }
}

Status Consumer::Subscribe(const std::vector<std::string>& topics) {
  if (topics.empty()) {
    return Status::InvalidArgument(fmt::format("[{}] subscribe: no topics", name_));
  }
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const std::string& topic : topics) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  return KafkaStatus(rd_kafka_subscribe(handle_, list.get()), fmt::format("[{}] subscribe", name_));
}

Status Consumer::SubscribePattern(const std::string& regex) {
  const std::string pattern = regex.starts_with('^') ? regex : "^" + regex;
  PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), pattern.c_str(), RD_KAFKA_PARTITION_UA);
  return KafkaStatus(rd_kafka_subscribe(handle_, list.get()),
                     fmt::format("[{}] subscribe to {}", name_, pattern));
}

Status Consumer::Unsubscribe() {
  return KafkaStatus(rd_kafka_unsubscribe(handle_), fmt::format("[{}] unsubscribe", name_));
}

Result<std::vector<streams::detail::RawRecord>> Consumer::Poll(std::chrono::milliseconds timeout,
                                                               size_t max_records) {
  if (closed_) return Status::FailedPrecondition(fmt::format("[{}] poll after close", name_));
  std::vector<RawRecord> records;
  records.reserve(std::min<size_t>(max_records, kReservedRecords));
  const Clock::time_point deadline = Clock::now() + timeout;
  while (records.size() < max_records) {
    int wait_ms = 0;
    if (records.empty()) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    rd_kafka_message_t* message = rd_kafka_consumer_poll(handle_, wait_ms);
    if (listener_error_) {
      if (message != nullptr) rd_kafka_message_destroy(message);
      std::rethrow_exception(std::exchange(listener_error_, nullptr));
    }
    if (message == nullptr) break;
    const rd_kafka_resp_err_t err = message->err;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      records.push_back(ToRawRecord(message));
      continue;
    }
    if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      rd_kafka_message_destroy(message);
      continue;
    }
    std::string where = message->rkt != nullptr
                            ? fmt::format("[{}] consume {}-{}", name_,
                                          rd_kafka_topic_name(message->rkt), message->partition)
                            : fmt::format("[{}] consume", name_);
    Status status(StatusCodeOf(err), fmt::format("{}: {}: {}", where, rd_kafka_err2name(err),
                                                 rd_kafka_message_errstr(message)));
    rd_kafka_message_destroy(message);
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      char reason[512];
      const rd_kafka_resp_err_t origin = rd_kafka_fatal_error(handle_, reason, sizeof(reason));
      return KafkaStatus(origin, fmt::format("[{}] fatal consumer error ({})", name_, reason));
    }
    if (IsFatalConsumerError(err)) return status;
    LogTransientError(status);
  }
  return records;
}

void Consumer::LogTransientError(const Status& status) {
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
          .count();
  int64_t suppressed = 0;
  if (!error_log_limiter_.Allow(now_ms, &suppressed)) return;
  if (suppressed > 0) {
    logger_->warn("{} (and {} more consumer errors since the last report)", status.message(),
                  suppressed);
  } else {
    logger_->warn("{}", status.message());
  }
}

void Consumer::Wakeup() {
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(handle_);
  if (queue == nullptr) return;
  rd_kafka_queue_yield(queue);
  rd_kafka_queue_destroy(queue);
}

Status Consumer::Pause(const std::vector<TopicPartition>& partitions) {
  PartitionListPtr list = ToPartitionList(partitions);
  BROOK_RETURN_IF_ERROR(KafkaStatus(rd_kafka_pause_partitions(handle_, list.get()),
                                    fmt::format("[{}] pause", name_)));
  return PartitionErrors(list.get(), fmt::format("[{}] pause", name_));
}

Status Consumer::Resume(const std::vector<TopicPartition>& partitions) {
  PartitionListPtr list = ToPartitionList(partitions);
  BROOK_RETURN_IF_ERROR(KafkaStatus(rd_kafka_resume_partitions(handle_, list.get()),
                                    fmt::format("[{}] resume", name_)));
  return PartitionErrors(list.get(), fmt::format("[{}] resume", name_));
}

Result<std::optional<int64_t>> Consumer::Position(const TopicPartition& partition) {
  PartitionListPtr list = ToPartitionList(std::vector<TopicPartition>{partition});
  BROOK_RETURN_IF_ERROR(
      KafkaStatus(rd_kafka_position(handle_, list.get()), fmt::format("[{}] position", name_)));
  BROOK_RETURN_IF_ERROR(PartitionErrors(list.get(), fmt::format("[{}] position of", name_)));
  const int64_t offset = list->elems[0].offset;
  if (offset >= 0) return std::optional<int64_t>(offset);
  // librdkafka answers "no position" for a partition it does not know as for one not yet read.
  BROOK_ASSIGN_OR_RETURN(std::vector<TopicPartition> assignment, Assignment());
  if (std::find(assignment.begin(), assignment.end(), partition) == assignment.end()) {
    return Status::NotFound(
        fmt::format("[{}] position of {}: not assigned", name_, partition.ToString()));
  }
  return std::optional<int64_t>();
}

Result<std::map<TopicPartition, int64_t>> Consumer::Committed(
    const std::vector<TopicPartition>& partitions, std::chrono::milliseconds timeout,
    std::map<TopicPartition, std::string>* metadata) {
  std::map<TopicPartition, int64_t> offsets;
  if (partitions.empty()) return offsets;
  PartitionListPtr list = ToPartitionList(partitions);
  BROOK_RETURN_IF_ERROR(
      KafkaStatus(rd_kafka_committed(handle_, list.get(), static_cast<int>(timeout.count())),
                  fmt::format("[{}] committed offsets", name_)));
  BROOK_RETURN_IF_ERROR(
      PartitionErrors(list.get(), fmt::format("[{}] committed offset of", name_)));
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& part = list->elems[i];
    if (part.offset < 0) continue;
    offsets[{part.topic, part.partition}] = part.offset;
    if (metadata != nullptr && part.metadata != nullptr && part.metadata_size > 0) {
      (*metadata)[{part.topic, part.partition}] =
          std::string(static_cast<const char*>(part.metadata), part.metadata_size);
    }
  }
  return offsets;
}

Status Consumer::CommitSync(const std::map<TopicPartition, int64_t>& offsets,
                            const std::map<TopicPartition, std::string>* metadata) {
  if (offsets.empty()) return Status::Ok();
  PartitionListPtr list = ToPartitionList(offsets, metadata);
  BROOK_RETURN_IF_ERROR(KafkaStatus(rd_kafka_commit(handle_, list.get(), /*async=*/0),
                                    fmt::format("[{}] commit", name_)));
  return PartitionErrors(list.get(), fmt::format("[{}] commit", name_));
}

Result<ConsumerGroupMetadata> Consumer::GroupMetadata() {
  rd_kafka_consumer_group_metadata_t* metadata = rd_kafka_consumer_group_metadata(handle_);
  if (metadata == nullptr) {
    return Status::FailedPrecondition(fmt::format("[{}] no consumer group metadata", name_));
  }
  return ConsumerGroupMetadata(metadata);
}

Result<std::vector<TopicPartition>> Consumer::Assignment() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  BROOK_RETURN_IF_ERROR(
      KafkaStatus(rd_kafka_assignment(handle_, &raw), fmt::format("[{}] assignment", name_)));
  PartitionListPtr list(raw);
  return FromPartitionList(list.get());
}

std::optional<int64_t> Consumer::HighWatermark(const TopicPartition& partition) {
  int64_t low = RD_KAFKA_OFFSET_INVALID;
  int64_t high = RD_KAFKA_OFFSET_INVALID;
  if (rd_kafka_get_watermark_offsets(handle_, partition.topic.c_str(), partition.partition, &low,
                                     &high) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      high < 0) {
    return std::nullopt;
  }
  return high;
}

Status Consumer::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  Status status = KafkaStatus(rd_kafka_consumer_close(handle_), fmt::format("[{}] close", name_));
  if (listener_error_) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(std::exchange(listener_error_, nullptr));
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    if (status.ok()) {
      status = Status::Internal(
          fmt::format("[{}] the rebalance listener threw while closing: {}", name_, what));
    }
  }
  return status;
}

}  // namespace brook::framework::client
