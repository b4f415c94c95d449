// broker_bench: brook-broker (issue 3) against librdkafka's mock cluster, with the same
// librdkafka client code on both sides; only the bootstrap address differs.
//
//   build/bin/broker_bench [--broker-bin PATH] [--records 1000000] [--consume-passes 5]
//                          [--latency-seconds 5] [--latency-rate 10000]
//
// Brook runs as a child process (bench/broker_process.h) on a free loopback port with a fresh
// data directory; the mock cluster (one broker) runs on a thread of this process.
// 1. Produce: --records 100-byte values to a fresh topic of {1, 8} partitions with
//    {acks=1, acks=all}, linger.ms=5, as fast as the producer goes, until every delivery report
//    is in. Brook and the mock alternate which goes first.
// 2. Consume: 8 partitions x 40,000 records of 100 bytes (the mock keeps only ~5 MiB per
//    partition), produced once, then read --consume-passes times per side, each pass a fresh
//    group-less consumer from the beginning; the passes of the two sides interleave.
// 3. Latency: --latency-rate records/s for --latency-seconds to one partition (acks=1,
//    linger.ms=0), a consumer with fetch.wait.max.ms=0 and fetch.min.bytes=1; receive - send on
//    the steady clock; p50 and p99.
// 4. Memory of the Brook process (/proc/<pid>/status): VmRSS one second after start (no topics),
//    VmHWM over the whole run, and VmRSS of a second, fresh broker one second after creating a
//    topic with 1,000 partitions.
// Every record is checked (delivered without error at the expected offsets, read exactly once
// and in order); a failed check exits with status 1. The last line is for scripts.

#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench/bench_util.h"
#include "bench/broker_process.h"
#include "bench/kafka_bench_client.h"
#include "bench/mock_cluster.h"

namespace brook::bench {
namespace {

constexpr size_t kValueBytes = 100;
constexpr int kConsumePartitions = 8;
constexpr int64_t kConsumeRecordsPerPartition = 40'000;
constexpr int kManyPartitions = 1'000;
constexpr auto kSettle = std::chrono::seconds(1);

struct Options {
  std::string broker_bin;
  uint64_t records = 1'000'000;
  int consume_passes = 5;
  double latency_seconds = 5;
  int latency_rate = 10'000;
  std::string only;  // "produce", "consume" or "latency" (for profiling); empty runs everything.
};

// One side of the comparison: where clients connect and how a topic gets created there.
struct Target {
  std::string name;
  std::string bootstrap;
  std::function<Status(const std::string& topic, int partitions)> create_topic;
};

double Mib(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

struct Figures {
  std::vector<double> produce_ratios;
  double consume_ratio = 0;
  double brook_p99 = 0;
  double p99_ratio = 0;
  double idle_rss = 0;
  double many_partitions_rss = 0;
};

Status RunProduce(const Options& options, std::array<Target*, 2> targets, Figures& figures) {
  std::puts("produce: 100-byte values, linger.ms=5, until every delivery report is in");
  int round = 0;
  for (int partitions : {1, 8}) {
    for (const char* acks : {"1", "all"}) {
      const std::string topic = fmt::format("produce-p{}-acks-{}", partitions, acks);
      std::array<double, 2> rate{};
      for (int k = 0; k < 2; ++k) {
        const int side = (k + round) % 2;  // Alternate who goes first.
        Target& target = *targets[side];
        BROOK_RETURN_IF_ERROR(target.create_topic(topic, partitions));
        ProduceOptions produce{topic, partitions, acks, options.records, kValueBytes, 5};
        ProduceResult result;
        BROOK_ASSIGN_OR_RETURN(result, ProduceRecords(target.bootstrap, produce));
        rate[side] = result.records / result.seconds;
        fmt::print("  {:>2} partition(s) acks={:<3}  {:<5} {:>9} records in {:6.3f} s  {}\n",
                   partitions, acks, target.name, result.records, result.seconds,
                   FormatRecordRate(result.records, result.seconds));
      }
      const double ratio = rate[0] / rate[1];
      figures.produce_ratios.push_back(ratio);
      fmt::print("  {:>2} partition(s) acks={:<3}  brook/mock {:.2f}\n", partitions, acks, ratio);
      ++round;
    }
  }
  return Status::Ok();
}

Status RunConsume(const Options& options, std::array<Target*, 2> targets, Figures& figures) {
  const std::string topic = "consume-p8";
  fmt::print("consume: {} partitions x {} records of {} B, {} passes per side, fresh consumer "
             "from the beginning each pass\n",
             kConsumePartitions, kConsumeRecordsPerPartition, kValueBytes, options.consume_passes);
  for (Target* target : targets) {
    BROOK_RETURN_IF_ERROR(target->create_topic(topic, kConsumePartitions));
    ProduceOptions produce{topic, kConsumePartitions, "all",
                           static_cast<uint64_t>(kConsumeRecordsPerPartition) * kConsumePartitions,
                           kValueBytes, 5};
    ProduceResult ignored;
    BROOK_ASSIGN_OR_RETURN(ignored, ProduceRecords(target->bootstrap, produce));
    BROOK_RETURN_IF_ERROR(
        CheckWatermarks(target->bootstrap, topic, kConsumePartitions, kConsumeRecordsPerPartition));
  }
  std::array<uint64_t, 2> records{};
  std::array<double, 2> seconds{};
  for (int pass = 0; pass < options.consume_passes; ++pass) {
    for (int k = 0; k < 2; ++k) {
      const int side = (k + pass) % 2;
      ConsumeResult result;
      BROOK_ASSIGN_OR_RETURN(result, ConsumeFromBeginning(targets[side]->bootstrap, topic,
                                                          kConsumePartitions,
                                                          kConsumeRecordsPerPartition, kValueBytes));
      records[side] += result.records;
      seconds[side] += result.seconds;
      fmt::print("  pass {}  {:<5} {:>7} records in {:6.3f} s  {}\n", pass + 1,
                 targets[side]->name, result.records, result.seconds,
                 FormatRecordRate(result.records, result.seconds));
    }
  }
  for (int side = 0; side < 2; ++side) {
    fmt::print("  all passes  {:<5} {:>8} records in {:6.3f} s  {}\n", targets[side]->name,
               records[side], seconds[side], FormatRecordRate(records[side], seconds[side]));
  }
  figures.consume_ratio = (records[0] / seconds[0]) / (records[1] / seconds[1]);
  fmt::print("  brook/mock {:.2f}\n", figures.consume_ratio);
  return Status::Ok();
}

Status RunLatency(const Options& options, std::array<Target*, 2> targets, Figures& figures) {
  const std::string topic = "latency-p1";
  fmt::print("latency: {} records/s for {} s, 1 partition, acks=1, linger.ms=0, "
             "fetch.wait.max.ms=0, fetch.min.bytes=1\n",
             options.latency_rate, options.latency_seconds);
  std::array<double, 2> p99{};
  for (int side = 0; side < 2; ++side) {
    Target& target = *targets[side];
    BROOK_RETURN_IF_ERROR(target.create_topic(topic, 1));
    LatencyResult result;
    BROOK_ASSIGN_OR_RETURN(result, MeasureLatency(target.bootstrap,
                                                  {topic, options.latency_rate,
                                                   options.latency_seconds, kValueBytes}));
    p99[side] = Quantile(result.millis, 0.99);
    fmt::print("  {:<5} {} records sent in {:.2f} s: p50 {:.3f} ms  p99 {:.3f} ms  "
               "p99.9 {:.3f} ms  max {:.3f} ms\n",
               target.name, result.millis.size(), result.seconds, Quantile(result.millis, 0.5),
               p99[side], Quantile(result.millis, 0.999), result.millis.back());
  }
  figures.brook_p99 = p99[0];
  figures.p99_ratio = p99[0] / p99[1];
  fmt::print("  p99 brook/mock {:.2f}\n", figures.p99_ratio);
  return Status::Ok();
}

Status MeasureManyPartitions(const Options& options, Figures& figures) {
  std::unique_ptr<BrokerProcess> broker;
  BROOK_ASSIGN_OR_RETURN(broker, BrokerProcess::Start(options.broker_bin));
  std::this_thread::sleep_for(kSettle);
  ProcessMemory before;
  BROOK_ASSIGN_OR_RETURN(before, broker->Memory());
  Stopwatch watch;
  BROOK_RETURN_IF_ERROR(CreateTopicWithAdmin(broker->bootstrap(), "many", kManyPartitions));
  const double create_seconds = watch.Seconds();
  std::this_thread::sleep_for(kSettle);
  ProcessMemory after;
  BROOK_ASSIGN_OR_RETURN(after, broker->Memory());
  figures.many_partitions_rss = Mib(after.rss);
  fmt::print("  second broker (pid {}): VmRSS {:.1f} MiB idle; topic with {} partitions created "
             "in {:.2f} s; 1 s later VmRSS {:.1f} MiB, VmHWM {:.1f} MiB\n",
             broker->pid(), Mib(before.rss), kManyPartitions, create_seconds, Mib(after.rss),
             Mib(after.peak));
  return broker->Stop();
}

Status Run(const Options& options, Figures& figures) {
  std::unique_ptr<BrokerProcess> broker;
  BROOK_ASSIGN_OR_RETURN(broker, BrokerProcess::Start(options.broker_bin));
  std::this_thread::sleep_for(kSettle);
  ProcessMemory idle;
  BROOK_ASSIGN_OR_RETURN(idle, broker->Memory());
  figures.idle_rss = Mib(idle.rss);
  fmt::print("brook-broker pid {} at {}: VmRSS {:.1f} MiB 1 s after start (no topics)\n",
             broker->pid(), broker->bootstrap(), figures.idle_rss);

  std::unique_ptr<MockCluster> mock;
  BROOK_ASSIGN_OR_RETURN(mock, MockCluster::Start());
  fmt::print("mock cluster (librdkafka {}, 1 broker) at {}\n", rd_kafka_version_str(),
             mock->bootstrap());
  Target brook_target{"brook", broker->bootstrap(), [&](const std::string& topic, int p) {
                        return CreateTopicWithAdmin(broker->bootstrap(), topic, p);
                      }};
  Target mock_target{"mock", mock->bootstrap(), [&](const std::string& topic, int p) {
                       return mock->CreateTopic(topic, p);
                     }};
  std::array<Target*, 2> targets = {&brook_target, &mock_target};  // Brook is side 0.

  const bool all = options.only.empty();
  if (all || options.only == "produce") BROOK_RETURN_IF_ERROR(RunProduce(options, targets, figures));
  if (all || options.only == "consume") BROOK_RETURN_IF_ERROR(RunConsume(options, targets, figures));
  if (all || options.only == "latency") BROOK_RETURN_IF_ERROR(RunLatency(options, targets, figures));
  if (!all) return broker->Stop();

  fmt::print("memory:\n");
  ProcessMemory end;
  BROOK_ASSIGN_OR_RETURN(end, broker->Memory());
  fmt::print("  brook-broker after the run: VmRSS {:.1f} MiB, VmHWM (peak) {:.1f} MiB\n",
             Mib(end.rss), Mib(end.peak));
  BROOK_RETURN_IF_ERROR(broker->Stop());
  return MeasureManyPartitions(options, figures);
}

}  // namespace
}  // namespace brook::bench

int main(int argc, char** argv) {
  using namespace brook::bench;
  Options options;
  options.broker_bin = DefaultBrokerBinary();
  CLI::App app{"broker_bench: brook-broker against librdkafka's mock cluster"};
  app.add_option("--broker-bin", options.broker_bin, "the brook-broker binary")
      ->capture_default_str();
  app.add_option("--records", options.records, "records per producer run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--consume-passes", options.consume_passes, "consumer passes per side")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--latency-seconds", options.latency_seconds, "length of the latency run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--latency-rate", options.latency_rate, "records/s in the latency run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--only", options.only, "run one part (for profiling); no summary line")
      ->check(CLI::IsMember({"produce", "consume", "latency"}));
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  Figures figures;
  brook::Status status = Run(options, figures);
  if (!status.ok()) {
    std::fprintf(stderr, "broker_bench: FAILED: %s\n", status.ToString().c_str());
    return 1;
  }
  if (!options.only.empty()) return 0;
  double log_sum = 0;
  for (double ratio : figures.produce_ratios) log_sum += std::log(ratio);
  const double produce_ratio = std::exp(log_sum / figures.produce_ratios.size());
  fmt::print("broker_bench produce_vs_mock={:.2f} consume_vs_mock={:.2f} p99_latency_ms={:.2f} "
             "p99_vs_mock={:.2f} idle_rss_mib={:.1f} rss_1000_partitions_mib={:.1f}\n",
             produce_ratio, figures.consume_ratio, figures.brook_p99, figures.p99_ratio,
             figures.idle_rss, figures.many_partitions_rss);
  return 0;
}
