#include "statestore/rocksdb/rocksdb_key_value_store.h"

#include <rocksdb/write_batch.h>

#include "common/logging.h"
#include "framework/api/errors.h"
#include "statestore/api/state_store_context.h"
#include "statestore/memory/vector_iterator.h"
#include "statestore/rocksdb/open_iterators.h"
#include "statestore/rocksdb/rocksdb_instance.h"
#include "statestore/rocksdb/rocksdb_range_iterator.h"
#include "statestore/rocksdb/rocksdb_resources.h"

namespace brook::statestore {

using streams::KeyValue;
using streams::KeyValueIteratorPtr;

RocksDBKeyValueStore::RocksDBKeyValueStore(std::string name)
    : name_(std::move(name)), open_iterators_(std::make_shared<OpenIterators>()) {}

RocksDBKeyValueStore::~RocksDBKeyValueStore() {
  try {
    close();
  } catch (const std::exception& e) {
    GetLogger("statestore")->error("[{}] closing the store failed: {}", name_, e.what());
  }
}

void RocksDBKeyValueStore::init(streams::StateStoreContext& context, streams::StateStore& root) {
  if (db_) throw streams::InvalidStateStoreException("[" + name_ + "] is already open");
  dir_ = context.stateDir() / "rocksdb" / name_;
  const RocksDBResources& resources = ResourcesFor(context, own_resources_);
  db_ = RocksDBInstance::Open(name_, dir_, resources, context.appConfigs(), nullptr);
  context.registerStore(
      root, [this](std::span<const streams::ChangelogRecord> batch) { Db().WriteRestored(batch); });
  streams::RestoreHooks hooks;
  hooks.on_start = [this](int64_t records) {
    if (records >= RocksDBInstance::kBulkLoadingMinRecords) Db().SetBulkLoading(true);
  };
  hooks.on_end = [this] {
    if (db_) db_->SetBulkLoading(false);
  };
  context.registerRestoreHooks(root, std::move(hooks));
}

RocksDBInstance& RocksDBKeyValueStore::Db() {
  if (!db_) throw streams::InvalidStateStoreException("[" + name_ + "] the store is not open");
  return *db_;
}

bool RocksDBKeyValueStore::bulkLoading() const { return db_ != nullptr && db_->bulkLoading(); }

void RocksDBKeyValueStore::flush() {
  if (db_) db_->Flush();
}

void RocksDBKeyValueStore::close() {
  if (!db_) return;
  open_iterators_->CloseAll();
  std::unique_ptr<RocksDBInstance> db = std::move(db_);  // closed even when the flush throws
  // With the write-ahead log off, unflushed writes exist only in the memtables.
  db->Flush();
}

std::optional<std::string> RocksDBKeyValueStore::get(const std::string& key) {
  return Db().Get(key);
}

void RocksDBKeyValueStore::put(const std::string& key, const std::string& value) {
  Db().Put(key, value);
}

std::optional<std::string> RocksDBKeyValueStore::putIfAbsent(const std::string& key,
                                                             const std::string& value) {
  std::optional<std::string> old = Db().Get(key);
  if (!old) Db().Put(key, value);
  return old;
}

void RocksDBKeyValueStore::putAll(const std::vector<KeyValue<std::string, std::string>>& entries) {
  rocksdb::WriteBatch batch;
  for (const auto& entry : entries) batch.Put(entry.key, entry.value);
  Db().Write(batch);
}

std::optional<std::string> RocksDBKeyValueStore::remove(const std::string& key) {
  std::optional<std::string> old = Db().Get(key);
  if (old) Db().Delete(key);
  return old;
}

KeyValueIteratorPtr<std::string, std::string> RocksDBKeyValueStore::Iterate(
    const std::optional<std::string>& from, const std::optional<std::string>& to,
    const std::optional<std::string>& prefix, bool reverse) {
  RocksDBInstance& db = Db();
  if (from && to && *from > *to) {
    return MakeVectorIterator<std::string, std::string>({}, false);
  }
  return std::make_unique<RocksDBRangeIterator>(
      name_, db.NewIterator(), RocksDBRangeIterator::Bounds{from, to, prefix, reverse},
      open_iterators_);
}

KeyValueIteratorPtr<std::string, std::string> RocksDBKeyValueStore::range(
    const std::optional<std::string>& from, const std::optional<std::string>& to) {
  return Iterate(from, to, std::nullopt, false);
}

KeyValueIteratorPtr<std::string, std::string> RocksDBKeyValueStore::reverseRange(
    const std::optional<std::string>& from, const std::optional<std::string>& to) {
  return Iterate(from, to, std::nullopt, true);
}

KeyValueIteratorPtr<std::string, std::string> RocksDBKeyValueStore::all() {
  return Iterate(std::nullopt, std::nullopt, std::nullopt, false);
}

KeyValueIteratorPtr<std::string, std::string> RocksDBKeyValueStore::reverseAll() {
  return Iterate(std::nullopt, std::nullopt, std::nullopt, true);
}

KeyValueIteratorPtr<std::string, std::string> RocksDBKeyValueStore::prefixScan(
    const std::string& prefix) {
  return Iterate(std::nullopt, std::nullopt, prefix, false);
}

int64_t RocksDBKeyValueStore::approximateNumEntries() { return Db().EstimateNumKeys(); }

}  // namespace brook::statestore
