#include "bench/ctp_loop.h"

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "bench/bench_producer.h"
#include "bench/bench_util.h"
#include "bench/cpu_usage.h"
#include "bench/rdkafka_handle.h"

namespace brook::bench {
namespace {

constexpr int kPollMs = 10;
constexpr int kTxnTimeoutMs = 60'000;
constexpr int kFlushTimeoutMs = 60'000;
constexpr int kCommittedTimeoutMs = 10'000;
constexpr double kFirstRecordTimeoutS = 60;
constexpr double kLoopTimeoutS = 600;
constexpr int kExtraReadMs = 500;  // How long the output check waits for records beyond those.
// librdkafka 2.0.2 stops fetching a partition once this many of its records wait in the
// consumer's queue (default 100,000), and looks at it again only on its broker thread's next
// wake-up, up to 1 s later, even when the application has long drained the queue: the loop then
// sits idle (30 to 65% of its time in a first version of this bench, with stalls of 0.5 to
// 0.9 s). A limit above any partition's share of the input keeps every partition fetching, so
// the loop measures processing, not that pause.
constexpr int kQueuedMinMessages = 10'000'000;

struct DeliveryCount {
  uint64_t delivered = 0;
  uint64_t failed = 0;
  std::string first_error;

  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto* count = static_cast<DeliveryCount*>(opaque);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++count->delivered;
    } else if (count->failed++ == 0) {
      count->first_error = rd_kafka_err2str(message->err);
    }
  }
};

ClientSettings ConsumerSettings(const std::string& group_id) {
  return {{"group.id", group_id},
          {"isolation.level", "read_committed"},
          {"auto.offset.reset", "earliest"},
          {"enable.auto.commit", "false"},
          {"enable.auto.offset.store", "false"},
          {"enable.partition.eof", "false"},
          {"queued.min.messages", std::to_string(kQueuedMinMessages)}};
}

// The loop's state between commits.
class Loop {
 public:
  Loop(const CtpConfig& config, rd_kafka_t* consumer, rd_kafka_t* producer,
       rd_kafka_topic_t* output, DeliveryCount* deliveries)
      : config_(config),
        consumer_(consumer),
        producer_(producer),
        output_(output),
        deliveries_(deliveries),
        next_(config.partitions, 0),
        committed_(config.partitions, 0) {}

  bool exactly_once() const { return !config_.transactional_id.empty(); }

  Result<CtpRun> Run() {
    Stopwatch waiting;
    Stopwatch clock;
    Stopwatch since_commit;
    CtpRun run;
    double idle_stretch = 0;
    if (exactly_once()) {
      BROOK_RETURN_IF_ERROR(TakeError(rd_kafka_begin_transaction(producer_), "begin_transaction"));
    }
    while (processed_ < config_.input_records) {
      Stopwatch poll;
      rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_, kPollMs);
      if (message == nullptr && processed_ > 0) {
        const double idle = poll.Seconds();
        run.idle_seconds += idle;
        idle_stretch += idle;
        run.max_idle_ms = std::max(run.max_idle_ms, idle_stretch * 1000);
      } else {
        idle_stretch = 0;
      }
      if (message != nullptr) {
        if (processed_ == 0) {
          clock.Restart();
          since_commit.Restart();
          threads_at_start_ = ThreadCpuSeconds();
        }
        Status status = Process(*message);
        rd_kafka_message_destroy(message);
        BROOK_RETURN_IF_ERROR(status);
      } else if (processed_ == 0 && waiting.Seconds() > kFirstRecordTimeoutS) {
        return Status::TimedOut(
            fmt::format("{}: no record after {} s", config_.group_id, kFirstRecordTimeoutS));
      }
      if (processed_ > 0 && clock.Seconds() > kLoopTimeoutS) {
        return Status::TimedOut(fmt::format("{}: {} of {} records after {} s", config_.group_id,
                                            processed_, config_.input_records, kLoopTimeoutS));
      }
      const bool last = processed_ == config_.input_records;
      if (last) run.seconds_to_last_record = clock.Seconds();
      const bool due =
          since_commit.Millis() >= config_.commit_interval_ms && processed_ > processed_at_commit_;
      if (last || due) {
        Stopwatch step;
        BROOK_RETURN_IF_ERROR(Commit(/*begin_next=*/!last));
        const double seconds = step.Seconds();
        run.commit_seconds += seconds;
        run.max_commit_ms = std::max(run.max_commit_ms, seconds * 1000);
        ++run.commits;
        since_commit.Restart();
      }
    }
    run.seconds = clock.Seconds();
    run.records = processed_;
    run.busiest_threads = DescribeThreadCpu(threads_at_start_, ThreadCpuSeconds(), 4);
    BROOK_RETURN_IF_ERROR(CheckEnd());
    return run;
  }

 private:
  Status Process(const rd_kafka_message_t& message) {
    if (message.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Internal(fmt::format("consume: {}", rd_kafka_message_errstr(&message)));
    }
    const int32_t p = message.partition;
    if (p < 0 || p >= config_.partitions || message.offset != next_[p]) {
      return Status::Internal(fmt::format("{}: read partition {} offset {}, expected offset {}",
                                          config_.group_id, p, message.offset,
                                          p >= 0 && p < config_.partitions ? next_[p] : -1));
    }
    bool keep = true;
    const auto* payload = static_cast<const char*>(message.payload);
    if (config_.transform) {
      value_.clear();
      const auto* key = static_cast<const char*>(message.key);
      keep = config_.transform(std::string_view(key != nullptr ? key : "", message.key_len),
                               std::string_view(payload != nullptr ? payload : "", message.len),
                               value_);
    } else {
      // The default transformation: the value reversed.
      value_.assign(payload, message.len);
      std::reverse(value_.begin(), value_.end());
    }
    // The key goes along as it came (null stays null).
    while (keep && rd_kafka_produce(output_, p, RD_KAFKA_MSG_F_COPY, value_.data(), value_.size(),
                                    message.key, message.key_len, nullptr) != 0) {
      rd_kafka_resp_err_t err = rd_kafka_last_error();
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return ErrorCodeStatus(err, "produce");
      rd_kafka_poll(producer_, 1);
    }
    if (keep) ++produced_;
    ++next_[p];
    if ((++processed_ & 1023) == 0) rd_kafka_poll(producer_, 0);
    return Status::Ok();
  }

  PartitionList Progress() const {
    PartitionList offsets(rd_kafka_topic_partition_list_new(config_.partitions));
    for (int p = 0; p < config_.partitions; ++p) {
      if (next_[p] == committed_[p]) continue;
      rd_kafka_topic_partition_list_add(offsets.get(), config_.input_topic.c_str(), p)->offset =
          next_[p];
    }
    return offsets;
  }

  // Commits the outputs and the consumer's position together (EOS) or the position after the
  // outputs are acknowledged (ALOS).
  Status Commit(bool begin_next) {
    PartitionList offsets = Progress();
    if (exactly_once()) {
      GroupMetadata group(rd_kafka_consumer_group_metadata(consumer_));
      BROOK_RETURN_IF_ERROR(TakeError(rd_kafka_send_offsets_to_transaction(
                                          producer_, offsets.get(), group.get(), kTxnTimeoutMs),
                                      "send_offsets_to_transaction"));
      BROOK_RETURN_IF_ERROR(
          TakeError(rd_kafka_commit_transaction(producer_, kTxnTimeoutMs), "commit_transaction"));
      if (begin_next) {
        BROOK_RETURN_IF_ERROR(
            TakeError(rd_kafka_begin_transaction(producer_), "begin_transaction"));
      }
    } else {
      BROOK_RETURN_IF_ERROR(ErrorCodeStatus(rd_kafka_flush(producer_, kFlushTimeoutMs), "flush"));
      if (offsets->cnt > 0) {
        BROOK_RETURN_IF_ERROR(
            ErrorCodeStatus(rd_kafka_commit(consumer_, offsets.get(), /*async=*/0), "commit"));
      }
    }
    committed_ = next_;
    processed_at_commit_ = processed_;
    if (deliveries_->failed > 0) {
      return Status::Internal(fmt::format("{}: {} outputs failed: {}", config_.group_id,
                                          deliveries_->failed, deliveries_->first_error));
    }
    return Status::Ok();
  }

  // Every output acknowledged, and the group's committed offsets where the loop ended.
  Status CheckEnd() {
    if (deliveries_->delivered != produced_) {
      return Status::Internal(fmt::format("{}: {} outputs acknowledged for {} sent",
                                          config_.group_id, deliveries_->delivered, produced_));
    }
    PartitionList offsets(rd_kafka_topic_partition_list_new(config_.partitions));
    for (int p = 0; p < config_.partitions; ++p) {
      rd_kafka_topic_partition_list_add(offsets.get(), config_.input_topic.c_str(), p);
    }
    BROOK_RETURN_IF_ERROR(ErrorCodeStatus(
        rd_kafka_committed(consumer_, offsets.get(), kCommittedTimeoutMs), "committed"));
    for (int i = 0; i < offsets->cnt; ++i) {
      const rd_kafka_topic_partition_t& part = offsets->elems[i];
      if (part.err != RD_KAFKA_RESP_ERR_NO_ERROR || part.offset != next_[part.partition]) {
        return Status::Internal(
            fmt::format("{}: committed offset of partition {} is {} ({}), "
                        "expected {}",
                        config_.group_id, part.partition, part.offset, rd_kafka_err2str(part.err),
                        next_[part.partition]));
      }
    }
    return Status::Ok();
  }

  const CtpConfig& config_;
  rd_kafka_t* consumer_;
  rd_kafka_t* producer_;
  rd_kafka_topic_t* output_;
  DeliveryCount* deliveries_;
  std::vector<int64_t> next_;       // Per partition: the next input offset to read.
  std::vector<int64_t> committed_;  // Per partition: the last committed position.
  uint64_t processed_ = 0;
  uint64_t produced_ = 0;
  uint64_t processed_at_commit_ = 0;
  std::string value_;
  std::map<std::string, double> threads_at_start_;
};

}  // namespace

Status CheckOutputCount(const std::string& bootstrap, const std::string& topic, int partitions,
                        uint64_t expected) {
  RdKafkaHandle consumer;
  BROOK_ASSIGN_OR_RETURN(consumer, NewRdKafka(RD_KAFKA_CONSUMER, bootstrap,
                                              {{"group.id", "txn-bench-check"},
                                               {"isolation.level", "read_committed"},
                                               {"enable.auto.commit", "false"},
                                               {"enable.partition.eof", "false"}}));
  PartitionList assignment(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  BROOK_RETURN_IF_ERROR(
      ErrorCodeStatus(rd_kafka_assign(consumer.get(), assignment.get()), "assign"));
  uint64_t seen = 0;
  Stopwatch watch;
  Stopwatch since_expected;
  while (true) {
    if (seen < expected) since_expected.Restart();
    if (since_expected.Millis() > kExtraReadMs) break;
    if (watch.Seconds() > kFirstRecordTimeoutS) {
      return Status::TimedOut(fmt::format("{}: {} of {} records", topic, seen, expected));
    }
    rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer.get(), kPollMs);
    if (message == nullptr) continue;
    Status status = message->err == RD_KAFKA_RESP_ERR_NO_ERROR
                        ? Status::Ok()
                        : Status::Internal(rd_kafka_message_errstr(message));
    rd_kafka_message_destroy(message);
    BROOK_RETURN_IF_ERROR(status);
    ++seen;
  }
  rd_kafka_consumer_close(consumer.get());
  if (seen != expected) {
    return Status::Internal(fmt::format(
        "{}: a read_committed consumer sees {} records, expected {}", topic, seen, expected));
  }
  return Status::Ok();
}

Result<CtpRun> RunConsumeTransformProduce(const std::string& bootstrap, const CtpConfig& config) {
  const bool exactly_once = !config.transactional_id.empty();
  ClientSettings producer_settings = BenchProducerSettings();
  if (exactly_once) producer_settings.emplace_back("transactional.id", config.transactional_id);
  producer_settings.insert(producer_settings.end(), config.producer_overrides.begin(),
                           config.producer_overrides.end());
  DeliveryCount deliveries;
  RdKafkaHandle producer;
  BROOK_ASSIGN_OR_RETURN(producer, NewRdKafka(RD_KAFKA_PRODUCER, bootstrap, producer_settings,
                                              [&deliveries](rd_kafka_conf_t* conf) {
                                                rd_kafka_conf_set_opaque(conf, &deliveries);
                                                rd_kafka_conf_set_dr_msg_cb(
                                                    conf, &DeliveryCount::OnDelivery);
                                              }));
  TopicHandle output(rd_kafka_topic_new(producer.get(), config.output_topic.c_str(), nullptr));
  if (output == nullptr) return Status::Internal("rd_kafka_topic_new " + config.output_topic);
  if (exactly_once) {
    BROOK_RETURN_IF_ERROR(
        TakeError(rd_kafka_init_transactions(producer.get(), kTxnTimeoutMs), "init_transactions"));
  }
  RdKafkaHandle consumer;
  BROOK_ASSIGN_OR_RETURN(
      consumer, NewRdKafka(RD_KAFKA_CONSUMER, bootstrap, ConsumerSettings(config.group_id)));
  rd_kafka_poll_set_consumer(consumer.get());
  PartitionList topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), config.input_topic.c_str(),
                                    RD_KAFKA_PARTITION_UA);
  BROOK_RETURN_IF_ERROR(
      ErrorCodeStatus(rd_kafka_subscribe(consumer.get(), topics.get()), "subscribe"));

  Loop loop(config, consumer.get(), producer.get(), output.get(), &deliveries);
  Result<CtpRun> run = loop.Run();
  rd_kafka_consumer_close(consumer.get());
  if (!run.ok()) return run;
  const uint64_t kept = config.output_records > 0 ? config.output_records : config.input_records;
  BROOK_RETURN_IF_ERROR(CheckOutputCount(bootstrap, config.output_topic, config.partitions, kept));
  return run;
}

}  // namespace brook::bench
