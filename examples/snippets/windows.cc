// docs/guides/windows-and-time.md: event time from the value, one-minute tumbling windows with
// 10 s of grace, one final count per window (suppress), and a late record dropped and counted
// in dropped-records-total. Runs the topology through TopologyTestDriver and exits 1 naming
// what differed; runs as a unit test.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "framework/api/metrics.h"
#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"

using namespace brook::streams;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

// [snippet:dropped]
// The task metric dropped-records-total, summed over the driver's tasks (the same names as
// KafkaStreams::metrics() gives).
double DroppedRecords(const std::vector<Metric>& metrics) {
  double dropped = 0;
  for (const Metric& metric : metrics) {
    if (metric.name.group == kTaskMetricsGroup && metric.name.name == kDroppedRecordsTotal) {
      dropped += metric.value;
    }
  }
  return dropped;
}
// [snippet-end:dropped]

}  // namespace

int main() {
  StreamsBuilder builder;

  // [snippet:extractor]
  // Values are "<event time in ms>,<temperature>". The extractor's result is the record's
  // timestamp from here on; a negative one makes the record invalid (logged and skipped).
  TimestampExtractor<std::string, std::string> event_time =
      [](const Record<std::string, std::string>& record, int64_t partition_time) -> int64_t {
    const size_t comma = record.value().find(',');
    if (comma == std::string::npos) return partition_time;  // -1 before the partition's first
    return std::stoll(record.value().substr(0, comma));
  };
  KStream<std::string, std::string> readings = builder.stream(
      "readings",
      Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String(), event_time));
  // [snippet-end:extractor]

  // [snippet:tumbling]
  readings.groupByKey()
      .windowedBy(TimeWindows::ofSizeAndGrace(minutes(1), seconds(10)))
      .count(Materialized<std::string, int64_t, WindowBytesStore>::as("readings-per-minute"))
      .suppress(Suppressed::untilWindowCloses())
      .toStream()
      .map([](const Windowed<std::string>& sensor, int64_t count) {
        return KeyValue<std::string, std::string>{
            sensor.key(), std::to_string(sensor.window().start()) + ".." +
                              std::to_string(sensor.window().end()) + ": " + std::to_string(count)};
      })
      .to("readings-per-minute",
          Produced<std::string, std::string>::with(Serdes::String(), Serdes::String()));
  // [snippet-end:tumbling]

  TopologyTestDriver driver(builder.build());
  auto input = driver.createInputTopic("readings", Serdes::String(), Serdes::String());
  auto output = driver.createOutputTopic("readings-per-minute", Serdes::String(), Serdes::String());

  // [snippet:test]
  // The window [0, 60000) closes when stream time reaches 60000 + 10000.
  input.pipeInput("s1", "5000,20.5", 0);  // the Kafka timestamp (0) is not used
  input.pipeInput("s1", "30000,21.0", 0);
  input.pipeInput("s1", "65000,22.0", 0);  // stream time 65000
  input.pipeInput("s1", "55000,19.5", 0);  // out of order, within the grace: counted
  input.pipeInput("s1", "71000,23.0", 0);  // stream time 71000: [0, 60000) closes, 3 readings
  input.pipeInput("s1", "50000,18.0", 0);  // its window has closed: dropped and counted
  // output: ("s1", "0..60000: 3") only; DroppedRecords(driver.metrics()) == 1
  // [snippet-end:test]

  using KV = KeyValue<std::string, std::string>;
  const std::vector<KV> got = output.readKeyValuesToList();
  bool ok = true;
  if (got != std::vector<KV>{{"s1", "0..60000: 3"}}) {
    std::fprintf(stderr, "windows: readings-per-minute differs (%zu records)\n", got.size());
    ok = false;
  }
  if (DroppedRecords(driver.metrics()) != 1) {
    std::fprintf(stderr, "windows: dropped-records-total is %.0f, not 1\n",
                 DroppedRecords(driver.metrics()));
    ok = false;
  }
  if (!ok) return 1;
  std::printf("windows: one final count per window, one late record dropped\n");
  return 0;
}
