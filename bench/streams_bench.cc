// streams_bench: what the streams framework costs, each Kafka figure a ratio against a baseline
// measured in the same run on the same broker, because the machine is shared and noisy.
//
//   build/bin/streams_bench [--records 1000000] [--runs 3] [--driver-records 2000000]
//                           [--driver-runs 3] [--only kafka|driver] [--modes alos,eos]
//                           [--broker-bin PATH] [--app-bin PATH] [--app-wrapper "CMD ARGS"]
//                           [--wrapped-side brook|raw] [--brook-config key=value,...]
//                           [--spin-ns N]
//
// BROOK_STREAMS_BENCH_RECORDS in the environment sets the default of --records (and, at twice
// that, of --driver-records) for quick runs.
//
// 1. Stateless app against a hand-written loop. brook-broker runs as a child process
//    (bench/broker_process.h), as in txn_bench; an input topic of 8 partitions gets --records
//    keyed records of 100 bytes (bench/stateless_work.h), untimed. Then, for at_least_once and
//    exactly_once_v2, --runs runs of each side, alternating (Brook first in odd runs, the loop
//    first in even ones), each side a fresh streams_bench_app process, consumer group and output
//    topic:
//      brook  KafkaStreams: source -> filter -> mapValues -> to, String serdes, defaults except
//             commit.interval.ms=100 under at_least_once (exactly_once_v2's default is 100);
//      raw    librdkafka consume-transform-produce (bench/ctp_loop.h) doing the same filter and
//             map, committing every 100 ms: flush + offset commit, or a transaction with
//             send_offsets_to_transaction.
//    Input records/s from the first record to the final commit (see streams_bench_app.cc);
//    ratio = median Brook rate / median loop rate. Checked: a read_committed consumer finds
//    exactly the kept records in every output topic and the group's offsets end at the input's
//    end. The peak RSS (VmHWM) of every side's process is printed; app_rss_mib is the largest of
//    the Brook runs.
//    For experiments: --brook-config passes StreamsConfig entries to the Brook side, --spin-ns
//    adds a busy wait per record on both sides (the consumer's prefetch queue then fills: the
//    memory bound), --app-wrapper runs the --wrapped-side under a command such as perf record.
// 2. TopologyTestDriver: --driver-records records through a five-operator chain
//    (bench/driver_chain.h), --driver-runs times, median records/s.
// The last line is for scripts.

#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench/bench_util.h"
#include "bench/broker_process.h"
#include "bench/child_process.h"
#include "bench/cpu_usage.h"
#include "bench/ctp_loop.h"
#include "bench/driver_chain.h"
#include "bench/keyed_fill.h"
#include "bench/kafka_bench_client.h"
#include "bench/rdkafka_handle.h"
#include "bench/stateless_work.h"

namespace brook::bench {
namespace {

constexpr int kPartitions = 8;
constexpr int kCommitIntervalMs = 100;
constexpr int kTimeoutMs = 30'000;
constexpr double kAppTimeoutS = 600;

struct Options {
  std::string broker_bin;
  std::string app_bin;
  uint64_t records = 1'000'000;
  int runs = 3;
  uint64_t driver_records = 2'000'000;
  int driver_runs = 3;
  std::string only;  // "kafka" or "driver"; empty runs both.
  std::vector<std::string> modes = {"alos", "eos"};
  std::string app_wrapper;  // A command put before streams_bench_app (e.g. perf record).
  std::string wrapped_side = "brook";  // The side app_wrapper applies to.
  std::vector<std::string> brook_config;  // Extra StreamsConfig entries for the Brook side.
  int64_t spin_ns = 0;  // Extra work per record on both sides (a busy wait).
};

struct Figures {
  std::map<std::string, double> ratio;  // Per mode: median Brook rate / median loop rate.
  uint64_t brook_peak_kib = 0;
  double driver_rate = 0;
};

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Untimed: the first transactional and group requests create __transaction_state and
// __consumer_offsets on the broker's event loop.
Status WarmUp(const std::string& bootstrap) {
  Stopwatch watch;
  RdKafkaHandle producer;
  BROOK_ASSIGN_OR_RETURN(producer, NewRdKafka(RD_KAFKA_PRODUCER, bootstrap,
                                              {{"transactional.id", "streams-bench-warm-up"}}));
  BROOK_RETURN_IF_ERROR(
      TakeError(rd_kafka_init_transactions(producer.get(), 60'000), "init_transactions"));
  RdKafkaHandle consumer;
  BROOK_ASSIGN_OR_RETURN(consumer, NewRdKafka(RD_KAFKA_CONSUMER, bootstrap,
                                              {{"group.id", "streams-bench-warm-up"}}));
  PartitionList offsets(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(offsets.get(), "streams-bench-none", 0);
  BROOK_RETURN_IF_ERROR(ErrorCodeStatus(
      rd_kafka_committed(consumer.get(), offsets.get(), kTimeoutMs), "committed"));
  fmt::print("warm-up (creates __transaction_state and __consumer_offsets; untimed) {:.1f} ms\n",
             watch.Millis());
  return Status::Ok();
}

// Writes the input records, partitioned by the murmur2 hash of their keys as Kafka's Java
// clients and Brook's sinks do (so each output record lands in its input's partition number),
// stamped with the time of production. Returns each partition's record count, which is its end
// offset (the topic is fresh).
Result<std::vector<int64_t>> FillInput(const std::string& bootstrap, const std::string& topic,
                                       uint64_t records) {
  return FillKeyedTopic(bootstrap, topic, kPartitions, records,
                        [](uint64_t i, std::string& key, std::string& value, int64_t& timestamp) {
                          key = StatelessKey(i);
                          StatelessValue(i, value);
                          timestamp = 0;  // librdkafka: now
                        });
}

// The group's committed offsets of `topic` are `ends`.
Status CheckCommitted(const std::string& bootstrap, const std::string& group,
                      const std::string& topic, const std::vector<int64_t>& ends) {
  RdKafkaHandle consumer;
  BROOK_ASSIGN_OR_RETURN(consumer,
                         NewRdKafka(RD_KAFKA_CONSUMER, bootstrap, {{"group.id", group}}));
  PartitionList offsets(rd_kafka_topic_partition_list_new(kPartitions));
  for (int p = 0; p < kPartitions; ++p) {
    rd_kafka_topic_partition_list_add(offsets.get(), topic.c_str(), p);
  }
  BROOK_RETURN_IF_ERROR(ErrorCodeStatus(
      rd_kafka_committed(consumer.get(), offsets.get(), kTimeoutMs), "committed"));
  for (int i = 0; i < offsets->cnt; ++i) {
    const rd_kafka_topic_partition_t& part = offsets->elems[i];
    if (part.err != RD_KAFKA_RESP_ERR_NO_ERROR || part.offset != ends[part.partition]) {
      return Status::Internal(fmt::format("{}: committed offset of partition {} is {} ({}), "
                                          "expected {}",
                                          group, part.partition, part.offset,
                                          rd_kafka_err2str(part.err), ends[part.partition]));
    }
  }
  return Status::Ok();
}

struct SideFigures {
  std::vector<double> rates;          // Input records/s to the final commit.
  std::vector<double> rates_to_last;  // Input records/s to the last record processed.
  std::vector<uint64_t> peak_kib;
};

std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// One run of one side; prints its line and adds its figures.
Status RunSide(const Options& options, const BrokerProcess& broker, const ScratchDir& scratch,
               const std::vector<int64_t>& ends, const std::string& side, const std::string& mode,
               int run, SideFigures& figures) {
  const std::string name = fmt::format("{}-{}-{}", side, mode, run);
  BROOK_RETURN_IF_ERROR(CreateTopicWithAdmin(broker.bootstrap(), name, kPartitions));
  const std::string result_path = scratch.path() + "/" + name + ".result";
  std::vector<std::string> argv;
  if (side == options.wrapped_side) argv = Words(options.app_wrapper);
  const std::vector<std::string> app = {
      options.app_bin,
      "--side", side,
      "--bootstrap", broker.bootstrap(),
      "--input", "input",
      "--output", name,
      "--group", name,
      "--guarantee", mode == "eos" ? "exactly_once_v2" : "at_least_once",
      "--records", std::to_string(options.records),
      "--partitions", std::to_string(kPartitions),
      "--commit-interval-ms", std::to_string(kCommitIntervalMs),
      "--state-dir", scratch.path() + "/state-" + name,
      "--result", result_path,
      "--spin-ns", std::to_string(options.spin_ns)};
  argv.insert(argv.end(), app.begin(), app.end());
  if (side == "brook") {
    for (const std::string& entry : options.brook_config) {
      argv.push_back("--brook-config");
      argv.push_back(entry);
    }
  }
  const double broker_cpu_before = ProcessCpuSeconds(broker.pid());
  BROOK_RETURN_IF_ERROR(RunChildProcess(argv, scratch.path() + "/" + name + ".log", kAppTimeoutS));
  const double broker_cpu = ProcessCpuSeconds(broker.pid()) - broker_cpu_before;
  std::map<std::string, std::string> result;
  BROOK_ASSIGN_OR_RETURN(result, ReadKeyValueFile(result_path));
  if (side == "brook") {
    // The loop checks its own output and offsets.
    BROOK_RETURN_IF_ERROR(
        CheckOutputCount(broker.bootstrap(), name, kPartitions, StatelessKept(options.records)));
    BROOK_RETURN_IF_ERROR(CheckCommitted(broker.bootstrap(), name, "input", ends));
  }
  auto number = [&result](const std::string& key) {
    auto it = result.find(key);
    return it == result.end() ? 0.0 : std::atof(it->second.c_str());
  };
  const double seconds = number("seconds");
  const double to_last = number("seconds_to_last_record");
  const auto peak_kib = static_cast<uint64_t>(number("vmhwm_kib"));
  if (seconds <= 0 || to_last <= 0) return Status::Internal(name + ": no timing in its result");
  figures.rates.push_back(options.records / seconds);
  figures.rates_to_last.push_back(options.records / to_last);
  figures.peak_kib.push_back(peak_kib);
  std::string extra = side == "brook"
                          ? fmt::format("close {} ms, stalled {} ms (longest {})",
                                        result["close_ms"], result["stalled_ms"],
                                        result["longest_stall_ms"])
                          : fmt::format("{} commits of {} ms, idle {}%", result["commits"],
                                        result["commit_ms"], result["idle_percent"]);
  fmt::print(
      "  run {}  {:<5} {:>8} records in {:6.3f} s  {:>8.0f} records/s  (to the last record "
      "{:6.3f} s, {:>8.0f}/s; {})  CPU {} s (broker {:.2f} s)  VmHWM {:.1f} MiB\n"
      "    busiest threads: {}\n",
      run, side, options.records, seconds, options.records / seconds, to_last,
      options.records / to_last, extra, result["cpu_seconds"], broker_cpu, peak_kib / 1024.0,
      result["threads"]);
  return Status::Ok();
}

Status RunKafka(const Options& options, Figures& figures) {
  std::unique_ptr<BrokerProcess> broker;
  BROOK_ASSIGN_OR_RETURN(broker, BrokerProcess::Start(options.broker_bin,
                                                      {{"group.initial.rebalance.delay.ms", "0"}}));
  fmt::print("brook-broker pid {} at {} (group.initial.rebalance.delay.ms=0); librdkafka {}\n",
             broker->pid(), broker->bootstrap(), rd_kafka_version_str());
  auto created = ScratchDir::Create("", "brook-streams-bench");
  if (!created.ok()) return created.status();
  const ScratchDir scratch = std::move(created).value();
  BROOK_RETURN_IF_ERROR(WarmUp(broker->bootstrap()));
  BROOK_RETURN_IF_ERROR(CreateTopicWithAdmin(broker->bootstrap(), "input", kPartitions));
  Stopwatch filling;
  std::vector<int64_t> ends;
  BROOK_ASSIGN_OR_RETURN(ends, FillInput(broker->bootstrap(), "input", options.records));
  fmt::print(
      "input: {} records of {} B in {} partitions (keyed, murmur2), filled untimed in {:.2f} s; "
      "the filter keeps {}; commit every {} ms; {} runs per side, alternating; each side is a "
      "fresh streams_bench_app process\n",
      options.records, kStatelessValueBytes, kPartitions, filling.Seconds(),
      StatelessKept(options.records), kCommitIntervalMs, options.runs);
  for (const std::string& mode : options.modes) {
    fmt::print("{}:\n", mode == "eos" ? "exactly_once_v2" : "at_least_once");
    std::map<std::string, SideFigures> sides;
    for (int run = 1; run <= options.runs; ++run) {
      const bool brook_first = run % 2 == 1;
      for (const char* side : {brook_first ? "brook" : "raw", brook_first ? "raw" : "brook"}) {
        BROOK_RETURN_IF_ERROR(
            RunSide(options, *broker, scratch, ends, side, mode, run, sides[side]));
      }
    }
    const SideFigures& brook = sides["brook"];
    const SideFigures& raw = sides["raw"];
    std::vector<double> pairs;
    for (size_t i = 0; i < brook.rates.size(); ++i) pairs.push_back(brook.rates[i] / raw.rates[i]);
    const double ratio = Median(brook.rates) / Median(raw.rates);
    figures.ratio[mode] = ratio;
    for (uint64_t kib : brook.peak_kib) figures.brook_peak_kib = std::max(figures.brook_peak_kib, kib);
    fmt::print(
        "  median  brook {:.0f} records/s  raw {:.0f} records/s  brook/raw {:.2f} (runs {:.2f} to "
        "{:.2f}); to the last record {:.2f}\n"
        "  peak RSS  brook {:.1f} to {:.1f} MiB  raw {:.1f} to {:.1f} MiB\n",
        Median(brook.rates), Median(raw.rates), ratio, *std::min_element(pairs.begin(), pairs.end()),
        *std::max_element(pairs.begin(), pairs.end()),
        Median(brook.rates_to_last) / Median(raw.rates_to_last),
        *std::min_element(brook.peak_kib.begin(), brook.peak_kib.end()) / 1024.0,
        *std::max_element(brook.peak_kib.begin(), brook.peak_kib.end()) / 1024.0,
        *std::min_element(raw.peak_kib.begin(), raw.peak_kib.end()) / 1024.0,
        *std::max_element(raw.peak_kib.begin(), raw.peak_kib.end()) / 1024.0);
  }
  return broker->Stop();
}

Status RunDriver(const Options& options, Figures& figures) {
  fmt::print(
      "TopologyTestDriver: {} records (Int64 keys and values) through source -> filter -> "
      "mapValues -> map -> peek -> mapValues -> to, outputs read every 1,024 records; {} runs\n",
      options.driver_records, options.driver_runs);
  std::vector<double> rates;
  for (int run = 1; run <= options.driver_runs; ++run) {
    DriverRun result;
    BROOK_ASSIGN_OR_RETURN(result, RunDriverChain(options.driver_records));
    rates.push_back(result.records / result.seconds);
    fmt::print(
        "  run {}  {} records in {:.3f} s  {:.0f} records/s (reading the outputs {:.3f} s; "
        "CPU {:.3f} s, {:.0f} records per CPU-second)\n",
        run, result.records, result.seconds, result.records / result.seconds, result.read_seconds,
        result.cpu_seconds, result.records / result.cpu_seconds);
  }
  figures.driver_rate = Median(rates);
  fmt::print("  median {:.0f} records/s\n", figures.driver_rate);
  return Status::Ok();
}

}  // namespace
}  // namespace brook::bench

int main(int argc, char** argv) {
  using namespace brook::bench;
  Options options;
  options.broker_bin = DefaultBrokerBinary();
  options.app_bin = SiblingBinary("streams_bench_app");
  if (const char* records = std::getenv("BROOK_STREAMS_BENCH_RECORDS")) {
    options.records = std::strtoull(records, nullptr, 10);
    options.driver_records = 2 * options.records;
  }
  CLI::App app{
      "streams_bench: a stateless Brook app against a hand-written librdkafka loop on "
      "brook-broker, and TopologyTestDriver throughput"};
  app.add_option("--broker-bin", options.broker_bin, "the brook-broker binary")
      ->capture_default_str();
  app.add_option("--app-bin", options.app_bin, "the streams_bench_app binary")
      ->capture_default_str();
  app.add_option("--records", options.records, "records in the input topic")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--runs", options.runs, "runs per side and guarantee")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--driver-records", options.driver_records, "records per driver run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--driver-runs", options.driver_runs, "driver runs")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--only", options.only, "run one part; no summary line")
      ->check(CLI::IsMember({"kafka", "driver"}));
  app.add_option("--modes", options.modes, "guarantees to compare (alos, eos)")
      ->delimiter(',')
      ->check(CLI::IsMember({"alos", "eos"}))
      ->capture_default_str();
  app.add_option("--app-wrapper", options.app_wrapper,
                 "a command (absolute path, then its arguments) that runs streams_bench_app, "
                 "e.g. \"/usr/bin/perf record -g -o /tmp/app.data\"");
  app.add_option("--brook-config", options.brook_config,
                 "extra StreamsConfig entries for the Brook side, key=value (for experiments; "
                 "e.g. consumer.queued.min.messages=10000)")
      ->delimiter(',');
  app.add_option("--spin-ns", options.spin_ns,
                 "a busy wait per record on both sides, in ns (slows the apps down so the "
                 "consumer's prefetch queue fills: for the memory figures)")
      ->capture_default_str();
  app.add_option("--wrapped-side", options.wrapped_side, "the side --app-wrapper applies to")
      ->capture_default_str()
      ->check(CLI::IsMember({"brook", "raw"}));
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  Figures figures;
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) > 0) fmt::print("load average before: {:.2f}\n", load[0]);
  brook::Status status = brook::Status::Ok();
  if (options.only != "driver") status = RunKafka(options, figures);
  if (status.ok() && options.only != "kafka") status = RunDriver(options, figures);
  if (!status.ok()) {
    std::fprintf(stderr, "streams_bench: FAILED: %s\n", status.ToString().c_str());
    return 1;
  }
  if (getloadavg(load, 3) > 0) fmt::print("load average after: {:.2f}\n", load[0]);
  const bool complete = options.only.empty() && figures.ratio.count("alos") != 0 &&
                        figures.ratio.count("eos") != 0;
  if (!complete) return 0;
  fmt::print(
      "streams_bench stateless_alos_vs_raw={:.2f} stateless_eos_vs_raw={:.2f} "
      "driver_chain_records_per_s={:.0f} app_rss_mib={:.1f}\n",
      figures.ratio["alos"], figures.ratio["eos"], figures.driver_rate,
      figures.brook_peak_kib / 1024.0);
  return 0;
}
