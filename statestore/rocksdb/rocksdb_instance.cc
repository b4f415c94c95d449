#include "statestore/rocksdb/rocksdb_instance.h"

#include <fmt/format.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>

#include <algorithm>
#include <system_error>
#include <thread>

#include "framework/api/errors.h"
#include "statestore/api/state_store_context.h"
#include "statestore/rocksdb/rocksdb_resources.h"

namespace brook::statestore {

namespace {

// Kafka Streams' RocksDBStore defaults, except level compaction (RocksDB's default, lower space
// amplification for the overwrite-heavy aggregates) and LZ4 when RocksDB has it.
constexpr size_t kWriteBufferSize = size_t{16} << 20;
constexpr int kMaxWriteBuffers = 3;
constexpr size_t kBlockSize = 4096;
constexpr double kBloomBitsPerKey = 10;
// A thread's restore batch keeps its buffer up to this size between calls (a batch of 10,000
// changelog records of 512 B is about 5 MiB); a larger one is freed after its write.
constexpr size_t kMaxKeptRestoreBatchBytes = size_t{32} << 20;
// What a WriteBatch adds to each record at most: the type byte and two varint32 lengths.
constexpr size_t kWriteBatchRecordOverhead = 11;

rocksdb::Options BrookOptions(const RocksDBResources& resources) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = false;
  options.info_log_level = rocksdb::InfoLogLevel::ERROR_LEVEL;
  options.keep_log_file_num = 2;
  options.IncreaseParallelism(std::max(2, static_cast<int>(std::thread::hardware_concurrency())));
  options.write_buffer_size = kWriteBufferSize;
  options.max_write_buffer_number = kMaxWriteBuffers;
  // Arena blocks of 1/8 of the write buffer would charge 2 MiB per memtable as soon as it holds
  // one key; hundreds of stores (tasks x stores x segments) would overshoot a small bound.
  options.arena_block_size = 256 * 1024;
  options.write_buffer_manager = resources.writeBufferManager();
  options.level_compaction_dynamic_level_bytes = true;
  auto supported = rocksdb::GetSupportedCompressions();
  options.compression =
      std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end()
          ? rocksdb::kLZ4Compression
          : rocksdb::kNoCompression;

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = resources.cache();
  table.block_size = kBlockSize;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(kBloomBitsPerKey));
  // Index and filter blocks live in the block cache (not on the heap per open file), so the
  // bound covers them; high priority keeps them from being evicted by data blocks.
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_top_level_index_and_filter = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

}  // namespace

RocksDBInstance::RocksDBInstance(std::string store_name, std::filesystem::path dir)
    : store_name_(std::move(store_name)), dir_(std::move(dir)) {}

std::unique_ptr<RocksDBInstance> RocksDBInstance::Open(
    const std::string& store_name, const std::filesystem::path& dir,
    const RocksDBResources& resources, const std::map<std::string, std::string>& configs,
    const rocksdb::Comparator* comparator) {
  std::unique_ptr<RocksDBInstance> instance(new RocksDBInstance(store_name, dir));
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    throw streams::ProcessorStateException(
        fmt::format("[{}] cannot create the RocksDB directory {}: {}", store_name, dir.string(),
                    error.message()));
  }
  instance->options_ = BrookOptions(resources);
  if (auto* setter = resources.configSetter()) {
    setter->setConfig(store_name, instance->options_, configs);
  }
  // What the store's layout needs, whatever the config setter did.
  instance->options_.create_if_missing = true;
  instance->options_.comparator = comparator ? comparator : rocksdb::BytewiseComparator();
  instance->resources_ = &resources;
  // Kafka Streams' choice: no write-ahead log. The changelog topic is the store's log: after a
  // crash the store is restored from the changelog past the last checkpoint (and under
  // exactly_once_v2 wiped and restored), and flush() - at every commit, before the checkpoint
  // is written - writes the memtables to SST files. A WAL would write every update twice.
  instance->write_options_.disableWAL = true;

  rocksdb::DB* db = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(instance->options_, dir.string(), &db);
  if (!status.ok()) {
    if (auto* setter = resources.configSetter()) setter->close(store_name, instance->options_);
    instance->resources_ = nullptr;
    instance->Fail("open", status);
  }
  instance->db_.reset(db);
  return instance;
}

RocksDBInstance::~RocksDBInstance() {
  if (db_) {
    db_->Close().PermitUncheckedError();
    db_.reset();
  }
  if (resources_ && resources_->configSetter()) {
    resources_->configSetter()->close(store_name_, options_);
  }
}

void RocksDBInstance::Fail(std::string_view operation, const rocksdb::Status& status) const {
  throw streams::ProcessorStateException(fmt::format("[{}] RocksDB {} failed in {}: {}",
                                                     store_name_, operation, dir_.string(),
                                                     status.ToString()));
}

std::optional<std::string> RocksDBInstance::Get(std::string_view key) {
  std::string value;
  rocksdb::Status status =
      db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) Fail("get", status);
  return value;
}

void RocksDBInstance::Put(std::string_view key, std::string_view value) {
  rocksdb::Status status = db_->Put(write_options_, rocksdb::Slice(key.data(), key.size()),
                                    rocksdb::Slice(value.data(), value.size()));
  if (!status.ok()) Fail("put", status);
  dirty_ = true;
  HoldMemtableBudget();
}

void RocksDBInstance::Delete(std::string_view key) {
  rocksdb::Status status = db_->Delete(write_options_, rocksdb::Slice(key.data(), key.size()));
  if (!status.ok()) Fail("delete", status);
  dirty_ = true;
  HoldMemtableBudget();
}

void RocksDBInstance::Write(rocksdb::WriteBatch& batch) {
  if (batch.Count() == 0) return;
  rocksdb::Status status = db_->Write(write_options_, &batch);
  if (!status.ok()) Fail("write batch", status);
  dirty_ = true;
  HoldMemtableBudget();
}

void RocksDBInstance::WriteRestored(std::span<const streams::ChangelogRecord> records) {
  thread_local rocksdb::WriteBatch batch;
  size_t bytes = 0;
  for (const auto& record : records) {
    bytes +=
        kWriteBatchRecordOverhead + record.key.size() + (record.value ? record.value->size() : 0);
  }
  batch.Clear();
  if (batch.Data().capacity() < batch.GetDataSize() + bytes) {
    batch = rocksdb::WriteBatch(batch.GetDataSize() + bytes);
  }
  for (const auto& record : records) {
    rocksdb::Slice key(record.key.data(), record.key.size());
    rocksdb::Status status =
        record.value ? batch.Put(key, rocksdb::Slice(record.value->data(), record.value->size()))
                     : batch.Delete(key);
    if (!status.ok()) Fail("restore batch", status);
  }
  Write(batch);
  if (batch.Data().capacity() > kMaxKeptRestoreBatchBytes) batch = rocksdb::WriteBatch();
}

void RocksDBInstance::SetBulkLoading(bool on) {
  if (on == bulk_loading_) return;
  // RocksDB's Options::PrepareForBulkLoad, as far as the mutable options go.
  constexpr int kOutOfReach = 1 << 30;
  const auto level0 = [&](int normal) { return std::to_string(on ? kOutOfReach : normal); };
  rocksdb::Status status = db_->SetOptions({
      {"disable_auto_compactions", on || options_.disable_auto_compactions ? "true" : "false"},
      {"level0_file_num_compaction_trigger", level0(options_.level0_file_num_compaction_trigger)},
      {"level0_slowdown_writes_trigger", level0(options_.level0_slowdown_writes_trigger)},
      {"level0_stop_writes_trigger", level0(options_.level0_stop_writes_trigger)},
  });
  if (!status.ok()) Fail(on ? "bulk-loading options" : "restoring the options", status);
  bulk_loading_ = on;
}

std::unique_ptr<rocksdb::Iterator> RocksDBInstance::NewIterator() const {
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(rocksdb::ReadOptions()));
}

void RocksDBInstance::HoldMemtableBudget() {
  const auto& manager = options_.write_buffer_manager;
  // Two relaxed atomic loads on the common path.
  if (!manager || manager->memory_usage() <= manager->buffer_size()) return;
  // Over budget. RocksDB has switched the memtables of the instances that wrote to be flushed
  // in the background, but keeps taking writes into new ones while they flush (up to
  // max_write_buffer_number per instance), so a fast writer overshoots several times. Wait for
  // this instance's memtables to reach disk when it holds a real share of the budget: a writer
  // only ever waits for its own flush (no cross-store stall that could deadlock, unlike
  // WriteBufferManager's allow_stall), and flushes stay at least budget / 8 big. Idle stores'
  // memtables go at the next commit's flush().
  uint64_t own = 0;
  if (!db_->GetIntProperty(rocksdb::DB::Properties::kCurSizeAllMemTables, &own)) return;
  if (own < manager->buffer_size() / 8) return;
  dirty_ = true;
  Flush();
}

void RocksDBInstance::Flush() {
  if (!dirty_) return;
  rocksdb::FlushOptions flush_options;
  flush_options.wait = true;
  rocksdb::Status status = db_->Flush(flush_options);
  if (!status.ok()) Fail("flush", status);
  dirty_ = false;
}

int64_t RocksDBInstance::EstimateNumKeys() {
  uint64_t keys = 0;
  if (!db_->GetIntProperty("rocksdb.estimate-num-keys", &keys)) return 0;
  return static_cast<int64_t>(keys);
}

const RocksDBResources& ResourcesFor(streams::StateStoreContext& context,
                                     std::unique_ptr<RocksDBResources>& own) {
  if (auto* shared = context.rocksDBResources()) return *shared;
  if (!own) own = std::make_unique<RocksDBResources>(RocksDBResources::kDefaultStoreBytes);
  return *own;
}

void CheckIteratorStatus(const rocksdb::Iterator& iterator, const std::string& store_name) {
  rocksdb::Status status = iterator.status();
  if (!status.ok()) {
    throw streams::ProcessorStateException(
        fmt::format("[{}] RocksDB iterator failed: {}", store_name, status.ToString()));
  }
}

}  // namespace brook::statestore
