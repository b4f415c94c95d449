#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "examples/sensor_windows/reading_generator.h"
#include "examples/sensor_windows/sensor_reading.h"
#include "examples/sensor_windows/sensor_topology.h"
#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"

namespace brook::examples::sensors {
namespace {

using streams::Serdes;

streams::StreamsConfig Config() {
  streams::StreamsConfig config;
  config.set("application.id", "sensor-windows-test");
  return config;
}

TEST(SensorWindowsTest, OneFinalResultPerWindowEqualToTheDirectComputation) {
  // 4,000 generated readings (out-of-order and late ones among them) on one partition, as the
  // driver has; the expected results come from ExpectedFinalResults, which does not use Brook.
  const auto readings = GenerateReadings(4000, 5, 1, 42);
  const WindowResults expected =
      ExpectedFinalResults(readings, 1, kWindowSize.count(), kGrace.count());
  ASSERT_GT(expected.size(), 20u);

  streams::TopologyTestDriver driver(BuildTopology("sensor-readings", "sensor-stats"), Config());
  auto in = driver.createInputTopic("sensor-readings", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("sensor-stats", Serdes::String(), Serdes::String());
  for (const auto& generated : readings) {
    in.pipeInput(generated.reading.sensor, ReadingJson(generated.reading), generated.reading.ts);
  }
  WindowResults seen;
  for (const auto& kv : out.readKeyValuesToList()) {
    auto json = nlohmann::json::parse(kv.value);
    EXPECT_EQ(json["sensor"], kv.key);
    EXPECT_EQ(json["window_end"].get<int64_t>() - json["window_start"].get<int64_t>(),
              kWindowSize.count());
    const auto key = std::make_pair(kv.key, json["window_start"].get<int64_t>());
    const WindowStats stats{json["count"].get<int64_t>(), json["min"].get<double>(),
                            json["max"].get<double>(),
                            json["avg"].get<double>() * json["count"].get<int64_t>()};
    EXPECT_TRUE(seen.emplace(key, stats).second) << "two results for " << kv.key << "@" << key.second;
    auto it = expected.find(key);
    ASSERT_NE(it, expected.end()) << kv.key << "@" << key.second << " should not have closed";
    EXPECT_EQ(stats.count, it->second.count);
    EXPECT_EQ(stats.min, it->second.min);
    EXPECT_EQ(stats.max, it->second.max);
    EXPECT_NEAR(json["avg"].get<double>(), it->second.avg(), 1e-9);
  }
  EXPECT_EQ(seen.size(), expected.size());
}

TEST(SensorWindowsTest, AnUnreadableReadingIsSkippedByTheContinueHandler) {
  streams::StreamsConfig config = Config();
  config.set("deserialization.exception.handler", "log_and_continue");
  streams::TopologyTestDriver driver(BuildTopology("sensor-readings", "sensor-stats"), config);
  auto in = driver.createInputTopic("sensor-readings", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("sensor-stats", Serdes::String(), Serdes::String());
  in.pipeInput("s1", R"({"sensor":"s1","ts":1000,"value":20})", 1000);
  in.pipeInput("s1", "not json", 2000);
  in.pipeInput("s1", R"({"sensor":"s1","ts":1500})", 2000);  // no value
  in.pipeInput("s1", R"({"sensor":"s1","ts":80000,"value":30})", 80000);  // closes window 0
  auto kv = out.readKeyValue();
  auto json = nlohmann::json::parse(kv.value);
  EXPECT_EQ(json["count"], 1);
  EXPECT_EQ(json["avg"], 20.0);
  EXPECT_TRUE(out.isEmpty());
}

}  // namespace
}  // namespace brook::examples::sensors
