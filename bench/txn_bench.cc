// txn_bench: what idempotence and transactions cost against one brook-broker, each figure a
// ratio against a baseline measured in the same run on the same broker.
//
//   build/bin/txn_bench [--broker-bin PATH] [--records 5000000] [--rounds 5]
//                       [--ctp-records 1000000] [--ctp-runs 3] [--only produce|ctp]
//                       [--client-debug protocol,eos,msg]
//
// Brook runs as a child process (bench/broker_process.h) with its normal configuration, except
// group.initial.rebalance.delay.ms=0 (the CTP loops' joins are not timed; this only shortens the
// run). Topics have 4 partitions; values are 100 bytes. Every producer is librdkafka with
// enable.idempotence=true, acks=all, linger.ms=5 and its other defaults (bench/bench_producer.h).
// The first transactional and group requests (which create __transaction_state and
// __consumer_offsets) are made untimed first.
// 1. Produce, five cases, each with its own producer (created, initialised and warmed up
//    untimed) and topic:
//      plain      the baseline: one stream, as fast as the producer takes records;
//      flush1000  the same producer flushing every 1,000 records (no transactions): the cost of
//                 draining the pipeline that often, without the transaction protocol;
//      txnN       transactions of N = 100, 1,000, 10,000 records (begin, produce N, flush,
//                 commit, repeat; the flush is what commit_transaction() does first anyway,
//                 done separately to time the two steps).
//    --rounds rounds; in each, every case sends --records / --rounds records (rounded down to
//    a multiple of 10,000; txn100 a tenth of that, as it is ~20x slower), the order of the
//    cases rotating from round to round so the shared machine's load hits them alike.
//    Records/s over all rounds; the ratios are those of the totals, with the range of the
//    per-round ratios. Each round also prints the CPU time of the bench process (librdkafka's
//    threads) and of the broker, and the three busiest threads of the bench process.
// 2. Consume-transform-produce (bench/ctp_loop.h): an input topic pre-filled with
//    --ctp-records records; a consumer in a fresh group (read_committed; queued.min.messages
//    raised, as librdkafka 2.0.2 stalls up to 1 s after pausing a partition) reverses each value
//    into a fresh output topic and commits every 100 ms, exactly once (transactional producer,
//    send_offsets_to_transaction) or at least once (idempotent producer, flush, synchronous
//    offset commit). --ctp-runs runs per mode, alternating; input records/s from the first
//    record read to the last commit.
// Every delivery report, every input offset, the group's final offsets and the output record
// count (read_committed) are checked; a failed check exits with status 1. The last line is for
// scripts; the one before it has the other figures.

#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench/bench_producer.h"
#include "bench/bench_util.h"
#include "bench/broker_process.h"
#include "bench/cpu_usage.h"
#include "bench/ctp_loop.h"
#include "bench/kafka_bench_client.h"
#include "bench/rdkafka_handle.h"

namespace brook::bench {
namespace {

constexpr int kPartitions = 4;
constexpr size_t kValueBytes = 100;
constexpr uint64_t kLargestTransaction = 10'000;
constexpr int kCommitIntervalMs = 100;
constexpr int kCommittedTimeoutMs = 30'000;

struct Options {
  std::string broker_bin;
  uint64_t records = 5'000'000;
  int rounds = 5;
  uint64_t ctp_records = 1'000'000;
  int ctp_runs = 3;
  std::string only;          // "produce" or "ctp" (for profiling); empty runs both.
  std::string client_debug;  // librdkafka `debug` contexts for the producer cases; empty: none.
};

// One producer case: a plain idempotent producer (one stream, or flushing every `chunk`
// records) or a transactional one (transactions of `chunk` records).
struct ProduceCase {
  std::string name;
  bool transactional = false;
  uint64_t chunk = 0;
  uint64_t records_per_round = 0;
  std::unique_ptr<BenchProducer> producer;
  ProduceRun total;
  double client_cpu = 0;
  double broker_cpu = 0;
  std::vector<double> round_rates;
  double Rate() const { return total.records / total.seconds; }
};

// Indexes into the cases and their figures.
enum Case { kPlain, kFlush1000, kTxn100, kTxn1000, kTxn10000, kCaseCount };

struct Figures {
  std::array<double, kCaseCount> produce_rates{};
  std::array<double, 2> ctp_rates{};  // eos, alos.
};

std::string RateText(double records_per_s) {
  return fmt::format("{:.0f} records/s", records_per_s);
}

// Untimed: the first transactional and group requests create __transaction_state and
// __consumer_offsets (50 partitions each) on the broker's event loop.
Status WarmUp(const std::string& bootstrap) {
  fmt::print("warm-up, not in the figures:\n");
  Stopwatch watch;
  RdKafkaHandle producer;
  BROOK_ASSIGN_OR_RETURN(producer, NewRdKafka(RD_KAFKA_PRODUCER, bootstrap,
                                              {{"transactional.id", "txn-bench-warm-up"}}));
  BROOK_RETURN_IF_ERROR(
      TakeError(rd_kafka_init_transactions(producer.get(), 60'000), "init_transactions"));
  fmt::print("  first init_transactions (creates __transaction_state) {:.1f} ms\n", watch.Millis());
  watch.Restart();
  RdKafkaHandle consumer;
  BROOK_ASSIGN_OR_RETURN(consumer,
                         NewRdKafka(RD_KAFKA_CONSUMER, bootstrap, {{"group.id", "txn-bench"}}));
  PartitionList offsets(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(offsets.get(), "txn-bench-none", 0);
  BROOK_RETURN_IF_ERROR(ErrorCodeStatus(
      rd_kafka_committed(consumer.get(), offsets.get(), kCommittedTimeoutMs), "committed"));
  fmt::print("  first OffsetFetch (creates __consumer_offsets) {:.1f} ms\n", watch.Millis());
  return Status::Ok();
}

// The all-rounds line of every case; fills figures.produce_rates.
void PrintTotals(const std::vector<ProduceCase>& cases, int rounds, Figures& figures) {
  const ProduceCase& plain = cases[kPlain];
  for (size_t i = 0; i < cases.size(); ++i) {
    const ProduceCase& c = cases[i];
    figures.produce_rates[i] = c.Rate();
    std::string line = fmt::format(
        "  all rounds  {:<9} {:>8} records in {:6.3f} s  {:>17}  CPU per record {:.2f} us / "
        "{:.2f} us",
        c.name, c.total.records, c.total.seconds, RateText(c.Rate()),
        c.client_cpu * 1e6 / c.total.records, c.broker_cpu * 1e6 / c.total.records);
    if (i != kPlain) {
      std::vector<double> ratios;
      for (int r = 0; r < rounds; ++r) {
        ratios.push_back(c.round_rates[r] / plain.round_rates[r]);
      }
      auto [low, high] = std::minmax_element(ratios.begin(), ratios.end());
      line += fmt::format("  vs plain {:.2f} (rounds {:.2f} to {:.2f})", c.Rate() / plain.Rate(),
                          *low, *high);
    }
    if (c.transactional) {
      line += fmt::format(
          "; per txn {:.3f} ms, of which flush {:.3f} and commit {:.3f} (max {:.1f})",
          c.total.seconds * 1000 / c.total.chunks, c.total.flush_seconds * 1000 / c.total.chunks,
          c.total.commit_seconds * 1000 / c.total.chunks, c.total.max_commit_ms);
    } else if (c.total.chunks > 0) {
      line += fmt::format("; per chunk {:.3f} ms, of which flush {:.3f}",
                          c.total.seconds * 1000 / c.total.chunks,
                          c.total.flush_seconds * 1000 / c.total.chunks);
    }
    fmt::print("{}\n", line);
  }
}

Status RunProduce(const Options& options, const BrokerProcess& broker, Figures& figures) {
  // Every case sends whole transactions of the largest size in each round.
  const uint64_t share =
      std::max<uint64_t>(kLargestTransaction, (options.records / options.rounds) /
                                                  kLargestTransaction * kLargestTransaction);
  std::vector<ProduceCase> cases(kCaseCount);
  cases[kPlain] = {"plain", false, 0, share};
  cases[kFlush1000] = {"flush1000", false, 1'000, share};
  cases[kTxn100] = {"txn100", true, 100, share / 10};
  cases[kTxn1000] = {"txn1000", true, 1'000, share};
  cases[kTxn10000] = {"txn10000", true, 10'000, share};
  for (ProduceCase& c : cases) {
    const std::string topic = "produce-" + c.name;
    BROOK_RETURN_IF_ERROR(CreateTopicWithAdmin(broker.bootstrap(), topic, kPartitions));
    BenchProducer::Config config{topic, kPartitions, kValueBytes,
                                 c.transactional ? "txn-bench-" + c.name : "",
                                 options.client_debug};
    BROOK_ASSIGN_OR_RETURN(c.producer, BenchProducer::Create(broker.bootstrap(), config));
  }
  fmt::print(
      "produce: {} rounds, the cases in rotating order; per round {} records per case "
      "(txn100: {}); CPU = user + system of this process (librdkafka) / of the broker\n",
      options.rounds, share, share / 10);
  for (int round = 0; round < options.rounds; ++round) {
    for (size_t k = 0; k < cases.size(); ++k) {
      ProduceCase& c = cases[(k + round) % cases.size()];
      const double client_before = ProcessCpuSeconds(getpid());
      const double broker_before = ProcessCpuSeconds(broker.pid());
      const std::map<std::string, double> threads_before = ThreadCpuSeconds();
      ProduceRun run;
      BROOK_ASSIGN_OR_RETURN(run, c.producer->Produce(c.records_per_round, c.chunk));
      const double client_cpu = ProcessCpuSeconds(getpid()) - client_before;
      const double broker_cpu = ProcessCpuSeconds(broker.pid()) - broker_before;
      const std::string threads = DescribeThreadCpu(threads_before, ThreadCpuSeconds(), 3);
      c.client_cpu += client_cpu;
      c.broker_cpu += broker_cpu;
      c.total.records += run.records;
      c.total.seconds += run.seconds;
      c.total.chunks += run.chunks;
      c.total.flush_seconds += run.flush_seconds;
      c.total.commit_seconds += run.commit_seconds;
      c.total.max_commit_ms = std::max(c.total.max_commit_ms, run.max_commit_ms);
      c.round_rates.push_back(run.records / run.seconds);
      std::string line = fmt::format(
          "  round {}  {:<9} {:>8} records in {:6.3f} s  {:>17}  CPU {:.2f} s / {:.2f} s",
          round + 1, c.name, run.records, run.seconds, RateText(run.records / run.seconds),
          client_cpu, broker_cpu);
      if (run.chunks > 0) {
        line += fmt::format("  {} {}: flush {:.3f} ms", run.chunks,
                            c.transactional ? "txns" : "flushes",
                            run.flush_seconds * 1000 / run.chunks);
      }
      if (c.transactional) {
        line += fmt::format(" + commit {:.3f} ms each (max {:.1f})",
                            run.commit_seconds * 1000 / run.chunks, run.max_commit_ms);
      }
      fmt::print("{}\n    busiest threads here: {}\n", line, threads);
    }
  }
  PrintTotals(cases, options.rounds, figures);
  fmt::print("  txn1000 vs flush1000 {:.2f}\n", cases[kTxn1000].Rate() / cases[kFlush1000].Rate());
  return Status::Ok();
}

Status RunCtp(const Options& options, const BrokerProcess& broker, Figures& figures) {
  const std::string input = "ctp-input";
  BROOK_RETURN_IF_ERROR(CreateTopicWithAdmin(broker.bootstrap(), input, kPartitions));
  ProduceOptions fill{input, kPartitions, "all", options.ctp_records, kValueBytes, 5};
  ProduceResult filled;
  BROOK_ASSIGN_OR_RETURN(filled, ProduceRecords(broker.bootstrap(), fill));
  fmt::print(
      "consume-transform-produce: input {} records in {} partitions (filled untimed in {:.2f} s); "
      "commit every {} ms; {} runs per mode, alternating; CPU (this process / the broker) "
      "includes the untimed join and output check\n",
      options.ctp_records, kPartitions, filled.seconds, kCommitIntervalMs, options.ctp_runs);
  const std::array<const char*, 2> modes = {"eos", "alos"};
  std::array<uint64_t, 2> records{};
  std::array<double, 2> seconds{};
  for (int run = 0; run < options.ctp_runs; ++run) {
    for (int k = 0; k < 2; ++k) {
      const int mode = (k + run + 1) % 2;  // ALOS first in the first run.
      const std::string name = fmt::format("ctp-{}-{}", modes[mode], run + 1);
      BROOK_RETURN_IF_ERROR(CreateTopicWithAdmin(broker.bootstrap(), name, kPartitions));
      CtpConfig config{.input_topic = input,
                       .output_topic = name,
                       .partitions = kPartitions,
                       .input_records = options.ctp_records,
                       .group_id = name,
                       .transactional_id = mode == 0 ? name : "",
                       .commit_interval_ms = kCommitIntervalMs};
      const double client_before = ProcessCpuSeconds(getpid());
      const double broker_before = ProcessCpuSeconds(broker.pid());
      CtpRun result;
      BROOK_ASSIGN_OR_RETURN(result, RunConsumeTransformProduce(broker.bootstrap(), config));
      // Both include the untimed join and the output check.
      const double client_cpu = ProcessCpuSeconds(getpid()) - client_before;
      const double broker_cpu = ProcessCpuSeconds(broker.pid()) - broker_before;
      records[mode] += result.records;
      seconds[mode] += result.seconds;
      fmt::print(
          "  run {}  {:<4} {:>8} records in {:6.3f} s  {:>17}  {} commits, {:.1f} ms each "
          "(max {:.1f}), {:.0f}% of the time; waiting for input {:.0f}% (longest {:.0f} ms); CPU "
          "{:.2f} s / {:.2f} s\n"
          "    busiest threads in the timed part: {}\n",
          run + 1, modes[mode], result.records, result.seconds,
          RateText(result.records / result.seconds), result.commits,
          result.commit_seconds * 1000 / result.commits, result.max_commit_ms,
          100 * result.commit_seconds / result.seconds, 100 * result.idle_seconds / result.seconds,
          result.max_idle_ms, client_cpu, broker_cpu, result.busiest_threads);
    }
  }
  for (int mode = 0; mode < 2; ++mode) {
    figures.ctp_rates[mode] = records[mode] / seconds[mode];
    fmt::print("  all runs  {:<4} {:>8} records in {:6.3f} s  {:>17}\n", modes[mode], records[mode],
               seconds[mode], RateText(figures.ctp_rates[mode]));
  }
  fmt::print("  eos/alos {:.2f}\n", figures.ctp_rates[0] / figures.ctp_rates[1]);
  return Status::Ok();
}

Status Run(const Options& options, Figures& figures) {
  std::unique_ptr<BrokerProcess> broker;
  BROOK_ASSIGN_OR_RETURN(broker, BrokerProcess::Start(options.broker_bin,
                                                      {{"group.initial.rebalance.delay.ms", "0"}}));
  fmt::print(
      "txn_bench: brook-broker pid {} at {} (group.initial.rebalance.delay.ms=0); librdkafka {}; "
      "topics of {} partitions, {}-byte values; producers: enable.idempotence=true, acks=all, "
      "linger.ms=5\n",
      broker->pid(), broker->bootstrap(), rd_kafka_version_str(), kPartitions, kValueBytes);
  BROOK_RETURN_IF_ERROR(WarmUp(broker->bootstrap()));
  if (options.only != "ctp") BROOK_RETURN_IF_ERROR(RunProduce(options, *broker, figures));
  if (options.only != "produce") BROOK_RETURN_IF_ERROR(RunCtp(options, *broker, figures));
  return broker->Stop();
}

}  // namespace
}  // namespace brook::bench

int main(int argc, char** argv) {
  using namespace brook::bench;
  Options options;
  options.broker_bin = DefaultBrokerBinary();
  CLI::App app{
      "txn_bench: idempotent and transactional producers, and exactly-once against "
      "at-least-once consume-transform-produce, on brook-broker"};
  app.add_option("--broker-bin", options.broker_bin, "the brook-broker binary")
      ->capture_default_str();
  app.add_option("--records", options.records,
                 "records per producer case over all rounds (txn100: a tenth); scales the run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--rounds", options.rounds, "producer rounds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--ctp-records", options.ctp_records, "records in the CTP input topic")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--ctp-runs", options.ctp_runs, "CTP runs per mode")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--only", options.only, "run one part (for profiling); no summary line")
      ->check(CLI::IsMember({"produce", "ctp"}));
  app.add_option("--client-debug", options.client_debug,
                 "librdkafka debug contexts for the producer cases (e.g. protocol,eos,msg), "
                 "logged to stderr with microsecond timestamps");
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  Figures figures;
  brook::Status status = Run(options, figures);
  if (!status.ok()) {
    std::fprintf(stderr, "txn_bench: FAILED: %s\n", status.ToString().c_str());
    return 1;
  }
  if (!options.only.empty()) return 0;
  const auto& rate = figures.produce_rates;
  fmt::print(
      "plain_records_per_s={:.0f} flush1000_records_per_s={:.0f} txn100_records_per_s={:.0f} "
      "txn1000_records_per_s={:.0f} txn10000_records_per_s={:.0f} txn100_vs_plain={:.2f} "
      "txn10000_vs_plain={:.2f} txn1000_vs_flush1000={:.2f} ctp_eos_records_per_s={:.0f} "
      "ctp_alos_records_per_s={:.0f}\n",
      rate[kPlain], rate[kFlush1000], rate[kTxn100], rate[kTxn1000], rate[kTxn10000],
      rate[kTxn100] / rate[kPlain], rate[kTxn10000] / rate[kPlain],
      rate[kTxn1000] / rate[kFlush1000], figures.ctp_rates[0], figures.ctp_rates[1]);
  fmt::print("txn_bench txn1000_vs_plain={:.2f} ctp_eos_vs_alos={:.2f}\n",
             rate[kTxn1000] / rate[kPlain], figures.ctp_rates[0] / figures.ctp_rates[1]);
  return 0;
}
