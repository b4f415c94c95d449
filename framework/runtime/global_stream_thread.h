#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "common/logging.h"
#include "framework/api/streams_config.h"
#include "framework/client/properties.h"
#include "framework/client/restore_consumer.h"
#include "framework/runtime/global_state_task.h"
#include "framework/topology/topology_builder.h"

namespace brook::statestore {
class RocksDBResources;
}

namespace brook::framework::runtime {

// Keeps an instance's global stores up to date (Kafka Streams' GlobalStreamThread): its own
// consumer is assigned every partition of the global topics (no group, nothing committed;
// read_committed under exactly_once_v2) and each record goes through the GlobalStateTask.
//
//   Create -> Bootstrap (on the caller's thread: the stores are filled up to the topics' end
//   offsets before any stream thread starts) -> Start (the global thread polls; the checkpoint
//   is written every commit.interval.ms) -> RequestShutdown / Join (a clean close checkpoints)
//
// An error on the global thread (a record the handler says fail on, a broken consumer) ends it
// and is passed to `on_exit`; the application then shuts down, as Kafka's does.
// Thread safety: Bootstrap, Start, RequestShutdown and Join from the thread that owns it;
// GetStore from any thread (read the store under its GlobalStoreLocks lock).
class GlobalStreamThread {
 public:
  struct Options {
    std::string name;  // "<client id>-GlobalStreamThread", prefixes every log line
    std::shared_ptr<const topology::BuiltTopology> topology;
    streams::StreamsConfig config;
    // Complete but for group.id and client.id, which Create sets.
    client::Properties consumer_properties;
    // The partition count of each global topic (decorated names), checked by the caller.
    std::map<std::string, int32_t> partitions;
    // <state.dir>/<application.id>/global
    std::filesystem::path dir;
    statestore::RocksDBResources* rocksdb_resources = nullptr;
    // Called on the global thread when it ends with an error.
    std::function<void(std::exception_ptr error)> on_exit;
  };

  // Creates the consumer and the global state task. Errors: the consumer's (a librdkafka
  // property at fault).
  static Result<std::unique_ptr<GlobalStreamThread>> Create(Options options);
  ~GlobalStreamThread();
  GlobalStreamThread(const GlobalStreamThread&) = delete;
  GlobalStreamThread& operator=(const GlobalStreamThread&) = delete;

  // Opens the stores and reads every global partition from its checkpointed offset (or the
  // beginning) to its end offset as of now. Throws StreamsException (or
  // ProcessorStateException) when it cannot.
  void Bootstrap();
  void Start();
  void RequestShutdown() { shutdown_requested_ = true; }
  // Waits for the thread to end, then closes the task (cleanly unless it failed).
  void Join();

  // The global store `name`, or nullptr.
  streams::StateStore* GetStore(const std::string& name) const { return task_->GetStore(name); }
  std::mutex& mutex() { return task_->mutex(); }

 private:
  explicit GlobalStreamThread(Options options);
  void Run();
  // Polls once and applies what came; returns the number of records.
  size_t PollOnce(std::chrono::milliseconds timeout);

  Options options_;
  std::unique_ptr<client::RestoreConsumer> consumer_;
  std::unique_ptr<GlobalStateTask> task_;
  std::thread thread_;
  std::atomic<bool> shutdown_requested_{false};
  bool failed_ = false;
  bool initialized_ = false;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace brook::framework::runtime
