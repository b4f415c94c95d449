#include "examples/sensor_windows/sensor_topology.h"

#include "examples/sensor_windows/sensor_reading.h"
#include "framework/api/serdes.h"
#include "operators/dsl/streams_builder.h"

namespace brook::examples::sensors {

using streams::Consumed;
using streams::KeyValue;
using streams::Materialized;
using streams::Produced;
using streams::Serdes;
using streams::Suppressed;
using streams::TimeWindows;
using streams::Windowed;
using streams::WindowBytesStore;

streams::Topology BuildTopology(const std::string& input, const std::string& output) {
  streams::StreamsBuilder builder;
  // [snippet:windowed-aggregate]
  builder
      .stream(input, Consumed<std::string, Reading>::with(
                         Serdes::String(), ReadingSerde(),
                         [](const streams::Record<std::string, Reading>& record, int64_t) {
                           return record.value().ts;
                         }))
      .groupByKey()
      .windowedBy(TimeWindows::ofSizeAndGrace(kWindowSize, kGrace))
      .aggregate<WindowStats>(
          [] { return WindowStats{}; },
          [](const std::string&, const Reading& reading, const WindowStats& stats) {
            return stats.Add(reading.value);
          },
          Materialized<std::string, WindowStats, WindowBytesStore>::as("sensor-window-stats")
              .withValueSerde(StatsSerde()))
      .suppress(Suppressed::untilWindowCloses())
      .toStream()
      .map([](const Windowed<std::string>& window, const WindowStats& stats) {
        return KeyValue<std::string, std::string>{
            window.key(),
            StatsJson(window.key(), window.window().start(), window.window().end(), stats)};
      })
      .to(output, Produced<std::string, std::string>::with(Serdes::String(), Serdes::String()));
  // [snippet-end:windowed-aggregate]
  return builder.build();
}

}  // namespace brook::examples::sensors
