// docs/guides/exactly-once.md: turning exactly-once on, and the defaults it changes. Checks
// what the guide says about the configuration and exits 1 naming what differed; runs as a unit
// test. What a transaction does needs a broker: tests/examples/sensor_windows_e2e_test.cc kills
// an exactly-once app and checks its read_committed output.
#include <cstdio>
#include <string>

#include "framework/api/errors.h"
#include "framework/api/streams_config.h"

using namespace brook::streams;

int main() {
  bool ok = true;
  // [snippet:config]
  StreamsConfig config;
  config.set("application.id", "payments").set("processing.guarantee", "exactly_once_v2");
  // commit.interval.ms now defaults to 100 ms instead of 30000; set it to trade latency
  // (read_committed consumers see output only once it commits) against commit overhead.
  // [snippet-end:config]
  if (config.processingGuarantee() != ProcessingGuarantee::kExactlyOnceV2 ||
      config.get("commit.interval.ms") != "100") {
    std::fprintf(stderr, "exactly_once: exactly_once_v2 should commit every 100 ms\n");
    ok = false;
  }
  if (StreamsConfig().get("commit.interval.ms") != "30000") {
    std::fprintf(stderr, "exactly_once: at_least_once should commit every 30000 ms\n");
    ok = false;
  }
  if (StreamsConfig(config).set("commit.interval.ms", "1000").commitIntervalMs() != 1000) {
    std::fprintf(stderr, "exactly_once: a commit.interval.ms that is set should win\n");
    ok = false;
  }
  // Kafka's names from before 3.0 are refused, naming exactly_once_v2.
  for (const char* old_name : {"exactly_once", "exactly_once_beta"}) {
    try {
      StreamsConfig().set("processing.guarantee", old_name);
      std::fprintf(stderr, "exactly_once: %s should be refused\n", old_name);
      ok = false;
    } catch (const ConfigException& error) {
      ok = std::string(error.what()).find("exactly_once_v2") != std::string::npos && ok;
    }
  }
  if (!ok) return 1;
  std::printf("exactly_once: defaults as expected\n");
  return 0;
}
