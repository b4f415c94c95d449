#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "framework/api/detail/node.h"
#include "framework/api/exception_handlers.h"
#include "framework/client/topic_partition.h"
#include "framework/state/global_state_manager.h"
#include "framework/topology/topology_builder.h"

namespace brook::framework::runtime {

using client::TopicPartition;

struct GlobalTaskOptions {
  std::string application_id;
  // Records a source cannot read; null: log and fail.
  std::shared_ptr<streams::DeserializationExceptionHandler> deserialization_handler;
  // Wall-clock milliseconds (the test driver's mock clock under test).
  std::function<int64_t()> wall_clock;
};

// The global stores' sub-topologies run as one task (Kafka Streams' GlobalStateUpdateTask):
// each record of a global topic goes through its source and processor, which write the global
// store, and its offset is noted, so Checkpoint records where to resume. Used by KafkaStreams'
// global thread (bootstrap, then updates) and by the TopologyTestDriver.
//
//   constructed -> Initialize -> Update ... / Checkpoint ... -> Close
//
// Errors: a record a source cannot read goes to the deserialization handler (kContinue skips
// it, kFail throws StreamsException); anything a processor throws is passed up as
// StreamsException naming the record, and the global state stops.
// Thread safety: Update, Checkpoint and Close on one thread. The stores are read from other
// threads (stream tasks' joins, KafkaStreams::store) under mutex(), which Update holds while it
// writes; that thread takes it around each call.
class GlobalStateTask final : private streams::detail::TaskContext {
 public:
  GlobalStateTask(std::shared_ptr<const topology::BuiltTopology> topology,
                  std::unique_ptr<state::GlobalStateManager> state, GlobalTaskOptions options);
  ~GlobalStateTask() override;
  GlobalStateTask(const GlobalStateTask&) = delete;
  GlobalStateTask& operator=(const GlobalStateTask&) = delete;

  // Opens the stores and calls init on the global processors. Throws ProcessorStateException
  // or what an init throws (as StreamsException).
  void Initialize();
  // The global topics (decorated as read).
  std::vector<std::string> topics() const;
  // Where each partition resumes: the next offset to read, from the checkpoint or Update.
  const std::map<TopicPartition, int64_t>& next_offsets() const { return next_offsets_; }
  // Applies one record of a global topic under mutex(). Throws as described above.
  void Update(const streams::detail::RawRecord& record);
  // Notes that `partition` was read up to `next_offset` (records skipped by a transaction
  // marker or compaction), so the checkpoint says so.
  void Advance(const TopicPartition& partition, int64_t next_offset);
  // Flushes the stores (caches and backends).
  void Flush();
  // Flushes the stores and writes the checkpoint (Kafka's flushState).
  void Checkpoint();
  // Closes the processors, then the stores (`clean`: checkpointed first).
  void Close(bool clean);

  // The global store `name`, or nullptr. Read it under mutex() from another thread.
  streams::StateStore* GetStore(const std::string& name) const;
  std::mutex& mutex() { return mutex_; }
  int64_t dropped_records() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  // TaskContext.
  const std::string& application_id() const override { return options_.application_id; }
  const streams::TaskId& task_id() const override { return task_id_; }
  const streams::RecordMetadata* record_metadata() const override { return metadata_; }
  int64_t stream_time_ms() const override { return stream_time_; }
  int64_t wall_clock_ms() const override { return options_.wall_clock ? options_.wall_clock() : 0; }
  streams::Cancellable Schedule(streams::detail::NodeInstance* node,
                                std::chrono::milliseconds interval, streams::PunctuationType type,
                                streams::Punctuator punctuator) override;
  void RequestCommit() override {}
  void Send(const streams::detail::OutgoingRecord& record) override;
  streams::StateStore& GetStateStore(const streams::detail::NodeInstance* node,
                                     const std::string& name) override;
  void RecordDropped() override { dropped_.fetch_add(1, std::memory_order_relaxed); }

  std::shared_ptr<const topology::BuiltTopology> topology_;
  std::unique_ptr<state::GlobalStateManager> state_;
  GlobalTaskOptions options_;
  streams::TaskId task_id_{-1, -1};
  std::vector<std::unique_ptr<topology::TaskTopology>> topologies_;  // one per global store
  std::map<TopicPartition, int64_t> next_offsets_;
  const streams::RecordMetadata* metadata_ = nullptr;
  int64_t stream_time_ = -1;
  std::atomic<int64_t> dropped_{0};
  bool initialized_ = false;
  bool closed_ = false;
  std::mutex mutex_;
};

}  // namespace brook::framework::runtime
