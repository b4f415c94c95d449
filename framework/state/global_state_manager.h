#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/logging.h"
#include "framework/api/task_id.h"
#include "framework/client/topic_partition.h"
#include "framework/state/offset_checkpoint.h"
#include "framework/topology/topology_builder.h"
#include "statestore/api/state_store_context.h"

namespace brook::framework::state {

struct GlobalStateManagerOptions {
  std::string application_id;
  // <state.dir>/<application.id>/global (StateDirectory::GlobalDir).
  std::filesystem::path dir;
  // StreamsConfig's settings as strings (StateStoreContext::appConfigs).
  std::map<std::string, std::string> app_configs;
  statestore::RocksDBResources* rocksdb_resources = nullptr;
};

// The global stores of one application instance (Kafka Streams' GlobalStateManagerImpl):
// makes them from the topology's builders, opens them in the global state directory and keeps
// there a `.checkpoint` of the next offset to read of each partition of the global topics
// (their changelogs: the stores do not log). The offsets come from the global state task.
//
//   constructed -> InitializeStores -> (Checkpoint ...) -> Close
//
// A missing or unreadable checkpoint means the local files cannot be trusted: the directory is
// wiped before the stores open, and the topics are read from the beginning. In-memory stores
// always start from the beginning, so no offset is checkpointed when any store is in memory.
// Thread safety: the thread that owns the global state task (KafkaStreams' global thread or the
// test driver); readers on other threads hold the task's lock.
class GlobalStateManager final : public streams::StateStoreContext {
 public:
  GlobalStateManager(GlobalStateManagerOptions options,
                     std::vector<const topology::StoreInfo*> stores);
  ~GlobalStateManager() override;
  GlobalStateManager(const GlobalStateManager&) = delete;
  GlobalStateManager& operator=(const GlobalStateManager&) = delete;

  // Reads the checkpoint (wiping the directory when it is missing or corrupt and there is state
  // to distrust), builds each store and calls its init. Throws streams::ProcessorStateException
  // naming the store when one cannot open or the directory cannot be made or wiped.
  void InitializeStores();
  // The next offset to read of each global partition the checkpoint had (empty: from the
  // beginning).
  const std::map<client::TopicPartition, int64_t>& checkpointed() const { return checkpointed_; }
  // The store `name` (its outermost layer), or nullptr.
  streams::StateStore* GetStore(const std::string& name) const;
  // Flushes every store (caches, then the backends).
  void Flush();
  // Flushes the stores and writes `next_offsets` as the checkpoint (when every store is
  // persistent). A failed write is logged; the next checkpoint tries again.
  void Checkpoint(const std::map<client::TopicPartition, int64_t>& next_offsets);
  // Closes the stores; `clean` checkpoints `next_offsets` first.
  void Close(bool clean, const std::map<client::TopicPartition, int64_t>& next_offsets);

  // StateStoreContext.
  const std::string& applicationId() const override { return options_.application_id; }
  const streams::TaskId& taskId() const override { return task_id_; }
  const std::filesystem::path& stateDir() const override { return options_.dir; }
  const std::map<std::string, std::string>& appConfigs() const override {
    return options_.app_configs;
  }
  void registerStore(streams::StateStore&, streams::RestoreCallback) override {}
  // Global stores do not log: throws ProcessorStateException.
  void logChange(const std::string& store, std::string_view key,
                 std::optional<std::string_view> value, int64_t timestamp) override;
  int64_t timestamp() const override { return 0; }
  statestore::ThreadCache* threadCache() override { return nullptr; }
  statestore::RocksDBResources* rocksDBResources() override { return options_.rocksdb_resources; }

 private:
  struct Store {
    const topology::StoreInfo* info;
    std::unique_ptr<streams::StateStore> store;
  };

  GlobalStateManagerOptions options_;
  streams::TaskId task_id_{-1, -1};  // Kafka's global task id
  OffsetCheckpoint checkpoint_;
  std::vector<Store> stores_;
  std::map<client::TopicPartition, int64_t> checkpointed_;
  bool all_persistent_ = true;
  bool initialized_ = false;
  bool closed_ = false;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace brook::framework::state
