#pragma once

// The producer side of txn_bench: one librdkafka producer (enable.idempotence=true, acks=all,
// linger.ms=5) writing fixed-size values round-robin over the partitions of one topic: as one
// stream, in chunks with a flush after each, or in transactions of a given size. Every delivery
// report is checked.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/rdkafka_handle.h"
#include "common/result.h"

namespace brook::bench {

// The librdkafka settings every producer of txn_bench shares (the CTP loop's too).
ClientSettings BenchProducerSettings();

struct ProduceRun {
  uint64_t records = 0;
  double seconds = 0;   // From the first send to the last delivery report / commit.
  uint64_t chunks = 0;  // Transactions, or flushed chunks; 0 for one stream.
  // Per chunk: the time in rd_kafka_flush() at its end (its records still in flight; for a
  // transaction, AddPartitionsToTxn included) and in rd_kafka_commit_transaction() after that
  // (EndTxn); the longest commit.
  double flush_seconds = 0;
  double commit_seconds = 0;
  double max_commit_ms = 0;
};

// Thread safety: none; one thread drives a producer. Not copyable.
class BenchProducer {
 public:
  struct Config {
    std::string topic;  // Exists, with `partitions` partitions.
    int partitions = 4;
    size_t value_bytes = 100;
    std::string transactional_id;  // Empty: idempotent, no transactions.
    std::string debug;             // librdkafka's `debug` contexts, logged to stderr; empty: none.
  };

  // Connects, waits for the topic's metadata, runs InitProducerId (init_transactions() when
  // transactional), and sends one untimed warm-up record per partition (in one committed
  // transaction when transactional), so Produce() times neither connecting nor the first
  // AddPartitionsToTxn of a partition.
  static Result<std::unique_ptr<BenchProducer>> Create(const std::string& bootstrap, Config config);
  BenchProducer(const BenchProducer&) = delete;
  BenchProducer& operator=(const BenchProducer&) = delete;
  ~BenchProducer();

  // Sends `records` values round-robin over the partitions as fast as librdkafka accepts them,
  // in chunks of `chunk` records (the last may be shorter): transactional, each chunk is a
  // transaction (begin, send, flush, commit); otherwise each chunk ends with a flush, and
  // `chunk` 0 sends one stream. Returns once every delivery report is in. Internal when a
  // delivery report carries an error, a partition's offsets do not increase, or a
  // transactional call fails; InvalidArgument for a transactional producer and `chunk` 0.
  Result<ProduceRun> Produce(uint64_t records, uint64_t chunk);

  bool transactional() const { return !config_.transactional_id.empty(); }

 private:
  struct Tally;
  explicit BenchProducer(Config config);
  Status Send(uint64_t index);
  Status Flush();
  Status CheckTally(uint64_t sent) const;

  Config config_;
  std::unique_ptr<Tally> tally_;  // The delivery callback's opaque: outlives handle_.
  RdKafkaHandle handle_;
  TopicHandle topic_;
  std::string value_;
  uint64_t sent_ = 0;  // Over the producer's life, warm-up included.
};

}  // namespace brook::bench
