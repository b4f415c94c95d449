#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "framework/api/task_id.h"
#include "statestore/api/state_store.h"

namespace brook::statestore {
class ThreadCache;       // statestore/layers/thread_cache.h
class RocksDBResources;  // statestore/rocksdb/rocksdb_resources.h
}  // namespace brook::statestore

namespace brook::streams {

// One record of a changelog topic being replayed into a store. The views are valid during the
// restore callback only.
struct ChangelogRecord {
  std::string_view key;
  std::optional<std::string_view> value;  // nullopt: a tombstone (delete the key)
  int64_t timestamp = 0;
  int64_t offset = 0;
};

// Writes a batch of changelog records into a store's backend (Kafka's
// BatchingStateRestoreCallback). Backends apply a batch with one write (a RocksDB WriteBatch).
using RestoreCallback = std::function<void(std::span<const ChangelogRecord> batch)>;

// What a store may be told around a restoration besides its batches (the StateRestoreListener
// side of Kafka's notifying restore callbacks, which its RocksDB store used to switch to bulk
// loading). Either may be empty.
struct RestoreHooks {
  // Before the first batch of a restoration; `records` is how many changelog records it
  // expects to replay (end offset - start offset; fewer when some were compacted away).
  std::function<void(int64_t records)> on_start;
  // Once after each on_start: when the last batch is written, when a batch failed, or when the
  // restoration stops early (the task closes or loses the partition). May throw
  // ProcessorStateException.
  std::function<void()> on_end;
};

// What a store sees of the task that owns it (Kafka's StateStoreContext plus the parts of the
// internal processor context the layers use). Implemented by the runtime's state manager, and
// by tests. Thread safety: as the store's.
class StateStoreContext {
 public:
  virtual ~StateStoreContext() = default;

  virtual const std::string& applicationId() const = 0;
  virtual const TaskId& taskId() const = 0;
  // The task's directory, <state.dir>/<application.id>/<task id>; persistent stores keep their
  // files under it (RocksDB: rocksdb/<store name>).
  virtual const std::filesystem::path& stateDir() const = 0;
  // StreamsConfig's settings as strings (statestore.cache.max.bytes, rocksdb.*, ...).
  virtual const std::map<std::string, std::string>& appConfigs() const = 0;

  // Called by a backend from init(): `root` is the outermost layer (its name() names the
  // changelog `<application.id>-<name>-changelog`). Before the task processes records, the
  // runtime replays the changelog through `restore`.
  virtual void registerStore(StateStore& root, RestoreCallback restore) = 0;
  // Optional, from init() after registerStore: `hooks` are called around every restoration of
  // `root`'s changelog. The default drops them (contexts that never restore).
  virtual void registerRestoreHooks(StateStore& /*root*/, RestoreHooks /*hooks*/) {}

  // The change-logging layer's write: sends key -> value (nullopt: a tombstone) to the store's
  // changelog partition (the task's partition) through the task's RecordCollector, so under
  // exactly_once_v2 it is part of the open transaction.
  virtual void logChange(const std::string& store, std::string_view key,
                         std::optional<std::string_view> value, int64_t timestamp) = 0;
  // The timestamp changelog records get: the record being processed, or the punctuation time.
  virtual int64_t timestamp() const = 0;
  // Counts one record a store dropped on purpose in the task's dropped-records metric: a window
  // or session put behind the store's retention (Kafka's expired-record sensor). The default
  // counts nothing (contexts without a task).
  virtual void recordDroppedRecord() {}

  // The stream thread's record cache (statestore.cache.max.bytes); nullptr when it is 0, which
  // turns caching off.
  virtual statestore::ThreadCache* threadCache() = 0;
  // The process-wide RocksDB block cache and write buffer manager; nullptr lets a RocksDB store
  // use its own defaults (tests).
  virtual statestore::RocksDBResources* rocksDBResources() = 0;
};

}  // namespace brook::streams
