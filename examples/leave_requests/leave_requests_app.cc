// build/bin/leave-requests: validates paid-leave requests (examples/leave_requests/README.md).
//   leave-requests [--bootstrap-server HOST:PORT] [--processing-guarantee exactly_once_v2]
//                  [--state-dir DIR] [--application-id ID] [--threads N] [--describe]
// Without --bootstrap-server it runs Brook's embedded broker and logs its address.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <thread>

#include "common/logging.h"
#include "examples/leave_requests/example_flags.h"
#include "examples/leave_requests/leave_topology.h"
#include "framework/api/kafka_streams.h"

int main(int argc, char** argv) {
  using brook::streams::KafkaStreams;
  CLI::App app{"Validates paid-leave requests: leave-requests -> payroll-events, forecast-events, "
               "leave-requests-dlq"};
  std::string bootstrap;
  std::string guarantee = "exactly_once_v2";
  std::string state_dir = "/tmp/brook-streams";
  std::string application_id = "leave-requests";
  int threads = 1;
  bool describe = false;
  app.add_option("--bootstrap-server", bootstrap, "Kafka brokers (absent: the embedded broker)");
  app.add_option("--processing-guarantee", guarantee, "at_least_once or exactly_once_v2")
      ->check(CLI::IsMember({"at_least_once", "exactly_once_v2"}));
  app.add_option("--state-dir", state_dir, "state.dir (the embedded broker lives under it)");
  app.add_option("--application-id", application_id, "application.id");
  app.add_option("--threads", threads, "num.stream.threads")->check(CLI::PositiveNumber);
  app.add_flag("--describe", describe, "print the topology (Kafka Streams' describe()) and exit");
  CLI11_PARSE(app, argc, argv);
  brook::InitLoggingFromEnv();
  if (describe) {
    std::cout << brook::examples::leave::BuildTopology().describe().toString();
    return 0;
  }

  try {
    brook::streams::StreamsConfig config;
    config.set("application.id", application_id)
        .set("bootstrap.servers", bootstrap)
        .set("processing.guarantee", guarantee)
        .set("state.dir", state_dir)
        .set("num.stream.threads", std::to_string(threads));
    KafkaStreams streams(brook::examples::leave::BuildTopology(), config);
    brook::examples::leave::InstallStopHandlers();
    streams.start();
    std::cout << "leave-requests: running on " << streams.bootstrapServers() << " ("
              << guarantee << "); Ctrl-C stops" << std::endl;
    while (!brook::examples::leave::StopRequested() &&
           streams.state() != KafkaStreams::State::kError) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const bool failed = streams.state() == KafkaStreams::State::kError;
    streams.close();
    std::cout << "leave-requests: stopped" << (failed ? " after an error" : "") << std::endl;
    return failed ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "leave-requests: " << e.what() << std::endl;
    return 1;
  }
}
