#include "bench/kafka_bench_client.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "bench/bench_util.h"

namespace brook::bench {
namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;
using SteadyClock = std::chrono::steady_clock;

constexpr int kAdminTimeoutMs = 30'000;
constexpr int kMetadataTimeoutMs = 10'000;
constexpr double kConsumeTimeoutS = 120.0;

struct HandleDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
struct TopicDeleter {
  void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using Topic = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;
using Queue = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

// What a producer's delivery reports said, per partition.
struct DeliveryTally {
  struct Partition {
    uint64_t delivered = 0;
    int64_t min_offset = INT64_MAX;
    int64_t max_offset = -1;
  };
  std::vector<Partition> partitions;
  uint64_t delivered = 0;
  uint64_t failed = 0;
  std::string first_error;

  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto* tally = static_cast<DeliveryTally*>(opaque);
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (tally->failed++ == 0) tally->first_error = rd_kafka_err2str(message->err);
      return;
    }
    ++tally->delivered;
    if (message->partition < 0 ||
        static_cast<size_t>(message->partition) >= tally->partitions.size()) {
      if (tally->failed++ == 0) tally->first_error = "delivered to an unexpected partition";
      return;
    }
    auto& partition = tally->partitions[message->partition];
    ++partition.delivered;
    partition.min_offset = std::min(partition.min_offset, message->offset);
    partition.max_offset = std::max(partition.max_offset, message->offset);
  }

  // Every send acknowledged, each partition holding offsets 0..delivered-1.
  Status Check(uint64_t sent) const {
    if (failed > 0) {
      return Status::Internal(fmt::format("{} of {} records failed: {}", failed, sent, first_error));
    }
    if (delivered != sent) {
      return Status::Internal(fmt::format("{} delivery reports for {} records", delivered, sent));
    }
    for (size_t p = 0; p < partitions.size(); ++p) {
      const auto& partition = partitions[p];
      if (partition.delivered == 0) continue;
      if (partition.min_offset != 0 ||
          partition.max_offset + 1 != static_cast<int64_t>(partition.delivered)) {
        return Status::Internal(fmt::format("partition {}: {} records at offsets {}..{}", p,
                                            partition.delivered, partition.min_offset,
                                            partition.max_offset));
      }
    }
    return Status::Ok();
  }
};

Result<Handle> NewClient(rd_kafka_type_t type, const std::string& bootstrap,
                         const Settings& settings, DeliveryTally* tally = nullptr) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Settings all = {{"bootstrap.servers", bootstrap}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (const auto& [key, value] : all) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument(fmt::format("{}={}: {}", key, value, error));
    }
  }
  if (tally != nullptr) {
    rd_kafka_conf_set_opaque(conf, tally);
    rd_kafka_conf_set_dr_msg_cb(conf, &DeliveryTally::OnDelivery);
  }
  rd_kafka_t* handle = rd_kafka_new(type, conf, error, sizeof(error));
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::Internal(fmt::format("rd_kafka_new: {}", error));
  }
  return Handle(handle);
}

Result<Topic> NewTopic(rd_kafka_t* handle, const std::string& name) {
  rd_kafka_topic_t* topic = rd_kafka_topic_new(handle, name.c_str(), nullptr);
  if (topic == nullptr) {
    return Status::Internal(
        fmt::format("rd_kafka_topic_new {}: {}", name, rd_kafka_err2str(rd_kafka_last_error())));
  }
  return Topic(topic);
}

// Polls Metadata for one topic until it lists `partitions` partitions, each with a leader.
Status AwaitTopicMetadata(rd_kafka_t* handle, rd_kafka_topic_t* topic, int partitions) {
  Stopwatch watch;
  std::string last = "no answer";
  while (watch.Seconds() * 1000 < kAdminTimeoutMs) {
    const rd_kafka_metadata_t* metadata = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(handle, 0, topic, &metadata, kMetadataTimeoutMs);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      bool ready = false;
      if (metadata->topic_cnt == 1) {
        const auto& info = metadata->topics[0];
        int led = 0;
        for (int p = 0; p < info.partition_cnt; ++p) led += info.partitions[p].leader >= 0;
        ready = info.err == RD_KAFKA_RESP_ERR_NO_ERROR && info.partition_cnt == partitions &&
                led == partitions;
        last = fmt::format("{} partitions ({} with a leader), {}", info.partition_cnt, led,
                           rd_kafka_err2str(info.err));
      }
      rd_kafka_metadata_destroy(metadata);
      if (ready) return Status::Ok();
    } else {
      last = rd_kafka_err2str(err);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::TimedOut(fmt::format("topic {} not ready: {}", rd_kafka_topic_name(topic), last));
}

}  // namespace

Status WaitForTopic(const std::string& bootstrap, const std::string& topic, int partitions) {
  Handle handle;
  BROOK_ASSIGN_OR_RETURN(handle, NewClient(RD_KAFKA_PRODUCER, bootstrap, {}));
  Topic topic_handle;
  BROOK_ASSIGN_OR_RETURN(topic_handle, NewTopic(handle.get(), topic));
  return AwaitTopicMetadata(handle.get(), topic_handle.get(), partitions);
}

Status CreateTopicWithAdmin(const std::string& bootstrap, const std::string& topic,
                            int partitions) {
  Handle handle;
  BROOK_ASSIGN_OR_RETURN(handle, NewClient(RD_KAFKA_PRODUCER, bootstrap, {}));
  char error[512];
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, error, sizeof(error));
  if (new_topic == nullptr) return Status::InvalidArgument(error);
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(handle.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(options, kAdminTimeoutMs, error, sizeof(error));
  Queue queue(rd_kafka_queue_new(handle.get()));
  rd_kafka_CreateTopics(handle.get(), &new_topic, 1, options, queue.get());
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy(new_topic);

  rd_kafka_event_t* event = rd_kafka_queue_poll(queue.get(), kAdminTimeoutMs + 5'000);
  if (event == nullptr) return Status::TimedOut(fmt::format("CreateTopics {}: no answer", topic));
  Status status = Status::Ok();
  if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = Status::Unavailable(
        fmt::format("CreateTopics {}: {}", topic, rd_kafka_event_error_string(event)));
  } else {
    size_t count = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
    for (size_t i = 0; i < count; ++i) {
      if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        status = Status::Internal(fmt::format("CreateTopics {}: {}", topic,
                                              rd_kafka_topic_result_error_string(results[i])));
      }
    }
  }
  rd_kafka_event_destroy(event);
  queue.reset();
  BROOK_RETURN_IF_ERROR(status);
  Topic topic_handle;
  BROOK_ASSIGN_OR_RETURN(topic_handle, NewTopic(handle.get(), topic));
  return AwaitTopicMetadata(handle.get(), topic_handle.get(), partitions);
}

Result<ProduceResult> ProduceRecords(const std::string& bootstrap, const ProduceOptions& options) {
  DeliveryTally tally;
  tally.partitions.resize(options.partitions);
  Handle handle;
  BROOK_ASSIGN_OR_RETURN(handle, NewClient(RD_KAFKA_PRODUCER, bootstrap,
                                           {{"acks", options.acks},
                                            {"linger.ms", std::to_string(options.linger_ms)},
                                            {"queue.buffering.max.messages", "10000000"},
                                            {"enable.idempotence", "false"}},
                                           &tally));
  Topic topic;
  BROOK_ASSIGN_OR_RETURN(topic, NewTopic(handle.get(), options.topic));
  BROOK_RETURN_IF_ERROR(AwaitTopicMetadata(handle.get(), topic.get(), options.partitions));

  std::string value(options.value_bytes, 'v');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + i % 26);
  Stopwatch watch;
  for (uint64_t i = 0; i < options.records; ++i) {
    const int32_t partition = static_cast<int32_t>(i % options.partitions);
    while (rd_kafka_produce(topic.get(), partition, RD_KAFKA_MSG_F_COPY, value.data(),
                            value.size(), nullptr, 0, nullptr) != 0) {
      rd_kafka_resp_err_t err = rd_kafka_last_error();
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        return Status::Internal(fmt::format("produce record {}: {}", i, rd_kafka_err2str(err)));
      }
      rd_kafka_poll(handle.get(), 1);
    }
    if ((i & 1023) == 0) rd_kafka_poll(handle.get(), 0);
  }
  rd_kafka_resp_err_t err = rd_kafka_flush(handle.get(), 300'000);
  ProduceResult result{options.records, watch.Seconds()};
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::TimedOut(fmt::format("flush: {} ({} records outstanding)", rd_kafka_err2str(err),
                                        rd_kafka_outq_len(handle.get())));
  }
  BROOK_RETURN_IF_ERROR(tally.Check(options.records));
  return result;
}

Status CheckWatermarks(const std::string& bootstrap, const std::string& topic, int partitions,
                       int64_t records_per_partition) {
  Handle handle;
  BROOK_ASSIGN_OR_RETURN(handle, NewClient(RD_KAFKA_CONSUMER, bootstrap, {}));
  for (int p = 0; p < partitions; ++p) {
    int64_t low = -1;
    int64_t high = -1;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(handle.get(), topic.c_str(), p,
                                                               &low, &high, kMetadataTimeoutMs);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Internal(fmt::format("watermarks {}-{}: {}", topic, p, rd_kafka_err2str(err)));
    }
    if (low != 0 || high != records_per_partition) {
      return Status::Internal(fmt::format("{}-{} holds offsets {}..{}, expected 0..{}", topic, p,
                                          low, high, records_per_partition));
    }
  }
  return Status::Ok();
}

namespace {

const Settings kConsumerSettings = {{"enable.auto.commit", "false"},
                                    {"enable.auto.offset.store", "false"},
                                    {"enable.partition.eof", "false"}};

// A simple (group-less) consumer reading every partition of one topic from the beginning into
// one queue. Stops the fetchers on destruction.
class PartitionReader {
 public:
  static Result<std::unique_ptr<PartitionReader>> Open(const std::string& bootstrap,
                                                       const std::string& topic, int partitions,
                                                       const Settings& extra) {
    Settings settings = kConsumerSettings;
    settings.insert(settings.end(), extra.begin(), extra.end());
    std::unique_ptr<PartitionReader> reader(new PartitionReader());
    BROOK_ASSIGN_OR_RETURN(reader->handle_, NewClient(RD_KAFKA_CONSUMER, bootstrap, settings));
    BROOK_ASSIGN_OR_RETURN(reader->topic_, NewTopic(reader->handle_.get(), topic));
    reader->queue_.reset(rd_kafka_queue_new(reader->handle_.get()));
    for (int p = 0; p < partitions; ++p) {
      if (rd_kafka_consume_start_queue(reader->topic_.get(), p, RD_KAFKA_OFFSET_BEGINNING,
                                       reader->queue_.get()) != 0) {
        return Status::Internal(fmt::format("consume_start {}-{}: {}", topic, p,
                                            rd_kafka_err2str(rd_kafka_last_error())));
      }
      reader->started_ = p + 1;
    }
    return reader;
  }
  PartitionReader(const PartitionReader&) = delete;
  PartitionReader& operator=(const PartitionReader&) = delete;
  ~PartitionReader() {
    for (int p = 0; p < started_; ++p) rd_kafka_consume_stop(topic_.get(), p);
  }
  rd_kafka_queue_t* queue() { return queue_.get(); }

 private:
  PartitionReader() = default;
  Handle handle_;
  Topic topic_;
  Queue queue_;
  int started_ = 0;
};

}  // namespace

Result<ConsumeResult> ConsumeFromBeginning(const std::string& bootstrap, const std::string& topic,
                                          int partitions, int64_t records_per_partition,
                                          size_t value_bytes) {
  Stopwatch watch;
  std::unique_ptr<PartitionReader> reader;
  BROOK_ASSIGN_OR_RETURN(reader, PartitionReader::Open(bootstrap, topic, partitions, {}));
  std::vector<int64_t> next(partitions, 0);
  const uint64_t expected = static_cast<uint64_t>(records_per_partition) * partitions;
  uint64_t received = 0;
  std::vector<rd_kafka_message_t*> batch(10'000);
  while (received < expected) {
    if (watch.Seconds() > kConsumeTimeoutS) {
      return Status::TimedOut(fmt::format("{} of {} records after {} s", received, expected,
                                          kConsumeTimeoutS));
    }
    const size_t want = std::min<uint64_t>(batch.size(), expected - received);
    ssize_t n = rd_kafka_consume_batch_queue(reader->queue(), 1000, batch.data(), want);
    if (n < 0) return Status::Internal(rd_kafka_err2str(rd_kafka_last_error()));
    Status status = Status::Ok();
    for (ssize_t i = 0; i < n; ++i) {
      const rd_kafka_message_t* message = batch[i];
      if (status.ok()) {
        if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          status = Status::Internal(fmt::format("consume: {}", rd_kafka_message_errstr(message)));
        } else if (message->partition < 0 || message->partition >= partitions ||
                   message->offset != next[message->partition] || message->len != value_bytes) {
          status = Status::Internal(fmt::format(
              "partition {} offset {} ({} bytes): expected offset {} of {} bytes",
              message->partition, message->offset, message->len,
              message->partition >= 0 && message->partition < partitions
                  ? next[message->partition]
                  : -1,
              value_bytes));
        } else {
          ++next[message->partition];
          ++received;
        }
      }
      rd_kafka_message_destroy(batch[i]);
    }
    BROOK_RETURN_IF_ERROR(status);
  }
  return ConsumeResult{received, watch.Seconds()};
}

Result<LatencyResult> MeasureLatency(const std::string& bootstrap, const LatencyOptions& options) {
  const uint64_t measured = static_cast<uint64_t>(std::llround(options.rate * options.seconds));
  const uint64_t total = measured + 1;  // Record 0 is the warm-up.
  if (options.value_bytes < 16) return Status::InvalidArgument("values need 16 bytes");

  std::unique_ptr<PartitionReader> reader;
  BROOK_ASSIGN_OR_RETURN(reader, PartitionReader::Open(bootstrap, options.topic, 1,
                                                       {{"fetch.wait.max.ms", "0"},
                                                        {"fetch.min.bytes", "1"}}));
  std::atomic<uint64_t> received{0};
  std::atomic<bool> stop{false};
  std::mutex error_mutex;
  std::string error;
  std::vector<double> millis;
  millis.reserve(measured);
  std::thread consumer([&] {
    while (!stop.load() && received.load() < total) {
      rd_kafka_message_t* message = rd_kafka_consume_queue(reader->queue(), 100);
      if (message == nullptr) continue;
      const int64_t now = NowNanos();
      uint64_t sequence = 0;
      int64_t sent = 0;
      std::string problem;
      if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        problem = rd_kafka_message_errstr(message);
      } else if (message->len != options.value_bytes) {
        problem = fmt::format("offset {}: {} bytes", message->offset, message->len);
      } else {
        std::memcpy(&sequence, message->payload, 8);
        std::memcpy(&sent, static_cast<const char*>(message->payload) + 8, 8);
        if (sequence != received.load() || message->offset != static_cast<int64_t>(sequence)) {
          problem = fmt::format("offset {} carries record {}, expected {}", message->offset,
                                sequence, received.load());
        }
      }
      rd_kafka_message_destroy(message);
      if (!problem.empty()) {
        std::lock_guard<std::mutex> lock(error_mutex);
        error = problem;
        stop = true;
        return;
      }
      if (sequence > 0) millis.push_back(static_cast<double>(now - sent) / 1e6);
      received.fetch_add(1);
    }
  });
  auto finish = [&](Status status) -> Status {
    stop = true;
    if (consumer.joinable()) consumer.join();
    std::lock_guard<std::mutex> lock(error_mutex);
    if (status.ok() && !error.empty()) return Status::Internal("latency consumer: " + error);
    return status;
  };

  DeliveryTally tally;
  tally.partitions.resize(1);
  auto producer = NewClient(RD_KAFKA_PRODUCER, bootstrap,
                            {{"acks", "1"}, {"linger.ms", "0"}, {"enable.idempotence", "false"}},
                            &tally);
  if (!producer.ok()) return finish(producer.status());
  auto topic = NewTopic(producer->get(), options.topic);
  if (!topic.ok()) return finish(topic.status());
  std::string value(options.value_bytes, 'l');
  auto send = [&](uint64_t sequence) -> Status {
    const int64_t now = NowNanos();
    std::memcpy(value.data(), &sequence, 8);
    std::memcpy(value.data() + 8, &now, 8);
    if (rd_kafka_produce(topic->get(), 0, RD_KAFKA_MSG_F_COPY, value.data(), value.size(),
                         nullptr, 0, nullptr) != 0) {
      return Status::Internal(fmt::format("produce record {}: {}", sequence,
                                          rd_kafka_err2str(rd_kafka_last_error())));
    }
    rd_kafka_poll(producer->get(), 0);
    return Status::Ok();
  };

  // Warm-up: both clients connected and the consumer's fetcher running before the clock starts.
  if (Status status = send(0); !status.ok()) return finish(status);
  Stopwatch warm_up;
  while (received.load() < 1 && !stop.load()) {
    if (warm_up.Seconds() > 30) return finish(Status::TimedOut("warm-up record never arrived"));
    rd_kafka_poll(producer->get(), 1);
  }

  const auto interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / options.rate));
  const auto start = SteadyClock::now();
  Stopwatch sending;
  for (uint64_t i = 1; i <= measured && !stop.load(); ++i) {
    std::this_thread::sleep_until(start + interval * static_cast<int64_t>(i - 1));
    if (Status status = send(i); !status.ok()) return finish(status);
  }
  const double send_seconds = sending.Seconds();
  if (rd_kafka_flush(producer->get(), 60'000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return finish(Status::TimedOut("latency producer: flush timed out"));
  }
  Stopwatch drain;
  while (received.load() < total && !stop.load() && drain.Seconds() < 30) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  BROOK_RETURN_IF_ERROR(finish(tally.Check(total)));
  if (received.load() != total) {
    return Status::Internal(fmt::format("latency: read {} of {} records", received.load(), total));
  }
  std::sort(millis.begin(), millis.end());
  return LatencyResult{std::move(millis), send_seconds};
}

double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(q * sorted.size()));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace brook::bench
