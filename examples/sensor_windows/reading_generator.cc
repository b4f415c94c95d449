#include "examples/sensor_windows/reading_generator.h"

#include <algorithm>
#include <random>

namespace brook::examples::sensors {

namespace {
constexpr int64_t kStartMs = 1767225600000;  // 2026-01-01T00:00:00Z
constexpr int64_t kStepMs = 100;
}  // namespace

std::vector<GeneratedReading> GenerateReadings(int64_t count, int sensors, int partitions,
                                               uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<GeneratedReading> readings;
  const int64_t closing = std::min<int64_t>(count, std::min(sensors, partitions));
  int64_t now = kStartMs;
  for (int64_t i = 0; i < count - closing; ++i) {
    now += kStepMs;
    const int sensor = static_cast<int>(random() % sensors);
    int64_t ts = now;
    const uint64_t roll = random() % 100;
    if (roll == 0) {
      ts -= 75000 + static_cast<int64_t>(random() % 45000);  // late: past the grace
    } else if (roll <= 10) {
      ts -= static_cast<int64_t>(random() % 8000);  // out of order, inside the grace
    }
    const double value = 15.0 + static_cast<double>(random() % 200) / 10.0;
    readings.push_back({Reading{"s" + std::to_string(sensor), ts, value}, sensor % partitions});
  }
  // One reading per partition far enough ahead that every earlier window closes.
  for (int64_t p = 0; p < closing; ++p) {
    readings.push_back({Reading{"s" + std::to_string(p), now + 70000, 20.0},
                        static_cast<int32_t>(p % partitions)});
  }
  return readings;
}

WindowResults ExpectedFinalResults(const std::vector<GeneratedReading>& readings, int partitions,
                                   int64_t window_size_ms, int64_t grace_ms) {
  std::vector<int64_t> stream_time(partitions, -1);
  std::vector<WindowResults> open(partitions);
  WindowResults closed;
  for (const GeneratedReading& generated : readings) {
    const Reading& reading = generated.reading;
    const int32_t p = generated.partition;
    stream_time[p] = std::max(stream_time[p], reading.ts);
    const int64_t close_time = stream_time[p] - grace_ms;
    const int64_t start = reading.ts / window_size_ms * window_size_ms;
    if (start + window_size_ms > close_time) {
      auto& stats = open[p][{reading.sensor, start}];
      stats = stats.Add(reading.value);
    }
    for (auto it = open[p].begin(); it != open[p].end();) {
      if (it->first.second + window_size_ms <= close_time) {
        closed.insert(*it);
        it = open[p].erase(it);
      } else {
        ++it;
      }
    }
  }
  return closed;
}

}  // namespace brook::examples::sensors
