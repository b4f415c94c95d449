// groups_bench: consumer-group rebalance time and offset-commit throughput of brook-broker, with
// librdkafka's mock cluster as the baseline in the same run and the same client code on both
// sides; only the bootstrap address differs.
//
//   build/bin/groups_bench [--broker-bin PATH] [--runs 3] [--commit-seconds 5]
//                          [--initial-rebalance-delay-ms 3000] [--target both|brook|mock]
//                          [--session-timeout-ms 10000] [--heartbeat-interval-ms 3000]
//
// The consumers keep librdkafka's defaults except session.timeout.ms: 10 s (Kafka's default
// before 3.0) instead of 45 s, because the mock holds every rebalance of a non-empty group for
// session.timeout.ms - 1 s.
//
// Brook runs as a child process (bench/broker_process.h) with its normal configuration, except
// that group.initial.rebalance.delay.ms is passed explicitly (default: 3000, Brook's and Kafka's
// default) so the output can say what it was. The mock cluster runs on threads of this process.
// Both get a topic of 64 partitions holding 100 records of 100 bytes each, and one untimed
// OffsetFetch first (the first group request creates Brook's __consumer_offsets, as in Kafka).
// 1. Rebalance: for groups of 1, 4 and 16 librdkafka KafkaConsumers (range assignor, eager
//    protocol, each polled on its own thread, auto.offset.reset=earliest and no commits, so every
//    assignment has records to read), N-1 members join a fresh group and settle (every partition
//    assigned exactly once, every member has read a record since its assignment, nothing changes
//    for 1 s). Then the N-th member subscribes; the time runs from that call until every member
//    again has an assignment covering the topic and has read a record from it. For N = 1 this is
//    the first member's join into an empty group, which includes the initial rebalance delay.
//    Printed per run: when the last of the N-1 had its partitions revoked (it learns of the
//    rebalance from a Heartbeat), when the last got its new assignment, and when the last read a
//    record (the reported time). --runs runs per size and side, the sides alternating; medians,
//    and for N > 1 the median of "last revoked -> all assigned", the part the broker controls.
// 2. Offset commits: one consumer per side in a settled group commits offsets of partition 0
//    (increasing, one partition per call) with rd_kafka_commit(async=0) in a loop, in 0.25 s
//    slices that alternate between the sides (the machine's load changes faster than a run),
//    --commit-seconds per side; commits/s, and the median of the ratios of neighbouring slices.
//    The last committed offset is read back with rd_kafka_committed().
// A failed check or a group that does not settle exits with status 1. The last line is for
// scripts and holds Brook's figures.

#include <librdkafka/rdkafka.h>

#include <algorithm>
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
#include "bench/group_member.h"
#include "bench/kafka_bench_client.h"
#include "bench/mock_cluster.h"

namespace brook::bench {
namespace {

constexpr int kPartitions = 64;
constexpr int64_t kRecordsPerPartition = 100;
constexpr size_t kValueBytes = 100;
const std::vector<int> kGroupSizes = {1, 4, 16};
constexpr auto kQuiet = std::chrono::seconds(1);  // A settled group stays unchanged this long.
constexpr auto kWaitStep = std::chrono::milliseconds(2);
constexpr int kWarmupCommits = 50;
constexpr double kCommitSliceS = 0.25;
constexpr int kCommittedTimeoutMs = 10'000;
// The mock cluster's fixed delay before it answers the first JoinGroup of an empty group
// (rd_kafka_mock_cgrp_rebalance in librdkafka 2.0.2's src/rdkafka_mock_cgrp.c).
constexpr int kMockInitialDelayMs = 3000;
const char* const kTopic = "groups-p64";

struct Options {
  std::string broker_bin;
  int runs = 3;
  double commit_seconds = 5;
  int initial_rebalance_delay_ms = 3000;
  int session_timeout_ms = 10'000;
  int heartbeat_interval_ms = 3000;
  std::string target = "both";
  std::string client_debug;  // librdkafka's `debug` contexts for the consumers; empty: none.
  std::vector<int> sizes = kGroupSizes;
  std::string only;  // "rebalance" or "commit" (for debugging); empty runs both.
  // The summary line needs every part at its default shape.
  bool Complete() const { return only.empty() && sizes == kGroupSizes; }
};

// One side of the comparison: where clients connect and how a topic gets created there.
struct Target {
  std::string name;
  std::string bootstrap;
  std::function<Status(const std::string& topic, int partitions)> create_topic;
};

using Members = std::vector<std::unique_ptr<GroupMember>>;
using States = std::vector<MemberState>;

GroupMember::Settings ConsumerSettings(const Options& options) {
  GroupMember::Settings settings = {
      {"auto.offset.reset", "earliest"},
      {"enable.auto.commit", "false"},
      {"enable.partition.eof", "false"},
      {"session.timeout.ms", std::to_string(options.session_timeout_ms)},
      {"heartbeat.interval.ms", std::to_string(options.heartbeat_interval_ms)}};
  if (!options.client_debug.empty()) settings.emplace_back("debug", options.client_debug);
  return settings;
}

double Millis(int64_t nanos) { return static_cast<double>(nanos) / 1e6; }

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

States StatesOf(const Members& members) {
  States states;
  for (const auto& member : members) states.push_back(member->State());
  return states;
}

// Empty when the assignments cover each partition of the topic exactly once; else the problem.
std::string CoverageProblem(const States& states) {
  std::vector<int> owners(kPartitions, 0);
  for (const MemberState& state : states) {
    for (int32_t p : state.partitions) {
      if (p < 0 || p >= kPartitions) return fmt::format("partition {} assigned", p);
      ++owners[p];
    }
  }
  for (int p = 0; p < kPartitions; ++p) {
    if (owners[p] != 1) return fmt::format("partition {} assigned to {} members", p, owners[p]);
  }
  return "";
}

// Every member holds a share of a complete assignment and has read a record since it got it.
bool AllConsuming(const States& states) {
  for (const MemberState& state : states) {
    if (state.partitions.empty() || state.consuming_ns == 0) return false;
  }
  return CoverageProblem(states).empty();
}

// One line per member, for the message of a group that did not get there.
std::string Describe(const States& states, int64_t origin_ns) {
  auto since = [origin_ns](int64_t ns) {
    return ns == 0 ? std::string("-") : fmt::format("{:.0f} ms", Millis(ns - origin_ns));
  };
  std::string text = CoverageProblem(states);
  for (size_t i = 0; i < states.size(); ++i) {
    const MemberState& state = states[i];
    text += fmt::format(
        "\n    member {}: {} partitions, revoked {}, assigned {}, consuming {}, {} rebalances, "
        "{} records, last error: {}",
        i, state.partitions.size(), since(state.revoked_ns), since(state.assigned_ns),
        since(state.consuming_ns), state.rebalances, state.records,
        state.last_error.empty() ? "none" : state.last_error);
  }
  return text;
}

// Polls the members' states until `done` holds; TimedOut after `timeout_s`.
Result<States> WaitFor(const Members& members, double timeout_s, const std::string& what,
                       int64_t origin_ns, const std::function<bool(const States&)>& done) {
  Stopwatch watch;
  while (true) {
    States states = StatesOf(members);
    if (done(states)) return states;
    if (watch.Seconds() > timeout_s) {
      return Status::TimedOut(fmt::format("{} members: not {} after {:.0f} s: {}", members.size(),
                                          what, timeout_s, Describe(states, origin_ns)));
    }
    std::this_thread::sleep_for(kWaitStep);
  }
}

int TotalRebalances(const States& states) {
  int total = 0;
  for (const MemberState& state : states) total += state.rebalances;
  return total;
}

// Waits until the members consume a complete assignment and nothing changes for kQuiet.
Status Settle(const Members& members, double timeout_s) {
  const int64_t origin = SteadyNanos();
  Stopwatch watch;
  while (true) {
    States states;
    BROOK_ASSIGN_OR_RETURN(
        states, WaitFor(members, timeout_s - watch.Seconds(), "settled", origin, AllConsuming));
    std::this_thread::sleep_for(kQuiet);
    States later = StatesOf(members);
    if (AllConsuming(later) && TotalRebalances(later) == TotalRebalances(states)) {
      return Status::Ok();
    }
  }
}

Result<std::unique_ptr<GroupMember>> Join(const Target& target, const std::string& group,
                                          const Options& options) {
  std::unique_ptr<GroupMember> member;
  BROOK_ASSIGN_OR_RETURN(member,
                         GroupMember::Create(target.bootstrap, group, ConsumerSettings(options)));
  BROOK_RETURN_IF_ERROR(member->Subscribe(kTopic));
  return member;
}

// Stops every member at once (each leaves the group from its own thread) and waits for them.
void StopAll(Members& members) {
  for (auto& member : members) member->RequestStop();
  members.clear();
}

// Times from the N-th member's subscribe: the last revocation of the N-1 settled members, the
// last new assignment, and the moment the last member read a record of it.
struct RebalanceSample {
  double revoked_ms = 0;
  double assigned_ms = 0;
  double consuming_ms = 0;
};

Result<RebalanceSample> MeasureRebalance(const Target& target, int size, const std::string& group,
                                         const Options& options) {
  const double timeout_s = 30 + 3 * options.session_timeout_ms / 1000.0;
  Members members;
  for (int i = 0; i + 1 < size; ++i) {
    std::unique_ptr<GroupMember> member;
    BROOK_ASSIGN_OR_RETURN(member, Join(target, group, options));
    members.push_back(std::move(member));
  }
  if (!members.empty()) {
    Status settled = Settle(members, timeout_s);
    if (!settled.ok()) {
      StopAll(members);
      return Status(settled.code(),
                    fmt::format("group {} before the last join: {}", group, settled.message()));
    }
  }
  std::unique_ptr<GroupMember> last;
  BROOK_ASSIGN_OR_RETURN(last,
                         GroupMember::Create(target.bootstrap, group, ConsumerSettings(options)));
  const int64_t start = SteadyNanos();
  BROOK_RETURN_IF_ERROR(last->Subscribe(kTopic));
  members.push_back(std::move(last));
  auto rejoined = [start](const States& states) {
    for (const MemberState& state : states) {
      if (state.assigned_ns <= start) return false;
    }
    return AllConsuming(states);
  };
  Result<States> done = WaitFor(members, timeout_s, "rebalanced", start, rejoined);
  StopAll(members);
  if (!done.ok()) {
    return Status(done.status().code(),
                  fmt::format("group {} after the last join: {}", group, done.status().message()));
  }
  RebalanceSample sample;
  for (size_t i = 0; i < done->size(); ++i) {
    const MemberState& state = (*done)[i];
    if (i + 1 < done->size()) {
      sample.revoked_ms = std::max(sample.revoked_ms, Millis(state.revoked_ns - start));
    }
    sample.assigned_ms = std::max(sample.assigned_ms, Millis(state.assigned_ns - start));
    sample.consuming_ms = std::max(sample.consuming_ms, Millis(state.consuming_ns - start));
  }
  return sample;
}

struct Figures {
  std::vector<std::array<double, 2>> rebalance_ms;  // Per group size: median per side.
  // Per group size above 1: from the last revocation to all assigned, median per side.
  std::vector<std::array<double, 2>> rejoin_ms;
  std::array<double, 2> commits_per_s{};
  double commits_ratio = 0;  // Brook/mock: the median of the ratios of neighbouring slices.
};

Status RunRebalance(const Options& options, const std::vector<Target*>& targets, Figures& figures) {
  fmt::print(
      "rebalance: the N-th consumer joins N-1 settled ones; ms from its subscribe until "
      "all N [revoked / assigned / consuming] again ({} runs, sides alternating)\n",
      options.runs);
  for (int size : options.sizes) {
    std::vector<std::vector<double>> totals(targets.size());
    std::vector<std::vector<double>> syncs(targets.size());  // Last revoked -> all assigned.
    for (int run = 0; run < options.runs; ++run) {
      for (size_t k = 0; k < targets.size(); ++k) {
        const size_t side = (k + run) % targets.size();
        const Target& target = *targets[side];
        const std::string group = fmt::format("rebalance-n{}-run{}", size, run + 1);
        RebalanceSample sample;
        BROOK_ASSIGN_OR_RETURN(sample, MeasureRebalance(target, size, group, options));
        totals[side].push_back(sample.consuming_ms);
        syncs[side].push_back(sample.assigned_ms - sample.revoked_ms);
        const std::string revoked =
            size == 1 ? std::string("-") : fmt::format("{:.1f}", sample.revoked_ms);
        fmt::print("  N={:<2} run {}  {:<5} {:>8} / {:>8.1f} / {:>8.1f} ms\n", size, run + 1,
                   target.name, revoked, sample.assigned_ms, sample.consuming_ms);
      }
    }
    std::array<double, 2> medians{};
    std::string line = fmt::format("  N={:<2} median", size);
    for (size_t side = 0; side < targets.size(); ++side) {
      medians[side] = Median(totals[side]);
      line += fmt::format("  {} {:.1f} ms", targets[side]->name, medians[side]);
    }
    if (targets.size() == 2) line += fmt::format("  brook/mock {:.2f}", medians[0] / medians[1]);
    fmt::print("{}\n", line);
    if (size > 1) {
      // The broker's share: from the last member learning of the rebalance (its revocation)
      // until all have their assignment: JoinGroup, the end of the join phase, SyncGroup.
      line = fmt::format("  N={:<2} median from the last revocation to all assigned", size);
      std::array<double, 2> sync_medians{};
      for (size_t side = 0; side < targets.size(); ++side) {
        sync_medians[side] = Median(syncs[side]);
        line += fmt::format("  {} {:.1f} ms", targets[side]->name, sync_medians[side]);
      }
      fmt::print("{}\n", line);
      figures.rejoin_ms.push_back(sync_medians);
    }
    figures.rebalance_ms.push_back(medians);
  }
  return Status::Ok();
}

struct CommitTally {
  uint64_t commits = 0;
  double seconds = 0;
  int64_t next_offset = 1;
  std::vector<double> slice_rates;  // Commits/s of each timed slice, in order.
};

// Commits increasing offsets of partition 0, one synchronous rd_kafka_commit() each, for
// `seconds` (or `count` commits when `count` > 0).
Status CommitLoop(GroupMember& member, double seconds, int count, CommitTally& tally) {
  rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_t* partition = rd_kafka_topic_partition_list_add(offsets, kTopic, 0);
  Status status = Status::Ok();
  Stopwatch watch;
  uint64_t done = 0;
  while (count > 0 ? done < static_cast<uint64_t>(count) : watch.Seconds() < seconds) {
    partition->offset = tally.next_offset;
    rd_kafka_resp_err_t err = rd_kafka_commit(member.handle(), offsets, 0);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = Status::Internal(
          fmt::format("commit of offset {}: {}", tally.next_offset, rd_kafka_err2str(err)));
      break;
    }
    ++tally.next_offset;
    ++done;
  }
  if (count == 0) {
    const double elapsed = watch.Seconds();
    tally.seconds += elapsed;
    tally.commits += done;
    tally.slice_rates.push_back(done / elapsed);
  }
  rd_kafka_topic_partition_list_destroy(offsets);
  return status;
}

// The group's committed offset of partition 0 must be the last one committed.
Status CheckCommitted(GroupMember& member, const CommitTally& tally) {
  rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_t* partition = rd_kafka_topic_partition_list_add(offsets, kTopic, 0);
  rd_kafka_resp_err_t err = rd_kafka_committed(member.handle(), offsets, kCommittedTimeoutMs);
  const int64_t committed = partition->offset;
  const rd_kafka_resp_err_t partition_err = partition->err;
  rd_kafka_topic_partition_list_destroy(offsets);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || partition_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Internal(
        fmt::format("committed: {} / {}", rd_kafka_err2str(err), rd_kafka_err2str(partition_err)));
  }
  if (committed != tally.next_offset - 1) {
    return Status::Internal(fmt::format("committed offset {} read back, {} was committed last",
                                        committed, tally.next_offset - 1));
  }
  return Status::Ok();
}

Status RunCommits(const Options& options, const std::vector<Target*>& targets, Figures& figures) {
  fmt::print(
      "offset commits: one consumer, rd_kafka_commit(async=0) of one partition's offset, "
      "{:.0f} s per side in {:.2f} s slices, sides alternating\n",
      options.commit_seconds, kCommitSliceS);
  const double timeout_s = 30 + 3 * options.session_timeout_ms / 1000.0;
  std::vector<Members> members(targets.size());
  for (size_t side = 0; side < targets.size(); ++side) {
    std::unique_ptr<GroupMember> member;
    BROOK_ASSIGN_OR_RETURN(member, Join(*targets[side], "commit-bench", options));
    members[side].push_back(std::move(member));
  }
  std::vector<CommitTally> tallies(targets.size());
  Status status = Status::Ok();
  for (size_t side = 0; side < targets.size() && status.ok(); ++side) {
    status = Settle(members[side], timeout_s);
    if (status.ok()) status = CommitLoop(*members[side][0], 0, kWarmupCommits, tallies[side]);
  }
  const int slices =
      std::max(1, static_cast<int>(std::lround(options.commit_seconds / kCommitSliceS)));
  for (int slice = 0; slice < slices && status.ok(); ++slice) {
    for (size_t k = 0; k < targets.size() && status.ok(); ++k) {
      const size_t side = (k + slice) % targets.size();
      status = CommitLoop(*members[side][0], kCommitSliceS, 0, tallies[side]);
    }
  }
  for (size_t side = 0; side < targets.size() && status.ok(); ++side) {
    status = CheckCommitted(*members[side][0], tallies[side]);
    const CommitTally& tally = tallies[side];
    figures.commits_per_s[side] = tally.commits / tally.seconds;
    std::vector<double> rates = tally.slice_rates;
    std::sort(rates.begin(), rates.end());
    fmt::print(
        "  {:<5} {:>7} commits in {:.2f} s  {:>6.0f} commits/s  ({:.3f} ms each; slices {:.0f} "
        "to {:.0f}, median {:.0f} commits/s)\n",
        targets[side]->name, tally.commits, tally.seconds, figures.commits_per_s[side],
        1000 * tally.seconds / tally.commits, rates.front(), rates.back(), Median(rates));
  }
  for (auto& side_members : members) StopAll(side_members);
  BROOK_RETURN_IF_ERROR(status);
  if (targets.size() == 2) {
    std::vector<double> ratios;
    for (size_t i = 0; i < tallies[0].slice_rates.size(); ++i) {
      ratios.push_back(tallies[0].slice_rates[i] / tallies[1].slice_rates[i]);
    }
    std::sort(ratios.begin(), ratios.end());
    figures.commits_ratio = Median(ratios);
    fmt::print("  brook/mock {:.2f} (slice by slice: median {:.2f}, {:.2f} to {:.2f})\n",
               figures.commits_per_s[0] / figures.commits_per_s[1], Median(ratios), ratios.front(),
               ratios.back());
  }
  return Status::Ok();
}

Status PrepareTopic(const Target& target) {
  BROOK_RETURN_IF_ERROR(target.create_topic(kTopic, kPartitions));
  ProduceOptions produce{kTopic,      kPartitions,
                         "all",       static_cast<uint64_t>(kRecordsPerPartition) * kPartitions,
                         kValueBytes, 5};
  ProduceResult ignored;
  BROOK_ASSIGN_OR_RETURN(ignored, ProduceRecords(target.bootstrap, produce));
  return CheckWatermarks(target.bootstrap, kTopic, kPartitions, kRecordsPerPartition);
}

// The first group request to a broker finds the coordinator, and Kafka (like Brook) creates
// __consumer_offsets then. One rd_kafka_committed() for a group of its own takes that one-time
// cost out of the first measured run; it is printed, not counted.
Status WarmUpCoordinator(const Target& target, const Options& options) {
  std::unique_ptr<GroupMember> member;
  BROOK_ASSIGN_OR_RETURN(
      member, GroupMember::Create(target.bootstrap, "warm-up", ConsumerSettings(options)));
  rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(offsets, kTopic, 0);
  Stopwatch watch;
  rd_kafka_resp_err_t err = rd_kafka_committed(member->handle(), offsets, kCommittedTimeoutMs);
  const double millis = watch.Millis();
  rd_kafka_topic_partition_list_destroy(offsets);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Internal(
        fmt::format("{}: first OffsetFetch: {}", target.name, rd_kafka_err2str(err)));
  }
  fmt::print("  {:<5} first group request (FindCoordinator + OffsetFetch) {:.1f} ms\n", target.name,
             millis);
  return Status::Ok();
}

Status Run(const Options& options, Figures& figures) {
  const bool with_brook = options.target != "mock";
  const bool with_mock = options.target != "brook";
  fmt::print(
      "groups_bench: topic of {} partitions x {} records of {} B; consumers: librdkafka "
      "{}, range assignor (eager), session.timeout.ms={}, heartbeat.interval.ms={}, "
      "auto.offset.reset=earliest, enable.auto.commit=false\n",
      kPartitions, kRecordsPerPartition, kValueBytes, rd_kafka_version_str(),
      options.session_timeout_ms, options.heartbeat_interval_ms);
  std::unique_ptr<BrokerProcess> broker;
  std::unique_ptr<MockCluster> mock;
  Target brook_target;
  Target mock_target;
  std::vector<Target*> targets;  // Brook first when both run.
  if (with_brook) {
    BROOK_ASSIGN_OR_RETURN(
        broker, BrokerProcess::Start(options.broker_bin,
                                     {{"group.initial.rebalance.delay.ms",
                                       std::to_string(options.initial_rebalance_delay_ms)}}));
    fmt::print("brook-broker pid {} at {}: group.initial.rebalance.delay.ms={}{}\n", broker->pid(),
               broker->bootstrap(), options.initial_rebalance_delay_ms,
               options.initial_rebalance_delay_ms == 3000 ? " (the default, as in Kafka)" : "");
    brook_target = {"brook", broker->bootstrap(), [&](const std::string& topic, int p) {
                      return CreateTopicWithAdmin(broker->bootstrap(), topic, p);
                    }};
    targets.push_back(&brook_target);
  }
  if (with_mock) {
    BROOK_ASSIGN_OR_RETURN(mock, MockCluster::Start());
    fmt::print(
        "mock cluster (librdkafka {}, 1 broker) at {}: first join of an empty group "
        "waits {} ms; a join into a non-empty group waits session.timeout.ms - 1000 = "
        "{} ms, even when every member has rejoined sooner\n",
        rd_kafka_version_str(), mock->bootstrap(), kMockInitialDelayMs,
        options.session_timeout_ms - 1000);
    mock_target = {"mock", mock->bootstrap(),
                   [&](const std::string& topic, int p) { return mock->CreateTopic(topic, p); }};
    targets.push_back(&mock_target);
  }
  fmt::print("coordinator warm-up, not in the figures:\n");
  for (Target* target : targets) {
    BROOK_RETURN_IF_ERROR(PrepareTopic(*target));
    BROOK_RETURN_IF_ERROR(WarmUpCoordinator(*target, options));
  }
  if (options.only != "commit") BROOK_RETURN_IF_ERROR(RunRebalance(options, targets, figures));
  if (options.only != "rebalance") BROOK_RETURN_IF_ERROR(RunCommits(options, targets, figures));
  if (broker != nullptr) return broker->Stop();
  return Status::Ok();
}

}  // namespace
}  // namespace brook::bench

int main(int argc, char** argv) {
  using namespace brook::bench;
  Options options;
  options.broker_bin = DefaultBrokerBinary();
  CLI::App app{
      "groups_bench: consumer-group rebalance time and offset commits, brook-broker "
      "against librdkafka's mock cluster"};
  app.add_option("--broker-bin", options.broker_bin, "the brook-broker binary")
      ->capture_default_str();
  app.add_option("--runs", options.runs, "rebalance runs per group size and side")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--commit-seconds", options.commit_seconds, "offset-commit time per side")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--initial-rebalance-delay-ms", options.initial_rebalance_delay_ms,
                 "Brook's group.initial.rebalance.delay.ms")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--session-timeout-ms", options.session_timeout_ms,
                 "the consumers' session.timeout.ms")
      ->capture_default_str()
      ->check(CLI::Range(6000, 300000));
  app.add_option("--heartbeat-interval-ms", options.heartbeat_interval_ms,
                 "the consumers' heartbeat.interval.ms")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--target", options.target, "which side(s) to measure")
      ->capture_default_str()
      ->check(CLI::IsMember({"both", "brook", "mock"}));
  app.add_option("--client-debug", options.client_debug,
                 "librdkafka debug contexts for the consumers (e.g. cgrp), logged to stderr");
  app.add_option("--sizes", options.sizes, "group sizes (for debugging; no summary line)")
      ->check(CLI::Range(1, kPartitions));
  app.add_option("--only", options.only, "run one part (for debugging); no summary line")
      ->check(CLI::IsMember({"rebalance", "commit"}));
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  Figures figures;
  brook::Status status = Run(options, figures);
  if (!status.ok()) {
    std::fprintf(stderr, "groups_bench: FAILED: %s\n", status.ToString().c_str());
    return 1;
  }
  if (!options.Complete()) return 0;
  // Side 0 is Brook unless only the mock ran; then the figures are the mock's and say so.
  const char* prefix = options.target == "mock" ? "groups_bench (mock only)" : "groups_bench";
  const auto& rebalance = figures.rebalance_ms;
  std::string details =
      fmt::format("rebalance_ms_1={:.1f} rebalance_ms_4={:.1f}", rebalance[0][0], rebalance[1][0]);
  details += fmt::format(" rejoin_ms_4={:.1f} rejoin_ms_16={:.1f}", figures.rejoin_ms[0][0],
                         figures.rejoin_ms[1][0]);
  details += fmt::format(
      " initial_rebalance_delay_ms={}",
      options.target == "mock" ? kMockInitialDelayMs : options.initial_rebalance_delay_ms);
  if (options.target == "both") {
    details += fmt::format(
        " rebalance_1_vs_mock={:.2f} rebalance_4_vs_mock={:.2f} rebalance_16_vs_mock={:.2f} "
        "commits_vs_mock={:.2f}",
        rebalance[0][0] / rebalance[0][1], rebalance[1][0] / rebalance[1][1],
        rebalance[2][0] / rebalance[2][1], figures.commits_ratio);
  }
  fmt::print("{}\n", details);
  fmt::print("{} rebalance_ms_16={:.1f} commits_per_s={:.0f}\n", prefix, rebalance[2][0],
             figures.commits_per_s[0]);
  return 0;
}
