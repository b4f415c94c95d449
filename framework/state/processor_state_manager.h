#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/logging.h"
#include "framework/api/task_id.h"
#include "framework/client/record_collector.h"
#include "framework/client/topic_partition.h"
#include "framework/state/checkpoint_format.h"
#include "framework/state/offset_checkpoint.h"
#include "framework/state/state_directory.h"
#include "framework/topology/topology_builder.h"
#include "statestore/api/state_store_context.h"

namespace brook::framework::state {

struct StateManagerOptions {
  std::string application_id;
  streams::TaskId task_id;
  // exactly_once_v2: the checkpoint is deleted once the stores are open, so only a clean
  // close leaves one; a task that finds none wipes its directory and restores.
  bool exactly_once = false;
  // Where logChange sends changelog records (the stream thread's collector). Outlives this.
  client::RecordCollector* collector = nullptr;
  // StreamsConfig's settings as strings (StateStoreContext::appConfigs).
  std::map<std::string, std::string> app_configs;
  statestore::ThreadCache* thread_cache = nullptr;
  statestore::RocksDBResources* rocksdb_resources = nullptr;
  // The timestamp changelog records get: the task's current record or punctuation time
  // (StreamTask sets it to its own when given the manager).
  std::function<int64_t()> timestamp;
};

// One changelog partition a task restores from before it processes (StoreChangelogReader).
struct ChangelogToRestore {
  TopicPartition partition;
  std::string store;
  // The first offset to read: the checkpointed offset + 1, or kOffsetUnknown for the beginning.
  int64_t start_offset = -1;
};

// The stores of one task (Kafka Streams' ProcessorStateManager): makes them from the
// topology's builders, opens them in the locked task directory, is their StateStoreContext
// (changelog writes go to the task's RecordCollector, partition = the task's partition), knows
// which changelog offsets they hold and keeps them in the task directory's `.checkpoint`.
//
//   constructed -> InitializeStores -> (Restore batches) -> Flush/Checkpoint ... -> Close
//
// A missing or unreadable checkpoint (corrupt, truncated) means the local files cannot be
// trusted: the task directory is wiped before the stores open and every logged store restores
// from the changelog's beginning. In-memory stores always restore from the beginning and are
// never checkpointed.
// Thread safety: the task's stream thread only.
class ProcessorStateManager final : public streams::StateStoreContext {
 public:
  // `stores`: the stores of the task's sub-topology (BuiltTopology::stores()); `lock`: the
  // task directory's lock, released at Close.
  ProcessorStateManager(StateManagerOptions options, std::unique_ptr<TaskDirectoryLock> lock,
                        std::vector<const topology::StoreInfo*> stores);
  ~ProcessorStateManager() override;
  ProcessorStateManager(const ProcessorStateManager&) = delete;
  ProcessorStateManager& operator=(const ProcessorStateManager&) = delete;

  // Reads the checkpoint (wiping the directory when it is missing or corrupt and there is
  // state to distrust), builds each store and calls its init. Throws
  // streams::ProcessorStateException naming the task and store when a store cannot open or
  // the directory cannot be wiped.
  void InitializeStores();
  // The store `name` (its outermost layer), or nullptr when the task has none.
  streams::StateStore* GetStore(const std::string& name) const;
  bool has_stores() const { return !stores_.empty(); }
  // Calls `visit` with each store built so far (its outermost layer).
  void ForEachStore(const std::function<void(streams::StateStore&)>& visit) const {
    for (const auto& store : stores_) {
      if (store.store != nullptr) visit(*store.store);
    }
  }
  void set_timestamp_source(std::function<int64_t()> source) {
    options_.timestamp = std::move(source);
  }
  // What recordDroppedRecord calls: the task's dropped-records counter.
  void set_dropped_record_sink(std::function<void()> sink) { dropped_record_ = std::move(sink); }

  // The changelog partitions of the logged stores, with where restoration starts.
  std::vector<ChangelogToRestore> Changelogs() const;
  // Applies a batch of `partition`'s records through its store's restore callback and notes
  // the last offset as restored. Throws ProcessorStateException when the store fails.
  void Restore(const TopicPartition& partition, std::span<const streams::ChangelogRecord> batch);
  // Around the restoration of `partition` (StoreChangelogReader): its store's RestoreHooks
  // (a RocksDB store switches to bulk loading). `records`: how many the restoration expects.
  // RestoreEnded does nothing unless the store is restoring; a failed batch and Close end a
  // restoration too, so a store is never left restoring. Both throw ProcessorStateException
  // when the store's hook fails.
  void RestoreStarted(const TopicPartition& partition, int64_t records);
  void RestoreEnded(const TopicPartition& partition);

  // Flushes every store's cache: dirty entries go downstream and to the changelog (Kafka's
  // flushCache). Call at every commit, before the producer's flush / the transaction's commit.
  void FlushCache();
  // Flushes every store, making it durable in its backend (a RocksDB memtable flush).
  void Flush();
  // Notes the acknowledged offsets of the task's changelog partitions among `written` (the
  // collector's offsets); when `enforce`, or when they moved more than
  // kOffsetDeltaThresholdForCheckpoint records past the checkpoint (Kafka's rule, so a commit
  // every 100 ms does not flush RocksDB and fsync a file each time), flushes the stores and
  // writes the checkpoint of the persistent logged stores. A failed write is logged (the next
  // commit tries again).
  void Checkpoint(const std::map<TopicPartition, int64_t>& written, bool enforce = false);
  static constexpr int64_t kOffsetDeltaThresholdForCheckpoint = 10000;
  // Closes the stores and releases the directory. `clean`: flush first and write the
  // checkpoint (`written` as for Checkpoint); dirty: just close, leaving no new checkpoint.
  void Close(bool clean, const std::map<TopicPartition, int64_t>& written);

  // The changelog offsets known now (restored or written), for tests and logs.
  const std::map<TopicPartition, int64_t>& offsets() const { return offsets_; }

  // StateStoreContext.
  const std::string& applicationId() const override { return options_.application_id; }
  const streams::TaskId& taskId() const override { return options_.task_id; }
  const std::filesystem::path& stateDir() const override { return dir_; }
  const std::map<std::string, std::string>& appConfigs() const override {
    return options_.app_configs;
  }
  void registerStore(streams::StateStore& root, streams::RestoreCallback restore) override;
  void registerRestoreHooks(streams::StateStore& root, streams::RestoreHooks hooks) override;
  void logChange(const std::string& store, std::string_view key,
                 std::optional<std::string_view> value, int64_t timestamp) override;
  int64_t timestamp() const override { return options_.timestamp ? options_.timestamp() : 0; }
  void recordDroppedRecord() override {
    if (dropped_record_) dropped_record_();
  }
  statestore::ThreadCache* threadCache() override { return options_.thread_cache; }
  statestore::RocksDBResources* rocksDBResources() override { return options_.rocksdb_resources; }

 private:
  struct Store {
    const topology::StoreInfo* info;
    std::unique_ptr<streams::StateStore> store;
    streams::RestoreCallback restore;  // set by registerStore
    streams::RestoreHooks hooks;       // set by registerRestoreHooks
    bool restoring = false;            // between RestoreStarted and RestoreEnded
    bool registered = false;
    std::optional<TopicPartition> changelog;
  };

  Store* FindByChangelog(const TopicPartition& partition);
  // Calls the store's on_end hook if it is restoring; throws what the hook throws.
  void EndRestore(Store& store);
  std::map<TopicPartition, int64_t> CheckpointableOffsets() const;

  StateManagerOptions options_;
  std::function<void()> dropped_record_;
  std::unique_ptr<TaskDirectoryLock> lock_;
  std::filesystem::path dir_;
  OffsetCheckpoint checkpoint_;
  std::vector<Store> stores_;
  std::map<TopicPartition, int64_t> offsets_;  // last offset restored or written per changelog
  std::map<TopicPartition, int64_t> checkpointed_;  // what the file holds now
  std::map<std::string, std::string, std::less<>> changelog_of_store_;
  std::shared_ptr<spdlog::logger> log_;
  bool initialized_ = false;
  bool closed_ = false;
};

}  // namespace brook::framework::state
