#include "bench/bench_producer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "bench/bench_util.h"

namespace brook::bench {
namespace {

constexpr int kMetadataTimeoutMs = 10'000;
constexpr int kTopicWaitS = 30;
constexpr int kTxnTimeoutMs = 60'000;
constexpr int kFlushTimeoutMs = 300'000;

// librdkafka's own log lines carry milliseconds; the steady clock in microseconds lets
// --client-debug output time the steps of one transaction.
void LogWithMicroseconds(const rd_kafka_t* handle, int level, const char* facility,
                         const char* message) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  std::fprintf(stderr, "%lld.%06lld %d %s %s %s\n", static_cast<long long>(micros / 1'000'000),
               static_cast<long long>(micros % 1'000'000), level, rd_kafka_name(handle), facility,
               message);
}

}  // namespace

// What the delivery reports said, per partition. Written by the delivery callback, which runs
// inside rd_kafka_poll/flush/commit_transaction on the producing thread.
struct BenchProducer::Tally {
  std::vector<int64_t> last_offset;
  uint64_t delivered = 0;
  uint64_t failed = 0;
  std::string first_error;

  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto* tally = static_cast<Tally*>(opaque);
    auto fail = [tally](std::string problem) {
      if (tally->failed++ == 0) tally->first_error = std::move(problem);
    };
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) return fail(rd_kafka_err2str(message->err));
    if (message->partition < 0 ||
        static_cast<size_t>(message->partition) >= tally->last_offset.size()) {
      return fail(fmt::format("delivered to partition {}", message->partition));
    }
    int64_t& last = tally->last_offset[message->partition];
    if (message->offset <= last) {
      return fail(fmt::format("partition {}: offset {} after {}", message->partition,
                              message->offset, last));
    }
    last = message->offset;
    ++tally->delivered;
  }
};

ClientSettings BenchProducerSettings() {
  return {{"enable.idempotence", "true"}, {"acks", "all"}, {"linger.ms", "5"}};
}

BenchProducer::BenchProducer(Config config)
    : config_(std::move(config)), tally_(std::make_unique<Tally>()) {
  tally_->last_offset.assign(config_.partitions, -1);
  value_.resize(config_.value_bytes);
  for (size_t i = 0; i < value_.size(); ++i) value_[i] = static_cast<char>('a' + i % 26);
}

BenchProducer::~BenchProducer() = default;

Result<std::unique_ptr<BenchProducer>> BenchProducer::Create(const std::string& bootstrap,
                                                             Config config) {
  std::unique_ptr<BenchProducer> producer(new BenchProducer(std::move(config)));
  ClientSettings settings = BenchProducerSettings();
  if (producer->transactional()) {
    settings.emplace_back("transactional.id", producer->config_.transactional_id);
  }
  if (!producer->config_.debug.empty()) settings.emplace_back("debug", producer->config_.debug);
  Tally* tally = producer->tally_.get();
  BROOK_ASSIGN_OR_RETURN(
      producer->handle_,
      NewRdKafka(RD_KAFKA_PRODUCER, bootstrap, settings, [tally](rd_kafka_conf_t* conf) {
        rd_kafka_conf_set_opaque(conf, tally);
        rd_kafka_conf_set_dr_msg_cb(conf, &Tally::OnDelivery);
        rd_kafka_conf_set_log_cb(conf, &LogWithMicroseconds);
      }));
  rd_kafka_t* handle = producer->handle_.get();
  const std::string& topic = producer->config_.topic;
  producer->topic_.reset(rd_kafka_topic_new(handle, topic.c_str(), nullptr));
  if (producer->topic_ == nullptr) {
    return Status::Internal(fmt::format("rd_kafka_topic_new {}", topic));
  }
  // Metadata first, so the first send finds its partition's leader known.
  Stopwatch watch;
  while (true) {
    const rd_kafka_metadata_t* metadata = nullptr;
    rd_kafka_resp_err_t err =
        rd_kafka_metadata(handle, 0, producer->topic_.get(), &metadata, kMetadataTimeoutMs);
    bool ready = false;
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ready = metadata->topic_cnt == 1 && metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
              metadata->topics[0].partition_cnt == producer->config_.partitions;
      rd_kafka_metadata_destroy(metadata);
    }
    if (ready) break;
    if (watch.Seconds() > kTopicWaitS) {
      return Status::TimedOut(fmt::format("topic {}: no metadata with {} partitions", topic,
                                          producer->config_.partitions));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (producer->transactional()) {
    BROOK_RETURN_IF_ERROR(
        TakeError(rd_kafka_init_transactions(handle, kTxnTimeoutMs), "init_transactions"));
  }
  ProduceRun ignored;
  BROOK_ASSIGN_OR_RETURN(
      ignored, producer->Produce(producer->config_.partitions, producer->config_.partitions));
  return producer;
}

Status BenchProducer::Send(uint64_t index) {
  const auto partition = static_cast<int32_t>(index % config_.partitions);
  while (rd_kafka_produce(topic_.get(), partition, RD_KAFKA_MSG_F_COPY, value_.data(),
                          value_.size(), nullptr, 0, nullptr) != 0) {
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return Status::Internal(fmt::format("produce record {}: {}", index, rd_kafka_err2str(err)));
    }
    rd_kafka_poll(handle_.get(), 1);
  }
  if ((index & 1023) == 0) rd_kafka_poll(handle_.get(), 0);
  return Status::Ok();
}

Status BenchProducer::Flush() {
  rd_kafka_resp_err_t err = rd_kafka_flush(handle_.get(), kFlushTimeoutMs);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::TimedOut(fmt::format("flush: {} ({} records outstanding)", rd_kafka_err2str(err),
                                        rd_kafka_outq_len(handle_.get())));
  }
  return Status::Ok();
}

Status BenchProducer::CheckTally(uint64_t sent) const {
  if (tally_->failed > 0) {
    return Status::Internal(fmt::format("{}: {} of {} records failed: {}", config_.topic,
                                        tally_->failed, sent, tally_->first_error));
  }
  if (tally_->delivered != sent) {
    return Status::Internal(fmt::format("{}: {} delivery reports for {} records", config_.topic,
                                        tally_->delivered, sent));
  }
  return Status::Ok();
}

Result<ProduceRun> BenchProducer::Produce(uint64_t records, uint64_t chunk) {
  if (transactional() && chunk == 0) {
    return Status::InvalidArgument("a transactional producer needs transactions of >= 1 record");
  }
  rd_kafka_t* handle = handle_.get();
  ProduceRun run;
  run.records = records;
  Stopwatch watch;
  for (uint64_t i = 0; i < records; ++i) {
    if (transactional() && i % chunk == 0) {
      BROOK_RETURN_IF_ERROR(TakeError(rd_kafka_begin_transaction(handle), "begin_transaction"));
    }
    BROOK_RETURN_IF_ERROR(Send(sent_ + i));
    if (chunk == 0 || ((i + 1) % chunk != 0 && i + 1 != records)) continue;
    // The end of a chunk. commit_transaction() flushes first anyway; flushing here splits its
    // time in two.
    Stopwatch step;
    BROOK_RETURN_IF_ERROR(Flush());
    run.flush_seconds += step.Seconds();
    ++run.chunks;
    if (!transactional()) continue;
    step.Restart();
    BROOK_RETURN_IF_ERROR(
        TakeError(rd_kafka_commit_transaction(handle, kTxnTimeoutMs), "commit_transaction"));
    const double commit = step.Seconds();
    run.commit_seconds += commit;
    run.max_commit_ms = std::max(run.max_commit_ms, commit * 1000);
  }
  BROOK_RETURN_IF_ERROR(Flush());
  run.seconds = watch.Seconds();
  sent_ += records;
  BROOK_RETURN_IF_ERROR(CheckTally(sent_));
  return run;
}

}  // namespace brook::bench
