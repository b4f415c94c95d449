#pragma once

// The TopologyTestDriver part of streams_bench: records per second through a chain of five
// stateless DSL operators on one thread, with Int64 serdes, the way a unit test drives it (typed
// pipeInput, typed reads of the output).

#include <cstdint>

#include "common/result.h"

namespace brook::bench {

struct DriverRun {
  uint64_t records = 0;
  double seconds = 0;       // Piping every record and reading every output.
  double read_seconds = 0;  // Of which reading the outputs (TestOutputTopic::readKeyValue).
  double cpu_seconds = 0;   // CPU time of the whole run (less noisy than wall time on a shared
                            // machine: time the thread waited for a core is not in it).
};

// Builds source -> filter -> mapValues -> map -> peek -> mapValues -> to (Int64 keys and values;
// the filter keeps everything, so every operator sees every record), pipes `records` records
// into a fresh TopologyTestDriver, reading the output every 1,024 records, and checks every
// output record. Internal when an output is missing or wrong.
Result<DriverRun> RunDriverChain(uint64_t records);

}  // namespace brook::bench
