#include "bench/state_windowed_count.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "bench/bench_util.h"
#include "bench/ctp_loop.h"
#include "bench/kafka_bench_client.h"
#include "bench/keyed_fill.h"
#include "bench/rdkafka_handle.h"
#include "framework/api/kafka_streams.h"
#include "framework/api/serdes.h"
#include "framework/api/streams_config.h"
#include "operators/dsl/streams_builder.h"
#include "statestore/api/windowed_serdes.h"

namespace brook::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kBaseTime = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr int64_t kWindowMs = 60'000;
constexpr int kCommitIntervalMs = 100;  // exactly_once_v2's default commit.interval.ms.
constexpr double kRunTimeoutS = 600;
constexpr int kTimeoutMs = 30'000;
const char* const kInput = "windowed-input";

std::string WindowedKey(uint64_t index) {
  return fmt::format("key-{:05d}", (index * 7919) % kWindowedKeys);
}

int64_t WindowedTimestamp(uint64_t index) {
  return kBaseTime + static_cast<int64_t>(index * 3 / 10);
}

void WindowedRecord(size_t value_bytes, uint64_t index, std::string& key, std::string& value,
                    int64_t& timestamp) {
  key = WindowedKey(index);
  timestamp = WindowedTimestamp(index);
  value = fmt::format("{:013d}", timestamp);
  while (value.size() < value_bytes) value.push_back(static_cast<char>('a' + value.size() % 26));
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Untimed: the first transactional and group requests create __transaction_state and
// __consumer_offsets on the broker.
Status WarmUp(const std::string& bootstrap) {
  RdKafkaHandle producer;
  BROOK_ASSIGN_OR_RETURN(producer, NewRdKafka(RD_KAFKA_PRODUCER, bootstrap,
                                              {{"transactional.id", "state-bench-warm-up"}}));
  BROOK_RETURN_IF_ERROR(
      TakeError(rd_kafka_init_transactions(producer.get(), 60'000), "init_transactions"));
  RdKafkaHandle consumer;
  BROOK_ASSIGN_OR_RETURN(consumer, NewRdKafka(RD_KAFKA_CONSUMER, bootstrap,
                                              {{"group.id", "state-bench-warm-up"}}));
  PartitionList offsets(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(offsets.get(), kInput, 0);
  return ErrorCodeStatus(rd_kafka_committed(consumer.get(), offsets.get(), kTimeoutMs),
                         "committed");
}

// The group's committed offsets of the input are `ends`.
Status CheckCommitted(const std::string& bootstrap, const std::string& group,
                      const std::vector<int64_t>& ends) {
  RdKafkaHandle consumer;
  BROOK_ASSIGN_OR_RETURN(consumer,
                         NewRdKafka(RD_KAFKA_CONSUMER, bootstrap, {{"group.id", group}}));
  PartitionList offsets(rd_kafka_topic_partition_list_new(static_cast<int>(ends.size())));
  for (size_t p = 0; p < ends.size(); ++p) {
    rd_kafka_topic_partition_list_add(offsets.get(), kInput, static_cast<int32_t>(p));
  }
  BROOK_RETURN_IF_ERROR(ErrorCodeStatus(
      rd_kafka_committed(consumer.get(), offsets.get(), kTimeoutMs), "committed"));
  for (int i = 0; i < offsets->cnt; ++i) {
    const rd_kafka_topic_partition_t& part = offsets->elems[i];
    if (part.err != RD_KAFKA_RESP_ERR_NO_ERROR || part.offset != ends[part.partition]) {
      return Status::Internal(fmt::format("{}: committed offset of partition {} is {}, expected {}",
                                          group, part.partition, part.offset,
                                          ends[part.partition]));
    }
  }
  return Status::Ok();
}

// Written by the Brook app's stream thread (in a peek before the count), read by the bench.
struct Progress {
  std::atomic<uint64_t> seen{0};
  Clock::time_point first;  // Written before `seen` becomes 1.
};

Result<double> RunBrook(const std::string& bootstrap, const WindowedCountOptions& options,
                        const std::vector<int64_t>& ends, const std::string& name) {
  using namespace brook::streams;
  auto progress = std::make_shared<Progress>();
  StreamsBuilder builder;
  builder.stream(kInput, Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()))
      .peek([progress](const std::string&, const std::string&) {
        const uint64_t n = progress->seen.load(std::memory_order_relaxed) + 1;
        if (n == 1) progress->first = Clock::now();
        progress->seen.store(n, std::memory_order_release);
      })
      .groupByKey()
      .windowedBy(TimeWindows::ofSizeWithNoGrace(std::chrono::milliseconds(kWindowMs)))
      .count(Materialized<std::string, int64_t, WindowBytesStore>::as("window-counts"))
      .toStream()
      .to(name, Produced<Windowed<std::string>, int64_t>::with(
                    WindowedSerdes::timeWindowedSerdeFrom<std::string>(Serdes::String(), kWindowMs),
                    Serdes::Int64()));
  StreamsConfig config;
  config.set(StreamsConfig::kApplicationId, name);
  config.set(StreamsConfig::kBootstrapServers, bootstrap);
  config.set(StreamsConfig::kProcessingGuarantee, "exactly_once_v2");
  config.set(StreamsConfig::kStateDir, options.scratch + "/state-" + name);
  config.set(StreamsConfig::kCommitIntervalMs, std::to_string(kCommitIntervalMs));

  KafkaStreams streams(builder.build(), config);
  streams.start();
  Stopwatch waiting;
  while (progress->seen.load(std::memory_order_acquire) < options.records) {
    const auto state = streams.state();
    if (state == KafkaStreams::State::kError || state == KafkaStreams::State::kNotRunning) {
      return Status::Internal(fmt::format("{} stopped in state {} after {} records", name,
                                          KafkaStreams::stateName(state), progress->seen.load()));
    }
    if (waiting.Seconds() > kRunTimeoutS) {
      return Status::TimedOut(
          fmt::format("{}: {} of {} records", name, progress->seen.load(), options.records));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const Clock::time_point processed = Clock::now();
  if (!streams.close(std::chrono::seconds(60))) return Status::TimedOut("close() took over 60 s");
  const Clock::time_point closed = Clock::now();
  const double seconds = std::chrono::duration<double>(closed - progress->first).count();
  BROOK_RETURN_IF_ERROR(CheckCommitted(bootstrap, name, ends));
  fmt::print("    brook {} records in {:.3f} s  {:.0f} records/s  (close {:.0f} ms)\n",
             options.records, seconds, options.records / seconds,
             std::chrono::duration<double, std::milli>(closed - processed).count());
  return options.records / seconds;
}

Result<double> RunRaw(const std::string& bootstrap, const WindowedCountOptions& options,
                      const std::string& name) {
  auto counts = std::make_shared<std::unordered_map<std::string, int64_t>>();
  counts->reserve(2 * kWindowedKeys);
  CtpConfig config;
  config.input_topic = kInput;
  config.output_topic = name;
  config.partitions = options.partitions;
  config.input_records = options.records;
  config.group_id = name;
  config.transactional_id = name;
  config.commit_interval_ms = kCommitIntervalMs;
  config.transform = [counts, slot = std::string()](std::string_view key, std::string_view value,
                                                    std::string& out) mutable {
    int64_t timestamp = 0;
    for (size_t i = 0; i < 13 && i < value.size(); ++i) timestamp = timestamp * 10 + (value[i] - '0');
    const int64_t start = timestamp - timestamp % kWindowMs;
    slot.assign(key);
    slot.append(reinterpret_cast<const char*>(&start), sizeof(start));
    const int64_t count = ++(*counts)[slot];
    fmt::format_to(std::back_inserter(out), "{}:{}", start, count);
    return true;
  };
  CtpRun run;
  BROOK_ASSIGN_OR_RETURN(run, RunConsumeTransformProduce(bootstrap, config));
  fmt::print("    raw   {} records in {:.3f} s  {:.0f} records/s  ({} commits, {} (key, window) "
             "counts)\n",
             run.records, run.seconds, run.records / run.seconds, run.commits, counts->size());
  return run.records / run.seconds;
}

}  // namespace

Result<WindowedCountFigures> RunWindowedCount(const std::string& bootstrap,
                                              const WindowedCountOptions& options) {
  BROOK_RETURN_IF_ERROR(WarmUp(bootstrap));
  BROOK_RETURN_IF_ERROR(CreateTopicWithAdmin(bootstrap, kInput, options.partitions));
  Stopwatch filling;
  std::vector<int64_t> ends;
  BROOK_ASSIGN_OR_RETURN(
      ends, FillKeyedTopic(bootstrap, kInput, options.partitions, options.records,
                           [&options](uint64_t i, std::string& key, std::string& value,
                                      int64_t& timestamp) {
                             WindowedRecord(options.value_bytes, i, key, value, timestamp);
                           }));
  fmt::print(
      "windowed count: {} records of {} B, {} keys, {} partitions, 1-minute tumbling windows "
      "(200,000 records each), filled untimed in {:.2f} s; exactly_once_v2, commit every {} ms; "
      "{} runs per side, alternating\n",
      options.records, options.value_bytes, kWindowedKeys, options.partitions, filling.Seconds(),
      kCommitIntervalMs, options.runs);
  std::vector<double> brook_rates;
  std::vector<double> raw_rates;
  for (int run = 1; run <= options.runs; ++run) {
    fmt::print("  run {}\n", run);
    const bool brook_first = run % 2 == 1;
    for (int turn = 0; turn < 2; ++turn) {
      const bool brook = (turn == 0) == brook_first;
      const std::string name = fmt::format("windowed-{}-{}", brook ? "brook" : "raw", run);
      BROOK_RETURN_IF_ERROR(CreateTopicWithAdmin(bootstrap, name, options.partitions));
      double rate = 0;
      if (brook) {
        BROOK_ASSIGN_OR_RETURN(rate, RunBrook(bootstrap, options, ends, name));
        brook_rates.push_back(rate);
      } else {
        BROOK_ASSIGN_OR_RETURN(rate, RunRaw(bootstrap, options, name));
        raw_rates.push_back(rate);
      }
    }
  }
  WindowedCountFigures figures{Median(brook_rates), Median(raw_rates)};
  fmt::print("  median  brook {:.0f} records/s  raw {:.0f} records/s  brook/raw {:.2f}\n",
             figures.brook_rate, figures.raw_rate, figures.ratio());
  return figures;
}

}  // namespace brook::bench
