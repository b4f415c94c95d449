// build/bin/wordcount: counts words (examples/wordcount/README.md).
//   wordcount [--bootstrap-server HOST:PORT] [--input TOPIC] [--output TOPIC]
//             [--processing-guarantee G] [--state-dir DIR] [--application-id ID] [--describe]
// Without --bootstrap-server it runs Brook's embedded broker and logs its address (also in
// <state dir>/embedded-broker.address).
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "common/logging.h"
#include "examples/wordcount/wordcount_topology.h"
#include "framework/api/kafka_streams.h"

namespace {
std::atomic<bool> stop_requested{false};
void OnSignal(int) { stop_requested = true; }
}  // namespace

int main(int argc, char** argv) {
  using brook::streams::KafkaStreams;
  CLI::App app{"Counts the words of the lines on --input; writes word -> count to --output"};
  std::string bootstrap;
  std::string input = "streams-plaintext-input";
  std::string output = "streams-wordcount-output";
  std::string guarantee = "at_least_once";
  std::string state_dir = "/tmp/brook-wordcount";
  std::string application_id = "wordcount";
  bool describe = false;
  app.add_option("--bootstrap-server", bootstrap, "Kafka brokers (absent: the embedded broker)");
  app.add_option("--input", input, "topic of text lines")->capture_default_str();
  app.add_option("--output", output, "topic of word counts")->capture_default_str();
  app.add_option("--processing-guarantee", guarantee, "at_least_once or exactly_once_v2")
      ->check(CLI::IsMember({"at_least_once", "exactly_once_v2"}))
      ->capture_default_str();
  app.add_option("--state-dir", state_dir, "state.dir (stores; the embedded broker too)")
      ->capture_default_str();
  app.add_option("--application-id", application_id, "application.id")->capture_default_str();
  app.add_flag("--describe", describe, "print the topology (Kafka Streams' describe()) and exit");
  CLI11_PARSE(app, argc, argv);
  brook::InitLoggingFromEnv();
  if (describe) {
    std::cout << brook::examples::wordcount::BuildTopology(input, output).describe().toString();
    return 0;
  }
  try {
    brook::streams::StreamsConfig config;
    config.set("application.id", application_id)
        .set("bootstrap.servers", bootstrap)
        .set("processing.guarantee", guarantee)
        .set("state.dir", state_dir);
    KafkaStreams streams(brook::examples::wordcount::BuildTopology(input, output), config);
    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    streams.start();
    std::cout << "wordcount: " << input << " -> " << output << " on "
              << streams.bootstrapServers() << "; Ctrl-C stops" << std::endl;
    while (!stop_requested && streams.state() != KafkaStreams::State::kError) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const bool failed = streams.state() == KafkaStreams::State::kError;
    streams.close();
    std::cout << "wordcount: stopped" << (failed ? " after an error" : "") << std::endl;
    return failed ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "wordcount: " << e.what() << std::endl;
    return 1;
  }
}
