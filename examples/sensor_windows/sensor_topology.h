#pragma once

#include <chrono>
#include <string>

#include "framework/api/topology.h"

namespace brook::examples::sensors {

inline constexpr std::chrono::milliseconds kWindowSize = std::chrono::minutes(1);
inline constexpr std::chrono::milliseconds kGrace = std::chrono::seconds(10);

// The IoT case (examples/sensor_windows/README.md): readings on `input`, keyed by sensor id,
// with event time = the reading's "ts"; per sensor, tumbling 1-minute windows with 10 s grace,
// each window's count/min/max/sum in the window store "sensor-window-stats"; only each window's
// final result (suppress until the window closes) goes to `output`, key = sensor id, value =
// StatsJson.
streams::Topology BuildTopology(const std::string& input = "sensor-readings",
                                const std::string& output = "sensor-stats");

}  // namespace brook::examples::sensors
