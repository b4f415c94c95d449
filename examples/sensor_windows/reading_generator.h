#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "examples/sensor_windows/sensor_reading.h"

namespace brook::examples::sensors {

// A reading and the partition of sensor-readings it is written to (sensor i -> partition
// i % partitions, so each sensor's readings stay in one partition, in order).
struct GeneratedReading {
  Reading reading;
  int32_t partition = 0;
};

// (sensor, window start) -> the window's final aggregate.
using WindowResults = std::map<std::pair<std::string, int64_t>, WindowStats>;

// Makes `count` readings of `sensors` sensors (s0, s1, ...) from 2026-01-01T00:00:00Z on, one
// every 100 ms of event time, values 15.0-34.9. About 10% arrive out of order (up to 8 s late:
// inside the 10 s grace) and 1% are late (75-120 s behind: past their window's grace, so
// dropped). The last readings, one per partition, are 70 s past the others so every earlier
// window of the partition closes. Deterministic for a seed.
std::vector<GeneratedReading> GenerateReadings(int64_t count, int sensors, int partitions,
                                               uint64_t seed);

// What the topology must output, computed directly: per partition in write order, the stream
// time is the largest ts so far; a reading whose window [start, start + size) ended at or
// before stream time - grace is dropped; a window's final result is written once stream time -
// grace reaches its end.
WindowResults ExpectedFinalResults(const std::vector<GeneratedReading>& readings, int partitions,
                                   int64_t window_size_ms, int64_t grace_ms);

}  // namespace brook::examples::sensors
