// state_bench: what Brook's state costs (issue 7), each figure a ratio against a baseline measured
// in the same run, because the machine is shared and noisy.
//
//   build/bin/state_bench [--records 1000000] [--count-runs 3] [--store-steps 1000000]
//                         [--store-keys 200000] [--store-runs 3] [--restore-bytes 1073741824]
//                         [--restore-value-bytes 512] [--restore-runs 1]
//                         [--only count|store|restore] [--broker-bin PATH] [--quick]
//
// 1. windowed_count_vs_raw: a Brook windowed count (10,000 keys, 1-minute tumbling windows,
//    RocksDB window store with its changelog, exactly_once_v2) against a hand-written
//    librdkafka loop counting in a std::unordered_map with the same transactional commits
//    (bench/state_windowed_count.h); input records/s, median Brook / median loop.
// 2. store_vs_rocksdb: get + put through Metered -> Caching -> ChangeLogging -> RocksDB against
//    rocksdb::DB with the same options (bench/state_store_ops.h); ops/s, median / median.
// 3. restore_vs_raw_read: restoring a --restore-bytes changelog into RocksDB against reading the
//    topic with a bare librdkafka consumer (bench/state_restore.h); bytes/s, median / median.
// Parts 1 and 3 run on one brook-broker child process (bench/broker_process.h). --quick sets
// small sizes and one run each (a few seconds of measuring). Logging is at warn unless
// BROOK_LOG_LEVEL says otherwise. The last line is for scripts.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <librdkafka/rdkafka.h>

#include "bench/bench_util.h"
#include "bench/broker_process.h"
#include "bench/state_restore.h"
#include "bench/state_store_ops.h"
#include "bench/state_windowed_count.h"
#include "common/logging.h"

namespace brook::bench {
namespace {

struct Options {
  std::string broker_bin;
  std::string only;  // "count", "store" or "restore"; empty runs all three.
  bool quick = false;
  WindowedCountOptions count;
  StoreOpsOptions store;
  RestoreOptions restore;
};

struct Figures {
  double count = 0;
  double store = 0;
  double restore = 0;
};

Status Run(Options& options, Figures& figures) {
  auto created = ScratchDir::Create("", "brook-state-bench");
  if (!created.ok()) return created.status();
  const ScratchDir scratch = std::move(created).value();
  options.count.scratch = options.restore.scratch = options.store.scratch = scratch.path();
  if (options.only.empty() || options.only == "store") {
    StoreOpsFigures store;
    BROOK_ASSIGN_OR_RETURN(store, RunStoreOps(options.store));
    figures.store = store.ratio();
  }
  if (options.only == "store") return Status::Ok();
  std::unique_ptr<BrokerProcess> broker;
  BROOK_ASSIGN_OR_RETURN(broker, BrokerProcess::Start(options.broker_bin,
                                                      {{"group.initial.rebalance.delay.ms", "0"}}));
  fmt::print("brook-broker pid {} at {} (group.initial.rebalance.delay.ms=0); librdkafka {}\n",
             broker->pid(), broker->bootstrap(), rd_kafka_version_str());
  if (options.only.empty() || options.only == "count") {
    WindowedCountFigures count;
    BROOK_ASSIGN_OR_RETURN(count, RunWindowedCount(broker->bootstrap(), options.count));
    figures.count = count.ratio();
  }
  if (options.only.empty() || options.only == "restore") {
    RestoreFigures restore;
    options.restore.broker_pid = broker->pid();
    BROOK_ASSIGN_OR_RETURN(restore, RunRestore(broker->bootstrap(), options.restore));
    figures.restore = restore.ratio();
  }
  return broker->Stop();
}

}  // namespace
}  // namespace brook::bench

int main(int argc, char** argv) {
  using namespace brook::bench;
  Options options;
  options.broker_bin = DefaultBrokerBinary();
  CLI::App app{
      "state_bench: a windowed count against a librdkafka loop, store put/get against RocksDB, "
      "restoration against a bare consumer"};
  app.add_option("--broker-bin", options.broker_bin, "the brook-broker binary")
      ->capture_default_str();
  app.add_flag("--quick", options.quick,
               "small sizes, one run each: --records 100000 --store-steps 200000 "
               "--store-keys 20000 --restore-bytes 64 MiB (explicit size flags still win)");
  app.add_option("--only", options.only, "run one part; no summary line")
      ->check(CLI::IsMember({"count", "store", "restore"}));
  auto* records = app.add_option("--records", options.count.records,
                                 "windowed count: input records")
                      ->capture_default_str()
                      ->check(CLI::PositiveNumber);
  auto* count_runs = app.add_option("--count-runs", options.count.runs,
                                    "windowed count: runs per side")
                         ->capture_default_str()
                         ->check(CLI::PositiveNumber);
  auto* steps = app.add_option("--store-steps", options.store.steps,
                               "store: steps (a get and a put each)")
                    ->capture_default_str()
                    ->check(CLI::PositiveNumber);
  auto* keys = app.add_option("--store-keys", options.store.keys, "store: distinct keys")
                   ->capture_default_str()
                   ->check(CLI::PositiveNumber);
  app.add_option("--store-value-bytes", options.store.value_bytes, "store: value size")
      ->capture_default_str()
      ->check(CLI::Range(20, 1 << 20));
  app.add_option("--store-commit-every", options.store.commit_every,
                 "store: steps between cache flushes (commits)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  auto* store_runs = app.add_option("--store-runs", options.store.runs, "store: runs per side")
                         ->capture_default_str()
                         ->check(CLI::PositiveNumber);
  auto* restore_bytes = app.add_option("--restore-bytes", options.restore.bytes,
                                       "restoration: changelog size in bytes (keys + values)")
                            ->capture_default_str()
                            ->check(CLI::PositiveNumber);
  app.add_option("--restore-value-bytes", options.restore.value_bytes,
                 "restoration: value size")
      ->capture_default_str()
      ->check(CLI::Range(20, 1 << 20));
  app.add_option("--restore-runs", options.restore.runs, "restoration: runs per side")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  if (options.quick) {
    if (records->count() == 0) options.count.records = 100'000;
    if (count_runs->count() == 0) options.count.runs = 1;
    if (steps->count() == 0) options.store.steps = 200'000;
    if (keys->count() == 0) options.store.keys = 20'000;
    if (store_runs->count() == 0) options.store.runs = 1;
    if (restore_bytes->count() == 0) options.restore.bytes = uint64_t{64} << 20;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  brook::InitLoggingFromEnv();
  // The apps' info lines (state changes, restoration progress) would bury the figures.
  if (std::getenv("BROOK_LOG_LEVEL") == nullptr) brook::SetLogLevel("warn");

  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) > 0) fmt::print("load average before: {:.2f}\n", load[0]);
  Figures figures;
  brook::Status status = brook::Status::Ok();
  try {
    status = Run(options, figures);
  } catch (const std::exception& e) {
    status = brook::Status::Internal(e.what());
  }
  if (!status.ok()) {
    std::fprintf(stderr, "state_bench: FAILED: %s\n", status.ToString().c_str());
    return 1;
  }
  if (getloadavg(load, 3) > 0) fmt::print("load average after: {:.2f}\n", load[0]);
  if (!options.only.empty()) return 0;
  fmt::print("state_bench windowed_count_vs_raw={:.2f} store_vs_rocksdb={:.2f} "
             "restore_vs_raw_read={:.2f}\n",
             figures.count, figures.store, figures.restore);
  return 0;
}
