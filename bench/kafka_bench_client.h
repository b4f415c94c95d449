#pragma once

// The librdkafka client side of broker_bench: the same code produces to, consumes from and
// measures latency against any Kafka-compatible bootstrap (Brook or librdkafka's mock cluster),
// and checks every record it sends or reads.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace brook::bench {

// Creates `topic` with `partitions` partitions through the Admin API (CreateTopics) and waits
// until Metadata shows all of them. Unavailable/TimedOut when the broker does not answer in 30 s.
Status CreateTopicWithAdmin(const std::string& bootstrap, const std::string& topic,
                            int partitions);

// Waits until Metadata for `topic` shows `partitions` partitions with a leader. TimedOut after
// 30 s.
Status WaitForTopic(const std::string& bootstrap, const std::string& topic, int partitions);

struct ProduceOptions {
  std::string topic;
  int partitions = 1;
  std::string acks = "1";
  uint64_t records = 0;
  size_t value_bytes = 100;
  int linger_ms = 5;
};

struct ProduceResult {
  uint64_t records = 0;
  double seconds = 0;  // From the first send to the last delivery report.
};

// Sends `records` values of `value_bytes` bytes (null keys) round-robin over the partitions of a
// fresh, empty topic, as fast as the producer accepts them, and waits for every delivery report.
// The clock starts after a Metadata round trip, so connecting is not timed. Fails (Internal)
// when any delivery report carries an error or a partition's offsets are not exactly 0..n-1.
Result<ProduceResult> ProduceRecords(const std::string& bootstrap, const ProduceOptions& options);

// Checks that every partition of `topic` has log start offset 0 and high watermark
// `records_per_partition`.
Status CheckWatermarks(const std::string& bootstrap, const std::string& topic, int partitions,
                       int64_t records_per_partition);

struct ConsumeResult {
  uint64_t records = 0;
  double seconds = 0;  // From starting the fetchers to the last record.
};

// One pass of a fresh consumer (no group: librdkafka's simple consumer API, every partition
// started at the beginning) over `records_per_partition` records of each partition. Fails when
// a record is missing, duplicated, out of order or not `value_bytes` long, or after 120 s.
Result<ConsumeResult> ConsumeFromBeginning(const std::string& bootstrap, const std::string& topic,
                                          int partitions, int64_t records_per_partition,
                                          size_t value_bytes);

struct LatencyOptions {
  std::string topic;  // A fresh topic with one partition.
  int rate = 10'000;  // Records per second.
  double seconds = 5;
  size_t value_bytes = 100;
};

struct LatencyResult {
  std::vector<double> millis;  // Sorted end-to-end latencies, one per measured record.
  double seconds = 0;          // How long sending took.
};

// Produces at a fixed rate (acks=1, linger.ms=0) with the send time (steady clock, ns) in each
// value, while a consumer (fetch.wait.max.ms=0, fetch.min.bytes=1) in another thread reads the
// partition and records receive - send. One warm-up record, not measured, makes sure both
// clients are connected first. Fails when any record is lost, duplicated or reordered.
Result<LatencyResult> MeasureLatency(const std::string& bootstrap, const LatencyOptions& options);

// The value at quantile `q` (0..1) of sorted `values` (nearest rank); 0 when empty.
double Quantile(const std::vector<double>& sorted, double q);

}  // namespace brook::bench
