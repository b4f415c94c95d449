#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/logging.h"
#include "framework/api/task_id.h"
#include "framework/client/restore_consumer.h"
#include "framework/state/processor_state_manager.h"
#include "statestore/api/state_restore_listener.h"

namespace brook::framework::state {

// Restores the stores of a stream thread's tasks from their changelogs (Kafka Streams'
// StoreChangelogReader), in batches between the thread's polls so the thread keeps its place
// in the consumer group (max.poll.interval.ms). Each changelog partition is read from the
// checkpointed offset + 1 (or its beginning) up to the end offset taken when its restoration
// starts (the last stable offset under read_committed), batch by batch through the store's
// restore callback. Progress is logged (records restored, records/s, estimated time left) and
// reported to the StateRestoreListener.
// Thread safety: the stream thread only. Registered state managers must outlive their
// registration (Unregister before closing a task).
class StoreChangelogReader {
 public:
  StoreChangelogReader(std::string log_prefix, std::unique_ptr<client::RestoreConsumer> consumer,
                       std::shared_ptr<streams::StateRestoreListener> listener);

  // Starts restoring `changelogs` of `task` into the stores of `manager`.
  void Register(const streams::TaskId& task, ProcessorStateManager* manager,
                std::vector<ChangelogToRestore> changelogs);
  void Unregister(const streams::TaskId& task);
  bool empty() const { return changelogs_.empty(); }

  // Restores what arrives within `timeout` (up to `max_records`); returns the tasks whose
  // changelogs are now all restored (they are unregistered). Throws ProcessorStateException
  // when a store fails, StreamsException when the consumer fails.
  std::vector<streams::TaskId> Restore(std::chrono::milliseconds timeout, size_t max_records);

  // Called with each batch restored: the task and its number of records (the task's
  // restore-total metric).
  void set_restored_sink(std::function<void(const streams::TaskId&, int64_t)> sink) {
    restored_sink_ = std::move(sink);
  }
  // Per task being restored, the records left up to the end offsets taken when its changelogs'
  // restorations started (Kafka's restore-remaining-records-total); changelogs whose end
  // offset is not known yet count nothing.
  std::map<streams::TaskId, int64_t> RemainingRecords() const;

 private:
  struct Changelog {
    streams::TaskId task;
    ProcessorStateManager* manager;
    std::string store;
    int64_t start = -1;  // first offset to read (-1: beginning)
    int64_t next = -1;   // the offset the next record will have, as far as known
    int64_t end = -1;    // -1: not asked yet
    int64_t restored = 0;
    bool done = false;
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point last_log;
  };

  void Start(const TopicPartition& partition, Changelog& changelog);
  void Finish(const TopicPartition& partition, Changelog& changelog);
  void Reassign();

  std::string log_prefix_;
  std::unique_ptr<client::RestoreConsumer> consumer_;
  std::shared_ptr<streams::StateRestoreListener> listener_;
  std::function<void(const streams::TaskId&, int64_t)> restored_sink_;
  std::map<TopicPartition, Changelog> changelogs_;
  bool assignment_changed_ = false;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace brook::framework::state
