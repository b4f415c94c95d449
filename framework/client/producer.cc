#include "framework/client/producer.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "framework/client/kafka_config.h"
#include "framework/client/partition_list.h"

namespace brook::framework::client {
namespace {

using Clock = std::chrono::steady_clock;

// How long Send waits for room in a full queue (Kafka's max.block.ms default).
constexpr std::chrono::milliseconds kMaxBlock(60'000);
constexpr int kQueueFullPollMs = 10;

static_assert(sizeof(void*) >= sizeof(uint64_t), "a tag travels as librdkafka's message opaque");

void* TagToOpaque(uint64_t tag) { return reinterpret_cast<void*>(static_cast<uintptr_t>(tag)); }
uint64_t OpaqueToTag(void* opaque) {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(opaque));
}

// Error codes that mean another producer with the same transactional.id took over.
bool IsFencedCode(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__FENCED || err == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
         err == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH;
}

// The fatal error the producer raised, if any.
rd_kafka_resp_err_t FatalCode(rd_kafka_t* handle) {
  return rd_kafka_fatal_error(handle, nullptr, 0);
}

// Classifies and destroys `error` (null: success).
TxnResult ToTxnResult(rd_kafka_t* handle, rd_kafka_error_t* error, std::string_view call) {
  if (error == nullptr) return {};
  TxnResult result;
  result.status = KafkaStatus(error, call);
  const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
  if (IsFencedCode(code) || IsFencedCode(FatalCode(handle))) {
    result.kind = TxnErrorKind::kFenced;
  } else if (rd_kafka_error_is_fatal(error)) {
    result.kind = TxnErrorKind::kFatal;
  } else if (rd_kafka_error_txn_requires_abort(error)) {
    result.kind = TxnErrorKind::kAbortable;
  } else if (rd_kafka_error_is_retriable(error)) {
    result.kind = TxnErrorKind::kRetriable;
  } else {
    result.kind = TxnErrorKind::kFatal;
  }
  rd_kafka_error_destroy(error);
  return result;
}

struct HeadersDeleter {
  void operator()(rd_kafka_headers_t* headers) const { rd_kafka_headers_destroy(headers); }
};
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;

HeadersPtr ToKafkaHeaders(const streams::Headers* headers) {
  if (headers == nullptr || headers->empty()) return nullptr;
  HeadersPtr out(rd_kafka_headers_new(headers->size()));
  for (const streams::Header& header : *headers) {
    rd_kafka_header_add(out.get(), header.key.data(), static_cast<ssize_t>(header.key.size()),
                        header.value ? header.value->data() : nullptr,
                        header.value ? static_cast<ssize_t>(header.value->size()) : 0);
  }
  return out;
}

// A present but empty view may have a null data(): librdkafka would read that as a Kafka null.
const char* DataOf(const std::optional<std::string_view>& bytes) {
  if (!bytes) return nullptr;
  return bytes->data() != nullptr ? bytes->data() : "";
}

}  // namespace

std::string_view TxnErrorKindName(TxnErrorKind kind) {
  switch (kind) {
    case TxnErrorKind::kNone:
      return "none";
    case TxnErrorKind::kRetriable:
      return "retriable";
    case TxnErrorKind::kAbortable:
      return "abortable";
    case TxnErrorKind::kFenced:
      return "fenced";
    case TxnErrorKind::kFatal:
      return "fatal";
  }
  return "?";
}

// librdkafka's C callbacks, with access to the Producer's privates.
struct ProducerCallbacks {
  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    static_cast<Producer*>(opaque)->OnDelivery(message);
  }
};

Result<std::unique_ptr<Producer>> Producer::Create(const Properties& properties,
                                                   std::optional<std::string> transactional_id) {
  Properties all = properties;
  Properties defaults = {{"partitioner", "murmur2_random"}};
  if (transactional_id) {
    if (auto it = properties.find("transactional.id");
        it != properties.end() && it->second != *transactional_id) {
      return Status::InvalidArgument(
          fmt::format("producer: transactional.id={} conflicts with the transactional id {}",
                      it->second, *transactional_id));
    }
    if (auto it = properties.find("enable.idempotence");
        it != properties.end() && it->second != "true") {
      return Status::InvalidArgument(
          fmt::format("producer: enable.idempotence={} is not allowed for a transactional producer",
                      it->second));
    }
    all["transactional.id"] = *transactional_id;
    all["enable.idempotence"] = "true";
    defaults["transaction.timeout.ms"] = "10000";
  }
  all = WithDefaults(std::move(all), defaults);
  BROOK_ASSIGN_OR_RETURN(KafkaConfPtr conf, MakeKafkaConf(all));
  std::unique_ptr<Producer> producer(new Producer());
  producer->transactional_ = all.contains("transactional.id");
  rd_kafka_conf_set_opaque(conf.get(), producer.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &ProducerCallbacks::OnDelivery);
  char error[512];
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof(error));
  if (handle == nullptr) return Status::InvalidArgument(fmt::format("producer: {}", error));
  conf.release();  // rd_kafka_new owns it now
  producer->handle_ = handle;
  producer->name_ = rd_kafka_name(handle);
  return producer;
}

Producer::~Producer() {
  if (handle_ == nullptr) return;
  for (auto& [name, topic] : topics_) rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(handle_);
}

rd_kafka_topic_t* Producer::TopicHandle(std::string_view topic) {
  auto it = topics_.find(topic);
  if (it != topics_.end()) return it->second;
  std::string name(topic);
  rd_kafka_topic_t* handle = rd_kafka_topic_new(handle_, name.c_str(), nullptr);
  if (handle != nullptr) topics_.emplace(std::move(name), handle);
  return handle;
}

Status Producer::Send(const streams::detail::OutgoingRecord& record, uint64_t tag) {
  rd_kafka_topic_t* topic = TopicHandle(record.topic);
  if (topic == nullptr) {
    return KafkaStatus(rd_kafka_last_error(), fmt::format("[{}] topic {}", name_, record.topic));
  }
  HeadersPtr headers = ToKafkaHeaders(record.headers);
  // The librdkafka macros cast their arguments: pass plain variables.
  const void* key = DataOf(record.key);
  const size_t key_size = record.key ? record.key->size() : 0;
  void* value = const_cast<char*>(DataOf(record.value));
  const size_t value_size = record.value ? record.value->size() : 0;
  const int32_t partition = record.partition;
  const int64_t timestamp = record.timestamp;
  void* opaque = TagToOpaque(tag);
  // Read the clock only once the queue is full: on the common path it was a few percent of a
  // stream thread's time.
  std::optional<Clock::time_point> deadline;
  while (true) {
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        handle_, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_KEY(key, key_size), RD_KAFKA_V_VALUE(value, value_size),
        RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_HEADERS(headers.get()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      (void)headers.release();  // librdkafka owns them now
      return Status::Ok();
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && !deadline) deadline = Clock::now() + kMaxBlock;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || Clock::now() >= *deadline) {
      return KafkaStatus(err, fmt::format("[{}] produce to {}-{}", name_, record.topic, partition));
    }
    rd_kafka_poll(handle_, kQueueFullPollMs);
  }
}

void Producer::OnDelivery(const rd_kafka_message_t* message) {
  const rd_kafka_resp_err_t err = message->err;
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    delivered_.fetch_add(1, std::memory_order_relaxed);
    if ((OpaqueToTag(message->_private) & kTrackOffsetTag) != 0) {
      TopicPartition partition{rd_kafka_topic_name(message->rkt), message->partition};
      std::lock_guard lock(mutex_);
      int64_t& offset = acked_offsets_.try_emplace(std::move(partition), message->offset)
                            .first->second;
      offset = std::max(offset, static_cast<int64_t>(message->offset));
    }
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
    purged_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  failed_.fetch_add(1, std::memory_order_relaxed);
  DeliveryError error;
  error.topic = rd_kafka_topic_name(message->rkt);
  error.partition = message->partition;
  error.status =
      KafkaStatus(err, fmt::format("[{}] produce to {}-{}", name_, error.topic, error.partition));
  error.tag = OpaqueToTag(message->_private);
  error.fatal = IsFencedCode(err) || FatalCode(handle_) != RD_KAFKA_RESP_ERR_NO_ERROR;
  std::lock_guard lock(mutex_);
  delivery_errors_.push_back(std::move(error));
}

void Producer::Poll(std::chrono::milliseconds timeout) {
  rd_kafka_poll(handle_, static_cast<int>(timeout.count()));
}

Status Producer::Flush(std::chrono::milliseconds timeout) {
  const rd_kafka_resp_err_t err = rd_kafka_flush(handle_, static_cast<int>(timeout.count()));
  if (err == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    return Status::TimedOut(fmt::format("[{}] flush: {} records still unacknowledged after {} ms",
                                        name_, rd_kafka_outq_len(handle_), timeout.count()));
  }
  return KafkaStatus(err, fmt::format("[{}] flush", name_));
}

std::map<TopicPartition, int64_t> Producer::TakeAckedOffsets() {
  std::lock_guard lock(mutex_);
  return std::exchange(acked_offsets_, {});
}

std::vector<DeliveryError> Producer::TakeDeliveryErrors() {
  std::lock_guard lock(mutex_);
  return std::exchange(delivery_errors_, {});
}

Status Producer::FatalError() const {
  char reason[512];
  const rd_kafka_resp_err_t err = rd_kafka_fatal_error(handle_, reason, sizeof(reason));
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
  return Status(StatusCodeOf(err), fmt::format("[{}] fatal producer error: {}: {}", name_,
                                               rd_kafka_err2name(err), reason));
}

bool Producer::fenced() const { return IsFencedCode(FatalCode(handle_)); }

TxnResult Producer::InitTransactions(std::chrono::milliseconds timeout) {
  return ToTxnResult(handle_,
                     rd_kafka_init_transactions(handle_, static_cast<int>(timeout.count())),
                     fmt::format("[{}] init_transactions", name_));
}

TxnResult Producer::BeginTransaction() {
  return ToTxnResult(handle_, rd_kafka_begin_transaction(handle_),
                     fmt::format("[{}] begin_transaction", name_));
}

TxnResult Producer::SendOffsetsToTransaction(const std::map<TopicPartition, int64_t>& offsets,
                                             const ConsumerGroupMetadata& group,
                                             std::chrono::milliseconds timeout,
                                             const std::map<TopicPartition, std::string>* metadata) {
  if (offsets.empty()) return {};
  PartitionListPtr list = ToPartitionList(offsets, metadata);
  return ToTxnResult(handle_,
                     rd_kafka_send_offsets_to_transaction(handle_, list.get(), group.get(),
                                                          static_cast<int>(timeout.count())),
                     fmt::format("[{}] send_offsets_to_transaction", name_));
}

TxnResult Producer::CommitTransaction(std::chrono::milliseconds timeout) {
  return ToTxnResult(handle_,
                     rd_kafka_commit_transaction(handle_, static_cast<int>(timeout.count())),
                     fmt::format("[{}] commit_transaction", name_));
}

TxnResult Producer::AbortTransaction(std::chrono::milliseconds timeout) {
  return ToTxnResult(handle_,
                     rd_kafka_abort_transaction(handle_, static_cast<int>(timeout.count())),
                     fmt::format("[{}] abort_transaction", name_));
}

}  // namespace brook::framework::client
