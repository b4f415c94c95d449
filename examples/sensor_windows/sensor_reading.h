#pragma once

#include <cstdint>
#include <string>

#include "framework/api/serde.h"

namespace brook::examples::sensors {

// One reading on sensor-readings: {"sensor":"s7","ts":<ms since the epoch>,"value":21.5},
// keyed by the sensor id.
struct Reading {
  std::string sensor;
  int64_t ts = 0;
  double value = 0;
};

// The aggregate of one sensor's readings in one window.
struct WindowStats {
  int64_t count = 0;
  double min = 0;
  double max = 0;
  double sum = 0;

  // Adds one reading's value.
  WindowStats Add(double value) const;
  double avg() const { return count == 0 ? 0 : sum / count; }
};

// JSON serdes. Reading bytes that are not such an object (or lack a field) throw
// SerializationException, so the deserialization exception handler decides.
streams::SerdePtr<Reading> ReadingSerde();
streams::SerdePtr<WindowStats> StatsSerde();

std::string ReadingJson(const Reading& reading);
// The value on sensor-stats:
// {"sensor":..,"window_start":..,"window_end":..,"count":..,"min":..,"max":..,"avg":..}.
std::string StatsJson(const std::string& sensor, int64_t window_start, int64_t window_end,
                      const WindowStats& stats);

}  // namespace brook::examples::sensors
