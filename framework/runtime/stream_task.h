#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "framework/api/detail/node.h"
#include "framework/api/exception_handlers.h"
#include "framework/api/metrics.h"
#include "framework/api/task_id.h"
#include "framework/client/record_collector.h"
#include "framework/client/topic_partition.h"
#include "framework/runtime/punctuation_queue.h"
#include "framework/state/processor_state_manager.h"
#include "framework/topology/topology_builder.h"

namespace brook::framework::runtime {

using client::TopicPartition;

// A task's metric counters (Kafka's stream-task-metrics), written by the task's thread and read
// by KafkaStreams::metrics() from any thread.
struct TaskCounters {
  // Records skipped by an exception handler's kContinue, plus those processors dropped on
  // purpose (ProcessingContext::recordDroppedRecord): Kafka's dropped-records.
  std::atomic<int64_t> dropped_records{0};
  // Changelog records restored into the task's stores (Kafka's restore-total).
  std::atomic<int64_t> restored_records{0};
};

// The task-level metrics of framework/api/metrics.h for task `task` run by thread `thread_id`.
std::vector<streams::Metric> TaskMetrics(const std::string& thread_id, const streams::TaskId& task,
                                         const TaskCounters& counters);

struct TaskOptions {
  std::string application_id;
  // Kafka's max.task.idle.ms: -1 never waits for an empty input; 0 waits only while the
  // consumer knows an empty input has data to fetch; N > 0 also waits up to N ms.
  int64_t max_task_idle_ms = 0;
  std::shared_ptr<streams::DeserializationExceptionHandler> deserialization_handler;
  std::shared_ptr<streams::ProcessingExceptionHandler> processing_handler;
  std::shared_ptr<streams::ProductionExceptionHandler> production_handler;
  // errors.dead.letter.queue.topic.name: "" for none.
  std::string dead_letter_topic;
  // Wall-clock milliseconds (the test driver's mock clock under test).
  std::function<int64_t()> wall_clock;
  // The global store `name`, or nullptr (GlobalStateTask::GetStore); any processor may read a
  // global store without being connected to it. Empty: the topology has none.
  std::function<streams::StateStore*(const std::string&)> global_store;
};

// One task: the nodes of one sub-topology for one partition, with a record queue per input
// partition (Kafka Streams' StreamTask and PartitionGroup). Records are processed lowest
// timestamp first across the inputs; the stream time is the largest timestamp processed.
// Shared by KafkaStreams' stream threads and the TopologyTestDriver, so both run the same
// operator and punctuation semantics.
//
// Stores (when the sub-topology has any): `state` opens them (InitializeStores) before the
// processors' init; a task whose changelogs must be replayed first stays RESTORING (no
// processing, no punctuation) until the stream thread calls CompleteRestoration:
//
//   CREATED --InitializeStores--> RESTORING --CompleteRestoration/Initialize--> RUNNING
//      |                              |                                           |
//      +------------------------------+---------------- Close --------------------+--> CLOSED
//
// Errors: a record that fails is given to the matching handler (deserialization, processing,
// production); kContinue skips it, kFail throws streams::StreamsException naming the task and
// the record. detail::FatalTaskError passes through untouched.
// Thread safety: one thread at a time.
class StreamTask final : private streams::detail::TaskContext {
 public:
  enum class State { kCreated, kRestoring, kRunning, kClosed };

  // `state` may be null for a task without stores.
  StreamTask(streams::TaskId id, std::unique_ptr<topology::TaskTopology> topology,
             client::RecordCollector* collector, TaskOptions options,
             std::unique_ptr<state::ProcessorStateManager> state = nullptr);
  ~StreamTask() override;
  StreamTask(const StreamTask&) = delete;
  StreamTask& operator=(const StreamTask&) = delete;

  const streams::TaskId& id() const { return id_; }
  // Adds an input partition (KafkaStreams: at assignment; the driver: on first use of a topic
  // that matches a pattern). Throws StreamsException when no source reads the topic.
  void AddInput(const TopicPartition& partition);
  std::vector<TopicPartition> inputs() const;

  // Opens the stores (ProcessorStateManager::InitializeStores); the task is RESTORING until
  // Initialize. Throws ProcessorStateException.
  void InitializeStores();
  // Opens the stores if InitializeStores was not called, then calls init on every node; the
  // task is RUNNING. Throws what a processor's init throws, as StreamsException.
  void Initialize();
  State state() const { return state_; }
  bool restoring() const { return state_ == State::kRestoring; }
  // The task's stores, or nullptr without any.
  state::ProcessorStateManager* state_manager() const { return state_manager_.get(); }
  // Queues one consumed record of an input partition and gives it its event time (the
  // deserialization handler sees records the timestamp extractor cannot read).
  void AddRecord(streams::detail::RawRecord record);
  size_t buffered() const { return buffered_; }
  size_t buffered(const TopicPartition& partition) const;

  // Whether ProcessOne may run now (Kafka's max.task.idle.ms rules; see TaskOptions).
  // `may_have_data(partition)` tells whether the consumer knows of records not yet fetched.
  bool IsProcessable(int64_t now_ms,
                     const std::function<bool(const TopicPartition&)>& may_have_data);
  // Processes the queued record with the lowest timestamp; false when nothing is queued.
  bool ProcessOne();
  // Runs the punctuators due at the current stream time / at wall-clock `now_ms`.
  bool MaybePunctuateStreamTime();
  bool MaybePunctuateSystemTime(int64_t now_ms);

  int64_t stream_time() const { return stream_time_; }
  // The timestamp of the record being processed, or of the punctuation running (the timestamp
  // changelog records get).
  int64_t current_timestamp() const { return current_timestamp_; }
  // The next offset to consume of each input partition that has made progress.
  std::map<TopicPartition, int64_t> consumed_offsets() const;
  // The metadata to commit with consumed_offsets(): each partition's time (the largest
  // timestamp processed from it; partition_time_metadata.h).
  std::map<TopicPartition, std::string> commit_metadata() const;
  // Restores a partition's time from its committed metadata, and the stream time with it (the
  // largest partition time), so windows closed before a restart stay closed (Kafka's
  // initializeTaskTime). Ignored for partitions the task does not read.
  void InitializePartitionTime(const TopicPartition& partition, int64_t time);
  // Merges processor metadata committed with one of the task's partitions (the largest value
  // of each key wins, as Kafka's initializeTaskTimeAndProcessorMetadata); before Start.
  void InitializeProcessorMetadata(const std::map<std::string, int64_t>& metadata);
  // True when records were processed since the last MarkCommitted, or a processor asked.
  bool commit_needed() const { return commit_needed_ || commit_requested_; }
  bool commit_requested() const { return commit_requested_; }
  void MarkCommitted() {
    commit_needed_ = false;
    commit_requested_ = false;
  }
  // Flushes the stores' caches (they forward and log their dirty entries): before every
  // commit's producer flush / transaction commit. The backends are made durable only when a
  // checkpoint is written (Checkpoint, clean Close). Errors of the records a cache flush forwards go to
  // the handlers as a punctuator's would; kFail throws StreamsException.
  void FlushState();
  // Notes the changelog offsets acknowledged in `written` and, once they moved more than 10,000
  // records past the checkpoint, flushes the stores and writes it (at_least_once, after a
  // successful commit; Kafka's maybeCheckpoint).
  void Checkpoint(const std::map<TopicPartition, int64_t>& written);
  // Closes every node (close() of each processor), then the stores: `clean` flushes them and
  // writes the checkpoint (`written` as for Checkpoint), dirty just closes them. Queued records
  // are dropped.
  void Close(bool clean = true, const std::map<TopicPartition, int64_t>& written = {});

  int64_t processed_records() const { return processed_; }
  // Counts `records` changelog records restored into the task's stores.
  void CountRestored(int64_t records) {
    counters_->restored_records.fetch_add(records, std::memory_order_relaxed);
  }
  // Each node's name and the records it was handed so far, in topology order (sources first).
  std::vector<std::pair<std::string, uint64_t>> NodeProcessCounts() const;
  // The task's metric counters; the pointer may be kept (and read from any thread) after the
  // task is gone.
  std::shared_ptr<const TaskCounters> counters() const { return counters_; }

 private:
  struct Queued {
    streams::detail::RawRecord raw;
    int64_t timestamp;
    bool skip;  // failed deserialization or an invalid timestamp: only its offset counts
  };
  struct InputQueue {
    TopicPartition partition;
    streams::detail::SourceInstance* source;
    std::deque<Queued> records;
    int64_t partition_time = -1;
    int64_t processed_time = -1;  // the largest timestamp processed (the commit metadata)
    int64_t next_offset = -1;     // -1: nothing consumed yet
  };

  // TaskContext.
  const std::string& application_id() const override { return options_.application_id; }
  const streams::TaskId& task_id() const override { return id_; }
  const streams::RecordMetadata* record_metadata() const override { return metadata_; }
  int64_t stream_time_ms() const override { return stream_time_; }
  int64_t wall_clock_ms() const override { return options_.wall_clock(); }
  streams::Cancellable Schedule(streams::detail::NodeInstance* node,
                                std::chrono::milliseconds interval, streams::PunctuationType type,
                                streams::Punctuator punctuator) override;
  void RequestCommit() override { commit_requested_ = true; }
  void Send(const streams::detail::OutgoingRecord& record) override;
  streams::StateStore& GetStateStore(const streams::detail::NodeInstance* node,
                                     const std::string& name) override;
  bool IsReadOnlyGlobalStore(const std::string& name) const override;
  void RecordDropped() override {
    counters_->dropped_records.fetch_add(1, std::memory_order_relaxed);
  }
  void PutProcessorMetadata(const std::string& key, int64_t value) override {
    processor_metadata_[key] = value;
    commit_needed_ = true;
  }
  std::optional<int64_t> GetProcessorMetadata(const std::string& key) const override {
    auto it = processor_metadata_.find(key);
    if (it == processor_metadata_.end()) return std::nullopt;
    return it->second;
  }
  const std::map<std::string, std::string>* app_configs() const override {
    return state_manager_ ? &state_manager_->appConfigs() : nullptr;
  }

  InputQueue* FindQueue(std::string_view topic, int32_t partition);
  streams::ErrorHandlerContext ErrorContext(const streams::detail::RawRecord* raw) const;
  // Applies a handler's answer: kFail throws, kContinue counts the record as dropped.
  void SendToDeadLetterQueue(const streams::detail::RawRecord& raw, const std::exception& error);
  void RunPunctuator(PunctuationQueue::Schedule& schedule, int64_t now_ms);
  void HandleError(const streams::detail::RawRecord* raw, const std::exception_ptr& error);

  streams::TaskId id_;
  std::unique_ptr<topology::TaskTopology> topology_;
  client::RecordCollector* collector_;
  TaskOptions options_;
  std::deque<InputQueue> queues_;  // a deque: queues never move, sources keep pointers
  size_t buffered_ = 0;
  int64_t stream_time_ = -1;
  std::map<std::string, int64_t> processor_metadata_;  // committed with every input partition
  int64_t idle_since_ms_ = -1;
  const streams::RecordMetadata* metadata_ = nullptr;
  PunctuationQueue stream_time_punctuators_;
  PunctuationQueue wall_clock_punctuators_;
  bool commit_needed_ = false;
  bool commit_requested_ = false;
  bool initialized_ = false;
  State state_ = State::kCreated;
  std::unique_ptr<state::ProcessorStateManager> state_manager_;
  // The timestamp of the record being processed, or the punctuation time (changelog records).
  int64_t current_timestamp_ = 0;
  int64_t processed_ = 0;
  std::shared_ptr<TaskCounters> counters_ = std::make_shared<TaskCounters>();
};

}  // namespace brook::framework::runtime
