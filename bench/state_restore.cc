#include "bench/state_restore.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <thread>

#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "bench/bench_util.h"
#include "bench/cpu_usage.h"
#include "bench/kafka_bench_client.h"
#include "bench/keyed_fill.h"
#include "framework/api/kafka_streams.h"
#include "framework/api/serdes.h"
#include "framework/api/streams_config.h"
#include "operators/dsl/streams_builder.h"
#include "statestore/api/state_restore_listener.h"

namespace brook::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kKeyBytes = 16;
constexpr double kRunTimeoutS = 1800;
const char* const kApplicationId = "state-bench-restore";
const char* const kStore = "restore-store";
const char* const kInput = "restore-input";

std::string Changelog() { return fmt::format("{}-{}-changelog", kApplicationId, kStore); }

// Notes when restoration started and ended (called on the stream thread).
class Timing : public streams::StateRestoreListener {
 public:
  void onRestoreStart(const std::string&, int32_t, const std::string&, int64_t,
                      int64_t) override {
    start = Clock::now();
  }
  void onBatchRestored(const std::string&, int32_t, const std::string&, int64_t,
                       int64_t) override {}
  void onRestoreEnd(const std::string&, int32_t, const std::string&,
                    int64_t total_restored) override {
    end = Clock::now();
    restored = total_restored;
    done.store(true, std::memory_order_release);
  }

  Clock::time_point start;  // Written before `done`.
  Clock::time_point end;
  int64_t restored = 0;
  std::atomic<bool> done{false};
};

Result<double> RunBrook(const std::string& bootstrap, const RestoreOptions& options,
                        uint64_t records, uint64_t bytes, int run) {
  using namespace brook::streams;
  StreamsBuilder builder;
  builder.stream(kInput, Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()))
      .groupByKey()
      .count(Materialized<std::string, int64_t>::as(kStore));
  StreamsConfig config;
  config.set(StreamsConfig::kApplicationId, kApplicationId);
  config.set(StreamsConfig::kBootstrapServers, bootstrap);
  config.set(StreamsConfig::kStateDir, fmt::format("{}/restore-state-{}", options.scratch, run));
  auto timing = std::make_shared<Timing>();
  KafkaStreams streams(builder.build(), config);
  streams.setGlobalStateRestoreListener(timing);
  const std::map<std::string, double> threads_before = ThreadCpuSeconds();
  const Clock::time_point started = Clock::now();
  streams.start();
  Stopwatch waiting;
  while (!timing->done.load(std::memory_order_acquire)) {
    const auto state = streams.state();
    if (state == KafkaStreams::State::kError || state == KafkaStreams::State::kNotRunning) {
      return Status::Internal(
          fmt::format("the restoring app stopped in state {}", KafkaStreams::stateName(state)));
    }
    if (waiting.Seconds() > kRunTimeoutS) return Status::TimedOut("restoration did not end");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // Before close(), while the stream thread and librdkafka's threads still exist.
  const std::string threads = DescribeThreadCpu(threads_before, ThreadCpuSeconds(), 5);
  if (!streams.close(std::chrono::seconds(120))) return Status::TimedOut("close() took over 120 s");
  if (timing->restored != static_cast<int64_t>(records)) {
    return Status::Internal(
        fmt::format("restored {} records, the changelog has {}", timing->restored, records));
  }
  std::error_code ignored;  // The restored store is as large as the changelog: free the disk.
  std::filesystem::remove_all(config.stateDir(), ignored);
  const double seconds = std::chrono::duration<double>(timing->end - timing->start).count();
  const double from_start = std::chrono::duration<double>(timing->end - started).count();
  fmt::print("    brook {} records, {} in {:.3f} s  {}  (from start(): {:.3f} s)\n", records,
             FormatSize(bytes), seconds, FormatRate(bytes, seconds), from_start);
  fmt::print("      threads: {}\n", threads);
  return bytes / seconds;
}

Result<double> RunRaw(const std::string& bootstrap, const RestoreOptions& options,
                      uint64_t records, uint64_t bytes) {
  ConsumeResult result;
  BROOK_ASSIGN_OR_RETURN(result, ConsumeFromBeginning(bootstrap, Changelog(), 1,
                                                      static_cast<int64_t>(records),
                                                      options.value_bytes));
  fmt::print("    raw   {} records, {} in {:.3f} s  {}\n", result.records, FormatSize(bytes),
             result.seconds, FormatRate(bytes, result.seconds));
  return bytes / result.seconds;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

Result<RestoreFigures> RunRestore(const std::string& bootstrap, const RestoreOptions& options) {
  const size_t record_bytes = kKeyBytes + options.value_bytes;
  const uint64_t records = std::max<uint64_t>(1, (options.bytes + record_bytes - 1) / record_bytes);
  const uint64_t bytes = records * record_bytes;
  BROOK_RETURN_IF_ERROR(CreateTopicWithAdmin(bootstrap, kInput, 1));
  BROOK_RETURN_IF_ERROR(CreateTopicWithAdmin(bootstrap, Changelog(), 1));
  // Now, so the broker's time retention keeps every record.
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  Stopwatch filling;
  BROOK_RETURN_IF_ERROR(
      FillKeyedTopic(bootstrap, Changelog(), 1, records,
                     [&options, now_ms](uint64_t i, std::string& key, std::string& value, int64_t& ts) {
                       key = fmt::format("k-{:014d}", i);
                       value = fmt::format("{:020d}", i);
                       value.resize(options.value_bytes, static_cast<char>('a' + i % 26));
                       ts = now_ms;
                     })
          .status());
  fmt::print(
      "restoration: changelog {} of {} records ({} keys of {} B, values of {} B, one partition), "
      "filled untimed in {:.2f} s; {} runs per side, alternating\n",
      FormatSize(bytes), records, records, kKeyBytes, options.value_bytes, filling.Seconds(),
      options.runs);
  std::vector<double> brook_rates;
  std::vector<double> raw_rates;
  for (int run = 1; run <= options.runs; ++run) {
    fmt::print("  run {}\n", run);
    const bool raw_first = run % 2 == 1;
    for (int turn = 0; turn < 2; ++turn) {
      double rate = 0;
      const double broker_before = options.broker_pid ? ProcessCpuSeconds(options.broker_pid) : 0;
      const double process_before = ProcessCpuSeconds(getpid());
      if ((turn == 0) == raw_first) {
        BROOK_ASSIGN_OR_RETURN(rate, RunRaw(bootstrap, options, records, bytes));
        raw_rates.push_back(rate);
      } else {
        BROOK_ASSIGN_OR_RETURN(rate, RunBrook(bootstrap, options, records, bytes, run));
        brook_rates.push_back(rate);
      }
      fmt::print("      cpu: broker {:.2f} s, this process {:.2f} s\n",
                 options.broker_pid ? ProcessCpuSeconds(options.broker_pid) - broker_before : 0.0,
                 ProcessCpuSeconds(getpid()) - process_before);
    }
  }
  RestoreFigures figures{Median(brook_rates), Median(raw_rates)};
  fmt::print("  median  brook {}  raw {}  brook/raw {:.2f}\n", FormatRate(bytes, bytes / figures.brook_rate),
             FormatRate(bytes, bytes / figures.raw_rate), figures.ratio());
  return figures;
}

}  // namespace brook::bench
