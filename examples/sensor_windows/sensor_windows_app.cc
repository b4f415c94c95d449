// build/bin/sensor-windows: per-sensor 1-minute window statistics (examples/sensor_windows/README.md).
//   sensor-windows [--bootstrap-server HOST:PORT] [--generate N] [--sensors S] [--seed X]
//                  [--processing-guarantee G] [--state-dir DIR] [--application-id ID]
//                  [--input TOPIC] [--output TOPIC] [--config KEY=VALUE]... [--describe]
// Without --bootstrap-server it runs Brook's embedded broker (data under <state dir>/broker,
// address in <state dir>/embedded-broker.address). With --generate N it also writes N readings
// to sensor-readings (some out of order, some late), prints each closed window as a row of a
// live table as it arrives on sensor-stats, and stops once every window the readings close has
// arrived, checking each against the result computed directly from the readings.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "broker/app/embedded_broker.h"
#include "common/logging.h"
#include "examples/sensor_windows/reading_generator.h"
#include "examples/sensor_windows/sensor_reading.h"
#include "examples/sensor_windows/sensor_topology.h"
#include "framework/api/kafka_streams.h"
#include "framework/client/admin.h"
#include "framework/client/consumer.h"
#include "framework/client/producer.h"

namespace {

using brook::examples::sensors::WindowResults;
using brook::streams::KafkaStreams;

std::atomic<bool> stop_requested{false};
void OnSignal(int) { stop_requested = true; }

constexpr int kPartitions = 4;
std::string input_topic = "sensor-readings";
std::string output_topic = "sensor-stats";

std::string Clock(int64_t ms) {
  const int64_t seconds = ms / 1000;
  char text[32];
  std::snprintf(text, sizeof(text), "%02lld:%02lld", static_cast<long long>(seconds / 3600 % 24),
                static_cast<long long>(seconds / 60 % 60));
  return text;
}

// Writes the readings; returns false (after printing why) on failure.
bool Produce(const std::string& bootstrap,
             const std::vector<brook::examples::sensors::GeneratedReading>& readings) {
  auto producer = brook::framework::client::Producer::Create(
      {{"bootstrap.servers", bootstrap}, {"enable.idempotence", "true"}, {"linger.ms", "5"}});
  if (!producer.ok()) {
    std::cerr << "sensor-windows: " << producer.status().ToString() << std::endl;
    return false;
  }
  for (const auto& generated : readings) {
    const std::string value = brook::examples::sensors::ReadingJson(generated.reading);
    brook::streams::detail::OutgoingRecord record;
    record.topic = input_topic;
    record.partition = generated.partition;
    record.key = generated.reading.sensor;
    record.value = value;
    record.timestamp = generated.reading.ts;
    if (auto status = (*producer)->Send(record); !status.ok()) {
      std::cerr << "sensor-windows: " << status.ToString() << std::endl;
      return false;
    }
  }
  if (auto status = (*producer)->Flush(std::chrono::seconds(60)); !status.ok()) {
    std::cerr << "sensor-windows: " << status.ToString() << std::endl;
    return false;
  }
  for (const auto& error : (*producer)->TakeDeliveryErrors()) {
    std::cerr << "sensor-windows: " << error.status.ToString() << std::endl;
    return false;
  }
  return true;
}

// Prints sensor-stats as a table until every expected window arrived; returns the number of
// rows that differ from `expected` (or -1 on a client error or a timeout).
int64_t PrintWindows(const std::string& bootstrap, const std::string& isolation,
                     const WindowResults& expected, std::chrono::seconds timeout) {
  auto consumer = brook::framework::client::Consumer::Create(
      {{"bootstrap.servers", bootstrap},
       {"group.id", "sensor-windows-printer-" + std::to_string(::getpid())},
       {"auto.offset.reset", "earliest"},
       {"isolation.level", isolation}},
      nullptr);
  if (!consumer.ok() || !(*consumer)->Subscribe({output_topic}).ok()) {
    std::cerr << "sensor-windows: cannot read " << output_topic << std::endl;
    return -1;
  }
  std::printf("%-7s %-13s %6s %7s %7s %8s\n", "sensor", "window (UTC)", "count", "min", "max",
              "avg");
  WindowResults seen;
  int64_t wrong = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (seen.size() < expected.size() && !stop_requested) {
    if (std::chrono::steady_clock::now() > deadline) {
      std::cerr << "sensor-windows: only " << seen.size() << " of " << expected.size()
                << " windows arrived in " << timeout.count() << " s" << std::endl;
      return -1;
    }
    auto records = (*consumer)->Poll(std::chrono::milliseconds(200), 500);
    if (!records.ok()) continue;
    for (const auto& record : *records) {
      auto json = nlohmann::json::parse(record.value.value_or(""), nullptr, false);
      if (json.is_discarded()) {
        ++wrong;
        continue;
      }
      const std::string sensor = json.value("sensor", "");
      const int64_t start = json.value("window_start", int64_t{-1});
      brook::examples::sensors::WindowStats stats{json.value("count", int64_t{0}),
                                                  json.value("min", 0.0), json.value("max", 0.0),
                                                  0};
      const double avg = json.value("avg", 0.0);
      std::printf("%-7s %s-%s  %6lld %7.1f %7.1f %8.3f\n", sensor.c_str(), Clock(start).c_str(),
                  Clock(json.value("window_end", int64_t{0})).c_str(),
                  static_cast<long long>(stats.count), stats.min, stats.max, avg);
      auto it = expected.find({sensor, start});
      const bool duplicate = !seen.emplace(std::make_pair(sensor, start), stats).second;
      if (duplicate || it == expected.end() || it->second.count != stats.count ||
          it->second.min != stats.min || it->second.max != stats.max ||
          std::abs(it->second.avg() - avg) > 1e-9) {
        ++wrong;
        std::printf("  ^ %s: %s (key %s)\n",
                    duplicate ? "a second result for this window"
                              : "differs from the direct computation",
                    std::string(record.value.value_or("")).c_str(),
                    nlohmann::json(std::string(record.key.value_or(""))).dump().c_str());
      }
    }
  }
  std::fflush(stdout);
  (*consumer)->Close().IgnoreError();
  return wrong;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Per-sensor 1-minute window statistics: sensor-readings -> sensor-stats"};
  std::string bootstrap;
  std::string guarantee = "exactly_once_v2";
  std::string state_dir = "/tmp/brook-sensor-windows";
  std::string application_id = "sensor-windows";
  int64_t generate = 0;
  int sensors = 8;
  uint64_t seed = 7;
  bool describe = false;
  std::vector<std::string> overrides;
  app.add_option("--bootstrap-server", bootstrap, "Kafka brokers (absent: the embedded broker)");
  app.add_option("--generate", generate, "also write N readings and show the closed windows")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--sensors", sensors, "sensors the generated readings come from")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--seed", seed, "seed of the generated readings")->capture_default_str();
  app.add_option("--processing-guarantee", guarantee, "at_least_once or exactly_once_v2")
      ->check(CLI::IsMember({"at_least_once", "exactly_once_v2"}))
      ->capture_default_str();
  app.add_option("--state-dir", state_dir, "state.dir (stores; the embedded broker's data)")
      ->capture_default_str();
  app.add_option("--application-id", application_id, "application.id")->capture_default_str();
  app.add_option("--input", input_topic, "topic of readings")->capture_default_str();
  app.add_option("--output", output_topic, "topic of window results")->capture_default_str();
  app.add_option("--config", overrides,
                 "a StreamsConfig setting KEY=VALUE (repeatable; e.g. commit.interval.ms=500)");
  app.add_flag("--describe", describe, "print the topology (Kafka Streams' describe()) and exit");
  CLI11_PARSE(app, argc, argv);
  brook::InitLoggingFromEnv();
  if (describe) {
    std::cout << brook::examples::sensors::BuildTopology(input_topic, output_topic).describe().toString();
    return 0;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  try {
    // The embedded broker is the example's own, so sensor-readings gets kPartitions partitions.
    std::unique_ptr<brook::broker::app::EmbeddedBroker> broker;
    if (bootstrap.empty()) {
      const std::filesystem::path dir = std::filesystem::path(state_dir) / "broker";
      std::filesystem::create_directories(dir);
      auto started = brook::broker::app::EmbeddedBroker::Start(
          dir.string(), {{"num.partitions", std::to_string(kPartitions)}});
      if (!started.ok()) {
        std::cerr << "sensor-windows: " << started.status().ToString() << std::endl;
        return 1;
      }
      broker = std::move(*started);
      bootstrap = broker->bootstrap();
      std::ofstream(std::filesystem::path(state_dir) / "embedded-broker.address") << bootstrap;
      std::cout << "sensor-windows: embedded broker at " << bootstrap << " (data in "
                << dir.string() << ")" << std::endl;
    }
    {
      auto admin = brook::framework::client::Admin::Create({{"bootstrap.servers", bootstrap}});
      if (!admin.ok()) throw std::runtime_error(admin.status().ToString());
      auto counts =
          (*admin)->PartitionCounts({input_topic, output_topic}, std::chrono::seconds(10));
      std::vector<brook::framework::client::NewTopic> missing;
      for (const std::string& topic : {input_topic, output_topic}) {
        if (!counts.ok() || counts->count(topic) == 0) missing.push_back({topic, kPartitions});
      }
      if (!missing.empty()) {
        auto status = (*admin)->CreateTopics(missing, std::chrono::seconds(10));
        if (!status.ok()) throw std::runtime_error(status.ToString());
      }
    }

    brook::streams::StreamsConfig config;
    config.set("application.id", application_id)
        .set("bootstrap.servers", bootstrap)
        .set("processing.guarantee", guarantee)
        .set("state.dir", state_dir);
    for (const std::string& setting : overrides) {
      const size_t equals = setting.find('=');
      if (equals == std::string::npos) {
        std::cerr << "sensor-windows: --config wants KEY=VALUE, got " << setting << std::endl;
        return 2;
      }
      config.set(setting.substr(0, equals), setting.substr(equals + 1));
    }
    KafkaStreams streams(brook::examples::sensors::BuildTopology(input_topic, output_topic), config);
    streams.start();
    std::cout << "sensor-windows: " << input_topic << " -> " << output_topic << " (" << guarantee
              << ", 1-minute windows, 10 s grace)" << std::endl;

    int exit_code = 0;
    if (generate > 0) {
      auto readings =
          brook::examples::sensors::GenerateReadings(generate, sensors, kPartitions, seed);
      WindowResults expected = brook::examples::sensors::ExpectedFinalResults(
          readings, kPartitions, brook::examples::sensors::kWindowSize.count(),
          brook::examples::sensors::kGrace.count());
      std::cout << "sensor-windows: writing " << readings.size() << " readings of " << sensors
                << " sensors; " << expected.size() << " windows will close" << std::endl;
      if (!Produce(bootstrap, readings)) {
        exit_code = 1;
      } else {
        const int64_t wrong = PrintWindows(
            bootstrap, guarantee == "exactly_once_v2" ? "read_committed" : "read_uncommitted",
            expected, std::chrono::seconds(180));
        if (wrong == 0) {
          std::cout << "sensor-windows: " << expected.size()
                    << " windows closed, each exactly once and equal to the direct computation"
                    << std::endl;
        } else {
          std::cout << "sensor-windows: " << (wrong < 0 ? "stopped early" : "mismatches: ")
                    << (wrong < 0 ? "" : std::to_string(wrong)) << std::endl;
          exit_code = 1;
        }
      }
    } else {
      std::cout << "sensor-windows: Ctrl-C stops" << std::endl;
      while (!stop_requested && streams.state() != KafkaStreams::State::kError) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    const bool failed = streams.state() == KafkaStreams::State::kError;
    streams.close();
    if (broker) broker->Stop();
    std::cout << "sensor-windows: stopped" << (failed ? " after an error" : "") << std::endl;
    return failed ? 1 : exit_code;
  } catch (const std::exception& e) {
    std::cerr << "sensor-windows: " << e.what() << std::endl;
    return 1;
  }
}
