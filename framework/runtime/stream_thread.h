#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/logging.h"
#include "common/metrics.h"
#include "common/result.h"
#include "framework/api/streams_config.h"
#include "framework/api/task_id.h"
#include "framework/client/consumer.h"
#include "framework/client/kafka_record_collector.h"
#include "framework/client/producer.h"
#include "framework/client/rebalance_listener.h"
#include "framework/runtime/stream_task.h"
#include "framework/state/state_directory.h"
#include "framework/state/store_changelog_reader.h"
#include "framework/topology/topology_builder.h"
#include "statestore/api/state_restore_listener.h"
#include "statestore/layers/thread_cache.h"

namespace brook::framework::runtime {

// One stream thread (Kafka Streams' StreamThread): a consumer in the application's group, a
// producer (transactional under exactly_once_v2), and the tasks of the partitions the group gave
// it. It polls, queues records into tasks, processes them lowest timestamp first per task,
// punctuates and commits every commit.interval.ms.
//
// States (Kafka Streams' StreamThread.State):
//
//   kCreated -> kStarting -> kPartitionsRevoked <-> kPartitionsAssigned -> kRunning
//                                    ^                                         |
//                                    +-----------------------------------------+
//   any -> kPendingShutdown -> kDead        (an error anywhere also ends in kDead)
//
// Rebalances as Kafka Streams handles them (eager protocol): on revocation the thread commits
// (at_least_once: flush, then commit offsets; exactly_once_v2: send offsets to the transaction
// and commit it) and closes its tasks; on loss it closes them without committing (aborting the
// transaction). A fenced or failed transaction closes every task without committing, makes a
// new producer and rejoins the group, so the tasks start again from the committed offsets.
//
// Thread safety: Start, RequestShutdown, Join, state and tasks may be called from any thread.
class StreamThread final : private client::RebalanceListener {
 public:
  enum class State {
    kCreated,
    kStarting,
    kPartitionsRevoked,
    kPartitionsAssigned,
    kRunning,
    kPendingShutdown,
    kDead
  };
  static std::string_view StateName(State state);

  struct TaskInfo {
    streams::TaskId id;
    std::vector<TopicPartition> partitions;
    std::shared_ptr<const TaskCounters> counters;
  };

  struct Options {
    std::string name;  // "<client id>-StreamThread-<n>", prefixes every log line
    std::shared_ptr<const topology::BuiltTopology> topology;
    streams::StreamsConfig config;
    client::Properties consumer_properties;  // complete: bootstrap, group.id, client.id, ...
    client::Properties producer_properties;
    std::string transactional_id;  // empty under at_least_once
    // Where tasks keep their stores (shared by the instance's threads).
    std::shared_ptr<state::StateDirectory> state_directory;
    // Told about every store restoration (KafkaStreams::setGlobalStateRestoreListener).
    std::shared_ptr<streams::StateRestoreListener> restore_listener;
    // The process's RocksDB block cache and write buffer manager (rocksdb.memory.max.bytes),
    // shared by every RocksDB store of every thread; outlives the threads.
    statestore::RocksDBResources* rocksdb_resources = nullptr;
    // The global store `name`, or nullptr (TaskOptions::global_store); empty without any.
    std::function<streams::StateStore*(const std::string&)> global_store;
    // Called on this thread at every state change, and once when it ends (with the error that
    // ended it, or null after a requested shutdown).
    std::function<void(State old_state, State new_state)> on_state_change;
    std::function<void(std::exception_ptr error)> on_exit;
    // Kafka's stream-thread-metrics of this thread, kept in KafkaStreams' metrics registry
    // (which outlives the thread); null ones are not measured. process_latency: one
    // observation per loop iteration that processed records (the time to process them),
    // commit_latency: one per commit of the processing loop.
    metrics::Counter* process_total = nullptr;
    metrics::Histogram* process_latency = nullptr;
    metrics::Histogram* commit_latency = nullptr;
  };

  // What the metrics endpoint reports of a task (stream-task-, stream-processor-node- and
  // stream-state-metrics), taken under the thread's task lock.
  struct StoreSnapshot {
    std::string name;
    std::string type;  // the metered layer's scope: "rocksdb", "in-memory-window", ...
    int64_t puts = 0;
    int64_t gets = 0;
    int64_t deletes = 0;
    int64_t entries = -1;             // approximate entries; -1: the store has no estimate
    std::filesystem::path directory;  // a persistent store's files; empty for in-memory ones
  };
  struct TaskSnapshot {
    streams::TaskId id;
    int64_t processed = 0;
    int64_t restore_remaining = 0;  // records left to restore (0 once running)
    std::shared_ptr<const TaskCounters> counters;
    std::vector<std::pair<std::string, uint64_t>> nodes;  // processor-node process-total
    std::vector<StoreSnapshot> stores;
  };

  // Creates the consumer and the producer (errors name the librdkafka property at fault).
  static Result<std::unique_ptr<StreamThread>> Create(Options options);
  ~StreamThread() override;
  StreamThread(const StreamThread&) = delete;
  StreamThread& operator=(const StreamThread&) = delete;

  void Start();
  // Asks the thread to commit, close its tasks, leave the group and end.
  void RequestShutdown();
  // Waits for the thread to end, up to `timeout`; true when it has.
  bool Join(std::chrono::milliseconds timeout);

  // Calls `visit` with each RUNNING task's instance of the store `name`, serialized with the
  // thread's processing (KafkaStreams::store readers).
  void ForEachStore(const std::string& name,
                    const std::function<void(streams::StateStore&)>& visit) const;

  State state() const { return state_.load(); }
  const std::string& name() const { return options_.name; }
  std::vector<TaskInfo> tasks() const;
  // The thread's tasks for the metrics endpoint, serialized with processing (as ForEachStore).
  std::vector<TaskSnapshot> MetricsSnapshot() const;

 private:
  explicit StreamThread(Options options);

  void Run();
  void RunOnce();
  void SetState(State state);
  void AddRecords(std::vector<streams::detail::RawRecord> records);
  // Returns how many records the tasks processed.
  int Process();
  // Commits when commit.interval.ms has passed or a task asked; `force` commits now.
  void MaybeCommit(bool force);
  // Returns false when the commit failed and the tasks were closed dirty.
  bool Commit();
  void BeginTransactionIfNeeded();
  // Closes every task; `clean` closes them after a successful commit.
  void CloseTasks(bool clean);
  // A fenced or failed transaction: close the tasks without committing, abort, get a new
  // producer, rejoin so the group hands the tasks out again from the committed offsets.
  void RecoverFromTransactionError(const Status& status, bool fenced);
  Status MakeProducer();
  // The task `id` reading `inputs`, with its stores (when its sub-topology has any) opened.
  std::unique_ptr<StreamTask> MakeTask(const streams::TaskId& id);
  // Opens a new task's stores and either starts it or registers its changelogs for restoration.
  void StartTask(StreamTask& task);
  // Pauses the input partitions of restoring tasks and restores a batch; tasks done restoring
  // initialize their processors and run.
  void RestoreTasks();
  Status Subscribe();
  void PublishTasks();

  // RebalanceListener.
  void OnPartitionsAssigned(const std::vector<TopicPartition>& partitions) override;
  void OnPartitionsRevoked(const std::vector<TopicPartition>& partitions) override;
  void OnPartitionsLost(const std::vector<TopicPartition>& partitions) override;

  Options options_;
  bool exactly_once_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<client::Consumer> consumer_;
  std::unique_ptr<client::Producer> producer_;
  std::unique_ptr<client::KafkaRecordCollector> collector_;
  TaskOptions task_options_;
  std::map<streams::TaskId, std::unique_ptr<StreamTask>> tasks_;
  std::map<TopicPartition, StreamTask*> task_of_partition_;
  std::set<TopicPartition> paused_;
  std::unique_ptr<state::StoreChangelogReader> changelog_reader_;
  // The record cache of the thread's caching stores (statestore.cache.max.bytes; none at 0).
  std::unique_ptr<statestore::ThreadCache> thread_cache_;
  bool transaction_open_ = false;
  bool rejoin_needed_ = false;
  bool in_rebalance_ = false;
  int64_t last_commit_ms_ = 0;

  std::atomic<State> state_{State::kCreated};
  std::atomic<bool> shutdown_requested_{false};
  std::thread thread_;
  // Held while the thread uses its tasks' stores (processing, committing, rebalancing), and by
  // ForEachStore; not while it waits in poll. Recursive: error recovery closes tasks inside.
  mutable std::recursive_mutex tasks_mutex_;
  mutable std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;                // guarded by mutex_
  std::vector<TaskInfo> published_;  // guarded by mutex_
};

}  // namespace brook::framework::runtime
