#pragma once

// state_bench part 1: a Brook windowed count against a hand-written librdkafka loop doing the
// same count, both exactly once, on one brook-broker.
//
// Input record i: key "key-NNNNN" (kWindowedKeys distinct keys), timestamp kBaseTime + 0.3 ms * i
// (so a 1-minute window holds 200,000 records, 20 per key), value of `value_bytes` bytes: the
// timestamp as 13 decimal digits, then filler (the raw loop reads the window from the value; the
// Brook app from the record's timestamp, as Kafka Streams' default extractor).
//
//   brook  KafkaStreams: stream -> groupByKey -> windowedBy(TimeWindows::ofSizeWithNoGrace(1 min))
//          -> count (RocksDB window store, caching and changelog on: the DSL's defaults) ->
//          toStream -> to, processing.guarantee=exactly_once_v2 (commit.interval.ms 100), one
//          stream thread, everything else at its default. Timed from the first record to the
//          return of close(), which commits what is left.
//   raw    bench/ctp_loop.h's loop, transactional, committing every 100 ms with
//          send_offsets_to_transaction; its transform counts per (key, window start) in a
//          std::unordered_map and writes every update (key, "<window start>:<count>"). Timed
//          from the first record read to the return of the last commit.

#include <cstdint>
#include <string>

#include "common/result.h"

namespace brook::bench {

constexpr int kWindowedKeys = 10'000;

struct WindowedCountOptions {
  uint64_t records = 1'000'000;
  size_t value_bytes = 100;
  int partitions = 8;
  int runs = 3;
  std::string scratch;  // Where the Brook runs keep their state directories.
};

struct WindowedCountFigures {
  double brook_rate = 0;  // Median input records/s.
  double raw_rate = 0;
  double ratio() const { return raw_rate > 0 ? brook_rate / raw_rate : 0; }
};

// Creates and fills the input topic (untimed), then runs both sides `runs` times, alternating
// which goes first; prints a line per run and the medians. Each run uses a fresh group,
// application id and output topic. Checks that each side's group committed the input's end.
Result<WindowedCountFigures> RunWindowedCount(const std::string& bootstrap,
                                              const WindowedCountOptions& options);

}  // namespace brook::bench
