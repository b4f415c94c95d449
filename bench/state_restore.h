#pragma once

// state_bench part 3: restoring a store from its changelog against reading the same topic with a
// bare librdkafka consumer, on one brook-broker.
//
// The changelog `<application.id>-restore-store-changelog` (one partition) is filled, untimed,
// with `bytes` bytes of records (keys "k-NNNNNNNNNNNNNN", 16 B, all distinct; values of
// `value_bytes` bytes); bytes counts keys and values. It is created by the bench with the
// broker's default cleanup.policy (delete), so the log cleaner cannot change it between the two
// reads; Brook accepts an existing changelog with the right partition count.
//   brook  KafkaStreams (at_least_once, one stream thread, defaults) with an empty state
//          directory whose topology counts an empty one-partition input topic into the
//          key-value store "restore-store" (RocksDB, caching and logging on): on assignment the
//          task restores the whole changelog through the restore consumer, StoreChangelogReader
//          and ProcessorStateManager into RocksDB. Timed by a StateRestoreListener from
//          onRestoreStart to onRestoreEnd (the time from start() is printed too).
//   raw    bench/kafka_bench_client.h's ConsumeFromBeginning: librdkafka's simple consumer
//          reads the partition from offset 0 to its end, checking every offset and size.
//          Timed from creating the consumer to the last record.

#include <cstdint>
#include <string>

#include "common/result.h"

namespace brook::bench {

struct RestoreOptions {
  uint64_t bytes = uint64_t{1} << 30;
  size_t value_bytes = 512;
  int runs = 1;
  std::string scratch;  // Where the Brook runs keep their state directories.
  int broker_pid = 0;   // For the CPU line of each run (0: not printed for the broker).
};

struct RestoreFigures {
  double brook_rate = 0;  // Median bytes/s.
  double raw_rate = 0;
  double ratio() const { return raw_rate > 0 ? brook_rate / raw_rate : 0; }
};

// Fills the changelog, then runs both sides `runs` times, alternating which goes first (the fill
// leaves the log in the page cache for both); every Brook run has the same application id (so
// the same changelog) and a fresh state directory. Prints a line per run and the medians, and
// per run the CPU seconds the broker and this process's busiest threads spent in it (what bounds
// the ratio on a machine of few cores: both sides share them with the broker).
Result<RestoreFigures> RunRestore(const std::string& bootstrap, const RestoreOptions& options);

}  // namespace brook::bench
