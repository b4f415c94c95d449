// streams_bench_app: one side of streams_bench's stateless comparison, in a process of its own so
// that its peak RSS (VmHWM) is its own. streams_bench starts it once per run.
//
//   streams_bench_app --side brook|raw --bootstrap HOST:PORT --input TOPIC --output TOPIC
//                     --group ID --guarantee at_least_once|exactly_once_v2 --records N
//                     --partitions 8 --commit-interval-ms 100 --state-dir DIR --result FILE
//                     [--spin-ns N] [--brook-config key=value]...
//
// Both sides read the --records records of --input (bench/stateless_work.h), drop every tenth,
// reverse the value of the others and write them with their key to --output, committing every
// --commit-interval-ms (exactly_once_v2: in a transaction with the offsets; at_least_once: offsets
// after a flush):
//   brook  a KafkaStreams app, source -> filter -> mapValues -> to, String serdes, one stream
//          thread, every setting at its default except application.id, bootstrap.servers,
//          processing.guarantee, state.dir and (at_least_once) commit.interval.ms. Timed from the
//          filter's first record to the return of close(), which commits what is left.
//   raw    bench/ctp_loop.h's consume-transform-produce loop, with the same transform. Timed from
//          the first record read to the return of the last commit.
// The result file gets one "key=value" per line (seconds, CPU, VmHWM, ...). Exit status 1 on a
// failure, with the reason on stderr.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench/bench_util.h"
#include "bench/broker_process.h"
#include "bench/cpu_usage.h"
#include "bench/ctp_loop.h"
#include "bench/stateless_work.h"
#include "common/logging.h"
#include "framework/api/kafka_streams.h"
#include "framework/api/serdes.h"
#include "framework/api/streams_config.h"
#include "operators/dsl/streams_builder.h"

namespace brook::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kRunTimeoutS = 600;

struct Options {
  std::string side;
  std::string bootstrap;
  std::string input;
  std::string output;
  std::string group;
  std::string guarantee = "at_least_once";
  uint64_t records = 0;
  int partitions = 8;
  int commit_interval_ms = 100;
  std::string state_dir;
  std::string result;
  std::vector<std::string> brook_config;  // Extra StreamsConfig entries, "key=value".
  // Extra work per record (a busy wait), to make the consumer's prefetch queue fill up.
  int64_t spin_ns = 0;
};

// Busy-waits `ns` nanoseconds.
void Spin(int64_t ns) {
  if (ns <= 0) return;
  const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(ns);
  while (std::chrono::steady_clock::now() < until) {
  }
}

using Result_ = std::map<std::string, std::string>;

// The progress of the Brook app, written by its stream thread (in the filter) and read by main.
struct Progress {
  std::atomic<uint64_t> seen{0};
  std::atomic<bool> done{false};
  Clock::time_point first;  // Written before `seen` becomes 1; read after seen > 0.
  Clock::time_point last;   // Written before `done`; read after it.
};

double SecondsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

Status RunBrook(const Options& options, Result_& result) {
  using namespace brook::streams;
  static Progress progress;  // Outlives the app and its threads.
  const uint64_t records = options.records;
  StreamsBuilder builder;
  builder
      .stream(options.input,
              Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()))
      .filter([records, spin_ns = options.spin_ns](const std::string&, const std::string& value) {
        Spin(spin_ns);
        const uint64_t n = progress.seen.load(std::memory_order_relaxed) + 1;
        if (n == 1) progress.first = Clock::now();
        progress.seen.store(n, std::memory_order_release);
        if (n == records) {
          progress.last = Clock::now();
          progress.done.store(true, std::memory_order_release);
        }
        return StatelessKeep(value);
      })
      .mapValues([](const std::string& value) {
        std::string out;
        StatelessTransform(value, out);
        return out;
      })
      .to(options.output,
          Produced<std::string, std::string>::with(Serdes::String(), Serdes::String()));

  StreamsConfig config;
  config.set(StreamsConfig::kApplicationId, options.group);
  config.set(StreamsConfig::kBootstrapServers, options.bootstrap);
  config.set(StreamsConfig::kProcessingGuarantee, options.guarantee);
  config.set(StreamsConfig::kStateDir, options.state_dir);
  if (options.guarantee == "at_least_once") {
    // Kafka Streams' default is 30 s; the raw loop commits at the same interval.
    config.set(StreamsConfig::kCommitIntervalMs, std::to_string(options.commit_interval_ms));
  }
  for (const std::string& entry : options.brook_config) {
    const size_t equals = entry.find('=');
    if (equals == std::string::npos) return Status::InvalidArgument("--brook-config " + entry);
    config.set(entry.substr(0, equals), entry.substr(equals + 1));
  }
  result["commit_interval_ms"] = config.get(StreamsConfig::kCommitIntervalMs);

  KafkaStreams streams(builder.build(), config);
  streams.start();
  Stopwatch waiting;
  bool started = false;
  // Stretches of 10 ms or more in which the app processed nothing (waiting for input).
  uint64_t seen_before = 0;
  Clock::time_point last_progress = Clock::now();
  double stalled_seconds = 0;
  double longest_stall_ms = 0;
  std::map<std::string, double> threads_at_start;
  double cpu_at_start = 0;
  while (!progress.done.load(std::memory_order_acquire)) {
    const uint64_t seen_now = progress.seen.load(std::memory_order_relaxed);
    const Clock::time_point now = Clock::now();
    if (seen_now != seen_before) {
      const double stall = SecondsBetween(last_progress, now);
      if (seen_before > 0 && stall >= 0.010) {
        stalled_seconds += stall;
        longest_stall_ms = std::max(longest_stall_ms, stall * 1000);
      }
      seen_before = seen_now;
      last_progress = now;
    }
    if (!started && progress.seen.load(std::memory_order_acquire) > 0) {
      started = true;
      threads_at_start = ThreadCpuSeconds();
      cpu_at_start = ProcessCpuSeconds(getpid());
    }
    const auto state = streams.state();
    if (state == KafkaStreams::State::kError || state == KafkaStreams::State::kNotRunning) {
      return Status::Internal(fmt::format("the app stopped in state {} after {} records",
                                          KafkaStreams::stateName(state),
                                          progress.seen.load()));
    }
    if (waiting.Seconds() > kRunTimeoutS) {
      return Status::TimedOut(fmt::format("{} of {} records after {} s", progress.seen.load(),
                                          records, kRunTimeoutS));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const Clock::time_point processed = progress.last;
  auto memory = ReadProcessMemory(getpid());
  if (memory.ok()) result["rss_processed_kib"] = std::to_string(memory->rss / 1024);
  const std::string threads = DescribeThreadCpu(threads_at_start, ThreadCpuSeconds(), 4);
  const double cpu = ProcessCpuSeconds(getpid()) - cpu_at_start;
  if (!streams.close(std::chrono::seconds(60))) return Status::TimedOut("close() took over 60 s");
  const Clock::time_point closed = Clock::now();
  result["records"] = std::to_string(progress.seen.load());
  result["seconds"] = fmt::format("{:.6f}", SecondsBetween(progress.first, closed));
  result["seconds_to_last_record"] = fmt::format("{:.6f}", SecondsBetween(progress.first, processed));
  result["close_ms"] = fmt::format("{:.1f}", SecondsBetween(processed, closed) * 1000);
  result["cpu_seconds"] = fmt::format("{:.2f}", cpu);
  result["threads"] = threads;
  result["stalled_ms"] = fmt::format("{:.0f}", stalled_seconds * 1000);
  result["longest_stall_ms"] = fmt::format("{:.0f}", longest_stall_ms);
  return Status::Ok();
}

Status RunRaw(const Options& options, Result_& result) {
  const bool exactly_once = options.guarantee == "exactly_once_v2";
  CtpConfig config;
  config.input_topic = options.input;
  config.output_topic = options.output;
  config.partitions = options.partitions;
  config.input_records = options.records;
  config.group_id = options.group;
  config.transactional_id = exactly_once ? options.group : "";
  config.commit_interval_ms = options.commit_interval_ms;
  config.transform = [spin_ns = options.spin_ns](std::string_view, std::string_view value,
                                                 std::string& out) {
    Spin(spin_ns);
    if (!StatelessKeep(value)) return false;
    StatelessTransform(value, out);
    return true;
  };
  config.output_records = StatelessKept(options.records);
  // Brook's at_least_once producer has librdkafka's default, enable.idempotence=false.
  if (!exactly_once) config.producer_overrides = {{"enable.idempotence", "false"}};
  const double cpu_before = ProcessCpuSeconds(getpid());
  CtpRun run;
  BROOK_ASSIGN_OR_RETURN(run, RunConsumeTransformProduce(options.bootstrap, config));
  result["records"] = std::to_string(run.records);
  result["seconds"] = fmt::format("{:.6f}", run.seconds);
  result["seconds_to_last_record"] = fmt::format("{:.6f}", run.seconds_to_last_record);
  result["commits"] = std::to_string(run.commits);
  result["commit_ms"] = fmt::format("{:.1f}", run.commit_seconds * 1000 / std::max<uint64_t>(1, run.commits));
  result["idle_percent"] = fmt::format("{:.0f}", 100 * run.idle_seconds / run.seconds);
  // Includes the join and the output check, unlike Brook's.
  result["cpu_seconds"] = fmt::format("{:.2f}", ProcessCpuSeconds(getpid()) - cpu_before);
  result["threads"] = run.busiest_threads;
  result["commit_interval_ms"] = std::to_string(options.commit_interval_ms);
  return Status::Ok();
}

}  // namespace
}  // namespace brook::bench

int main(int argc, char** argv) {
  using namespace brook::bench;
  Options options;
  CLI::App app{"streams_bench_app: one side of streams_bench's stateless comparison"};
  app.add_option("--side", options.side)->required()->check(CLI::IsMember({"brook", "raw"}));
  app.add_option("--bootstrap", options.bootstrap)->required();
  app.add_option("--input", options.input)->required();
  app.add_option("--output", options.output)->required();
  app.add_option("--group", options.group, "consumer group (Brook: application.id)")->required();
  app.add_option("--guarantee", options.guarantee)
      ->check(CLI::IsMember({"at_least_once", "exactly_once_v2"}));
  app.add_option("--records", options.records, "records in the input topic")->required();
  app.add_option("--partitions", options.partitions);
  app.add_option("--commit-interval-ms", options.commit_interval_ms);
  app.add_option("--state-dir", options.state_dir)->required();
  app.add_option("--result", options.result, "file for the key=value results")->required();
  app.add_option("--spin-ns", options.spin_ns, "a busy wait per record, in nanoseconds");
  app.add_option("--brook-config", options.brook_config,
                 "extra StreamsConfig entries for the Brook side, key=value (repeatable)");
  CLI11_PARSE(app, argc, argv);
  brook::InitLoggingFromEnv();

  Result_ result;
  brook::Status status = brook::Status::Ok();
  try {
    status = options.side == "brook" ? RunBrook(options, result) : RunRaw(options, result);
  } catch (const std::exception& e) {
    status = brook::Status::Internal(e.what());
  }
  if (!status.ok()) {
    std::fprintf(stderr, "streams_bench_app: FAILED: %s\n", status.ToString().c_str());
    return 1;
  }
  auto memory = ReadProcessMemory(getpid());
  if (memory.ok()) {
    result["vmhwm_kib"] = std::to_string(memory->peak / 1024);
    result["vmrss_kib"] = std::to_string(memory->rss / 1024);
  }
  std::ofstream out(options.result, std::ios::trunc);
  for (const auto& [key, value] : result) out << key << "=" << value << "\n";
  return out ? 0 : 1;
}
