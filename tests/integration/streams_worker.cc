// streams_worker: a DSL application run as a child process by streams_e2e_test, which starts
// several of them, SIGTERMs and SIGKILLs them.
//
//   streams_worker --bootstrap HOST:PORT --application-id ID --state-dir DIR
//                  --input TOPIC --output TOPIC
//                  [--guarantee at_least_once|exactly_once_v2] [--threads N]
//                  [--instance-id ID] [--values string|int64]
//                  [--deserialization-handler log_and_fail|log_and_continue]
//                  [--dead-letter-topic TOPIC]
//
// The program, with String keys:
//
//   --values string (default):  stream(input) -> filter(value does not start with "skip")
//                               -> mapValues(value + ":done") -> to(output)
//   --values int64:             the values are read with Int64; negative ones are dropped and
//                               the others written as the string "<n>:done"
//
// --instance-id sets consumer.group.instance.id (static membership: a restart takes its
// threads' places in the group at once). Every client times out quickly (session.timeout.ms
// 6000, the broker's minimum; heartbeats every 200 ms; commit.interval.ms 100).
//
// It prints "streams_worker: state <OLD> -> <NEW>" at every state change.
// Exit status: 0 after SIGTERM or SIGINT (KafkaStreams closed cleanly: tasks committed, group
// left), 1 when the client went to ERROR (a stream thread died: log_and_fail met a poison
// record, ...), 2 on bad usage or a failed start.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>
#include <thread>

#include "framework/api/kafka_streams.h"
#include "framework/api/serdes.h"
#include "operators/dsl/streams_builder.h"

namespace {

using brook::streams::Consumed;
using brook::streams::KafkaStreams;
using brook::streams::Produced;
using brook::streams::Serdes;
using brook::streams::StreamsBuilder;
using brook::streams::StreamsConfig;

volatile std::sig_atomic_t stop_requested = 0;

struct Options {
  std::string bootstrap;
  std::string application_id;
  std::string state_dir;
  std::string input;
  std::string output;
  std::string guarantee = "at_least_once";
  std::string threads = "1";
  std::string instance_id;
  std::string values = "string";
  std::string deserialization_handler = "log_and_fail";
  std::string dead_letter_topic;
};

bool ParseOptions(int argc, char** argv, Options* options) {
  std::map<std::string, std::string*> flags = {
      {"--bootstrap", &options->bootstrap},
      {"--application-id", &options->application_id},
      {"--state-dir", &options->state_dir},
      {"--input", &options->input},
      {"--output", &options->output},
      {"--guarantee", &options->guarantee},
      {"--threads", &options->threads},
      {"--instance-id", &options->instance_id},
      {"--values", &options->values},
      {"--deserialization-handler", &options->deserialization_handler},
      {"--dead-letter-topic", &options->dead_letter_topic}};
  for (int i = 1; i + 1 < argc; i += 2) {
    auto flag = flags.find(argv[i]);
    if (flag == flags.end()) return false;
    *flag->second = argv[i + 1];
  }
  return argc % 2 == 1 && !options->bootstrap.empty() && !options->application_id.empty() &&
         !options->state_dir.empty() && !options->input.empty() && !options->output.empty() &&
         (options->values == "string" || options->values == "int64");
}

brook::streams::Topology BuildTopology(const Options& options) {
  StreamsBuilder builder;
  if (options.values == "string") {
    builder
        .stream(options.input,
                Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()))
        .filter([](const std::string&, const std::string& value) {
          return value.rfind("skip", 0) != 0;
        })
        .mapValues([](const std::string& value) { return value + ":done"; })
        .to(options.output,
            Produced<std::string, std::string>::with(Serdes::String(), Serdes::String()));
  } else {
    builder
        .stream(options.input,
                Consumed<std::string, int64_t>::with(Serdes::String(), Serdes::Int64()))
        .filter([](const std::string&, int64_t value) { return value >= 0; })
        .mapValues([](int64_t value) { return std::to_string(value) + ":done"; })
        .to(options.output,
            Produced<std::string, std::string>::with(Serdes::String(), Serdes::String()));
  }
  return builder.build();
}

StreamsConfig MakeConfig(const Options& options) {
  StreamsConfig config;
  config.set(StreamsConfig::kApplicationId, options.application_id)
      .set(StreamsConfig::kBootstrapServers, options.bootstrap)
      .set(StreamsConfig::kStateDir, options.state_dir)
      .set(StreamsConfig::kProcessingGuarantee, options.guarantee)
      .set(StreamsConfig::kNumStreamThreads, options.threads)
      .set(StreamsConfig::kCommitIntervalMs, "100")
      .set(StreamsConfig::kDeserializationExceptionHandler, options.deserialization_handler)
      .set("consumer.session.timeout.ms", "6000")
      .set("consumer.heartbeat.interval.ms", "200")
      .set("consumer.topic.metadata.refresh.interval.ms", "500")
      .set("producer.linger.ms", "1");
  if (!options.instance_id.empty()) config.set("consumer.group.instance.id", options.instance_id);
  if (!options.dead_letter_topic.empty()) {
    config.set(StreamsConfig::kDeadLetterQueueTopic, options.dead_letter_topic);
  }
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, &options)) {
    std::fputs(
        "usage: streams_worker --bootstrap HOST:PORT --application-id ID --state-dir DIR\n"
        "         --input TOPIC --output TOPIC [--guarantee at_least_once|exactly_once_v2]\n"
        "         [--threads N] [--instance-id ID] [--values string|int64]\n"
        "         [--deserialization-handler log_and_fail|log_and_continue]\n"
        "         [--dead-letter-topic TOPIC]\n",
        stderr);
    return 2;
  }
  std::signal(SIGTERM, [](int) { stop_requested = 1; });
  std::signal(SIGINT, [](int) { stop_requested = 1; });

  try {
    KafkaStreams streams(BuildTopology(options), MakeConfig(options));
    streams.setStateListener([](KafkaStreams::State now, KafkaStreams::State before) {
      std::printf("streams_worker: state %s -> %s\n",
                  std::string(KafkaStreams::stateName(before)).c_str(),
                  std::string(KafkaStreams::stateName(now)).c_str());
      std::fflush(stdout);
    });
    streams.start();
    while (!stop_requested && streams.state() != KafkaStreams::State::kError) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const bool failed = streams.state() == KafkaStreams::State::kError;
    if (!streams.close(std::chrono::seconds(60))) {
      std::fputs("streams_worker: close timed out\n", stderr);
      return 1;
    }
    if (failed) {
      std::fputs("streams_worker: the client is in ERROR\n", stderr);
      return 1;
    }
    std::puts("streams_worker: closed");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "streams_worker: %s\n", e.what());
    return 2;
  }
}
