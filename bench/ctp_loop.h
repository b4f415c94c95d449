#pragma once

// The consume-transform-produce loop of txn_bench and streams_bench: a KafkaConsumer in a group
// reads an input topic, each record goes (transformed, or dropped) with its key to the same
// partition of an output topic, and the consumer's progress is committed every
// `commit_interval_ms`, either exactly once (a transactional producer;
// send_offsets_to_transaction + commit_transaction) or at least once (an idempotent producer;
// flush, then a synchronous offset commit).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "bench/rdkafka_handle.h"
#include "common/result.h"

namespace brook::bench {

struct CtpConfig {
  std::string input_topic;   // Holds exactly `input_records` records, offsets from 0, no
                             // transactions.
  std::string output_topic;  // Fresh, with as many partitions as the input.
  int partitions = 4;
  uint64_t input_records = 0;
  std::string group_id;          // Fresh: the loop reads the input from the beginning.
  std::string transactional_id;  // Empty: at-least-once.
  int commit_interval_ms = 100;
  // The work done on each record: writes the output value of (key, value) into `out` (which is
  // cleared first) and returns true, or returns false to drop the record (its offset still
  // counts as processed). Empty: the value reversed, nothing dropped.
  std::function<bool(std::string_view key, std::string_view value, std::string& out)> transform;
  // How many records the transform keeps (the output check's count); 0: input_records.
  uint64_t output_records = 0;
  // librdkafka settings for the producer after BenchProducerSettings() (later ones win).
  ClientSettings producer_overrides;
};

struct CtpRun {
  uint64_t records = 0;  // Input records processed (= input_records).
  double seconds = 0;    // From the first record read to the return of the last commit.
  // From the first record read to the last one handed to the producer (the final commit not
  // included).
  double seconds_to_last_record = 0;
  uint64_t commits = 0;
  // Time in the commit step (EOS: send_offsets_to_transaction + commit_transaction + begin;
  // ALOS: flush + commit of the offsets), in total and the longest one.
  double commit_seconds = 0;
  double max_commit_ms = 0;
  // In consumer polls that returned nothing (after the first record), and the longest stretch
  // of them.
  double idle_seconds = 0;
  double max_idle_ms = 0;
  std::string busiest_threads;  // CPU of this process's busiest threads over the timed part.
};

// Runs the loop until every input record is processed and committed. The consumer
// (isolation.level=read_committed, auto.offset.reset=earliest, no auto-commit, and
// queued.min.messages raised so it never pauses a partition: see ctp_loop.cc) joins the group
// before the clock starts. Checks that every input record is read once and in order, that the
// group's committed offsets end at the input's end, and (after the loop) that a read_committed
// consumer sees exactly the kept records (`output_records`) in the output topic.
// Internal/TimedOut on a failed check or client error.
Result<CtpRun> RunConsumeTransformProduce(const std::string& bootstrap, const CtpConfig& config);

// Reads `topic` from the beginning with a read_committed consumer (no group) until `expected`
// records, then 0.5 s more; Internal when the count differs, TimedOut when fewer arrive within
// 60 s.
Status CheckOutputCount(const std::string& bootstrap, const std::string& topic, int partitions,
                        uint64_t expected);

}  // namespace brook::bench
