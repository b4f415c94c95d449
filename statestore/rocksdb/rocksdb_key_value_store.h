#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "statestore/api/key_value_store.h"

namespace brook::statestore {

class OpenIterators;
class RocksDBInstance;
class RocksDBResources;

// A key-value bytes store on one RocksDB instance in <task dir>/rocksdb/<name> (Kafka's
// RocksDBStore): the backend of Stores::persistentKeyValueStore. Keys are ordered as unsigned
// bytes. Writes skip RocksDB's write-ahead log and flush() writes the memtables to disk (the
// changelog is the log; docs/design/state-backends.md). Iterators see the store as of their
// creation while it is written; closing the store releases the open ones, which then throw
// InvalidStateStoreException. RocksDB errors throw ProcessorStateException naming the store,
// its directory and RocksDB's message.
//
// Thread safety: none; one task's thread.
class RocksDBKeyValueStore final : public streams::KeyValueBytesStore {
 public:
  explicit RocksDBKeyValueStore(std::string name);
  ~RocksDBKeyValueStore() override;
  RocksDBKeyValueStore(const RocksDBKeyValueStore&) = delete;
  RocksDBKeyValueStore& operator=(const RocksDBKeyValueStore&) = delete;

  const std::string& name() const override { return name_; }
  // Opens <context.stateDir()>/rocksdb/<name> and registers the restore callback (one
  // WriteBatch per changelog batch; tombstones delete) and the restore hooks (bulk loading
  // while a restoration of RocksDBInstance::kBulkLoadingMinRecords or more
  // runs).
  void init(streams::StateStoreContext& context, streams::StateStore& root) override;
  void flush() override;
  void close() override;
  bool persistent() const override { return true; }
  bool isOpen() const override { return db_ != nullptr; }

  std::optional<std::string> get(const std::string& key) override;
  void put(const std::string& key, const std::string& value) override;
  std::optional<std::string> putIfAbsent(const std::string& key, const std::string& value) override;
  // One WriteBatch: all entries or none.
  void putAll(const std::vector<streams::KeyValue<std::string, std::string>>& entries) override;
  std::optional<std::string> remove(const std::string& key) override;
  streams::KeyValueIteratorPtr<std::string, std::string> range(
      const std::optional<std::string>& from, const std::optional<std::string>& to) override;
  streams::KeyValueIteratorPtr<std::string, std::string> reverseRange(
      const std::optional<std::string>& from, const std::optional<std::string>& to) override;
  streams::KeyValueIteratorPtr<std::string, std::string> all() override;
  streams::KeyValueIteratorPtr<std::string, std::string> reverseAll() override;
  streams::KeyValueIteratorPtr<std::string, std::string> prefixScan(
      const std::string& prefix) override;
  // RocksDB's "rocksdb.estimate-num-keys" (deletes and overwrites not yet compacted count).
  int64_t approximateNumEntries() override;

  // Whether the database is bulk loading now (a restoration is running).
  bool bulkLoading() const;
  // The database directory; empty before init.
  const std::filesystem::path& directory() const { return dir_; }

 private:
  RocksDBInstance& Db();
  streams::KeyValueIteratorPtr<std::string, std::string> Iterate(
      const std::optional<std::string>& from, const std::optional<std::string>& to,
      const std::optional<std::string>& prefix, bool reverse);

  std::string name_;
  std::filesystem::path dir_;
  std::unique_ptr<RocksDBResources> own_resources_;
  std::unique_ptr<RocksDBInstance> db_;
  std::shared_ptr<OpenIterators> open_iterators_;
};

}  // namespace brook::statestore
