#include "bench/driver_chain.h"

#include <time.h>

#include <fmt/format.h>

#include "bench/bench_util.h"
#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"

namespace brook::bench {
namespace {

double ThreadCpuNow() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace

Result<DriverRun> RunDriverChain(uint64_t records) {
  using namespace brook::streams;
  int64_t peeked = 0;
  StreamsBuilder builder;
  builder.stream("in", Consumed<int64_t, int64_t>::with(Serdes::Int64(), Serdes::Int64()))
      .filter([](int64_t, int64_t value) { return value >= 0; })
      .mapValues([](int64_t value) { return value + 1; })
      .map([](int64_t key, int64_t value) { return KeyValue<int64_t, int64_t>{value, key}; })
      .peek([&peeked](int64_t key, int64_t) { peeked += key; })
      .mapValues([](int64_t value) { return value * 2; })
      .to("out", Produced<int64_t, int64_t>::with(Serdes::Int64(), Serdes::Int64()));
  TopologyTestDriver driver(builder.build());
  TestInputTopic<int64_t, int64_t> in =
      driver.createInputTopic<int64_t, int64_t>("in", Serdes::Int64(), Serdes::Int64());
  TestOutputTopic<int64_t, int64_t> out =
      driver.createOutputTopic<int64_t, int64_t>("out", Serdes::Int64(), Serdes::Int64());

  DriverRun run;
  uint64_t read = 0;
  Status check = Status::Ok();
  auto drain = [&] {
    Stopwatch reading;
    while (!out.isEmpty()) {
      const KeyValue<int64_t, int64_t> kv = out.readKeyValue();
      // Input (i, i) comes out as (i + 1, 2 i).
      const auto i = static_cast<int64_t>(read++);
      if (check.ok() && (kv.key != i + 1 || kv.value != 2 * i)) {
        check = Status::Internal(fmt::format("output {} is ({}, {}), expected ({}, {})", i, kv.key,
                                             kv.value, i + 1, 2 * i));
      }
    }
    run.read_seconds += reading.Seconds();
  };
  Stopwatch watch;
  const double cpu_before = ThreadCpuNow();
  for (uint64_t i = 0; i < records; ++i) {
    const auto value = static_cast<int64_t>(i);
    in.pipeInput(value, value, value);
    if ((i & 1023) == 1023) drain();
  }
  drain();
  run.seconds = watch.Seconds();
  run.cpu_seconds = ThreadCpuNow() - cpu_before;
  run.records = records;
  BROOK_RETURN_IF_ERROR(check);
  const auto n = static_cast<int64_t>(records);
  if (read != records || peeked != n * (n + 1) / 2) {
    return Status::Internal(
        fmt::format("{} outputs for {} inputs (peek saw a key sum of {})", read, records, peeked));
  }
  return run;
}

}  // namespace brook::bench
