#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace brook::streams {
class StateStoreContext;
struct ChangelogRecord;
}  // namespace brook::streams

namespace brook::statestore {

class RocksDBResources;

// One open RocksDB instance of a store: a key-value store's database or one segment of a window
// or session store (private to statestore/rocksdb/). Opens with Brook's options
// (docs/design/state-backends.md) and the resources' config setter, writes without the
// write-ahead log, and turns every failed RocksDB status into a ProcessorStateException that
// names the store, the directory and RocksDB's message.
//
// Thread safety: none; one task's thread.
class RocksDBInstance {
 public:
  // Opens (creating) the database in `dir`. `comparator`: nullptr orders keys as bytes; a
  // database written with a comparator can only be opened with the same one. Throws
  // ProcessorStateException when RocksDB cannot open it (corrupt files, locked by another open
  // store, no permission).
  static std::unique_ptr<RocksDBInstance> Open(const std::string& store_name,
                                               const std::filesystem::path& dir,
                                               const RocksDBResources& resources,
                                               const std::map<std::string, std::string>& configs,
                                               const rocksdb::Comparator* comparator);
  // Closes the database without flushing (flush first to keep unflushed writes).
  ~RocksDBInstance();
  RocksDBInstance(const RocksDBInstance&) = delete;
  RocksDBInstance& operator=(const RocksDBInstance&) = delete;

  std::optional<std::string> Get(std::string_view key);
  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  void Write(rocksdb::WriteBatch& batch);
  // Writes restored changelog records (puts, and deletes for tombstones) with one WriteBatch.
  // The batch is the calling thread's, reused from call to call (restoration runs batch after
  // batch on one stream thread), so its buffer is allocated once rather than grown for each
  // batch.
  void WriteRestored(std::span<const streams::ChangelogRecord> records);
  // A restoration of at least this many records bulk-loads (SetBulkLoading): a smaller one fits
  // in a memtable or two, where compactions do not get in the way.
  static constexpr int64_t kBulkLoadingMinRecords = 10'000;
  // Bulk loading, for a restoration (RocksDB's PrepareForBulkLoad, switched with
  // DB::SetOptions, no reopen): auto compactions off and the L0 triggers out of reach, so the
  // memtables a restoration fills are flushed to L0 files without compactions competing for
  // the CPU and without write stalls. Off again, the options are the ones the database was
  // opened with (the config setter's included) and RocksDB compacts the piled-up L0 files in
  // the background while the task processes. Closing the instance drops the mode (RocksDB
  // does not keep it across opens). Throws ProcessorStateException when RocksDB refuses.
  void SetBulkLoading(bool on);
  bool bulkLoading() const { return bulk_loading_; }
  // An iterator over a consistent view of the database as of now (RocksDB's implicit
  // snapshot); it must be destroyed before this instance.
  std::unique_ptr<rocksdb::Iterator> NewIterator() const;
  // Writes the memtables to SST files and waits, when anything was written since the last flush.
  void Flush();
  // RocksDB's "rocksdb.estimate-num-keys".
  int64_t EstimateNumKeys();

  const std::filesystem::path& dir() const { return dir_; }
  const std::string& storeName() const { return store_name_; }
  // Throws the ProcessorStateException for `status` of `operation`.
  [[noreturn]] void Fail(std::string_view operation, const rocksdb::Status& status) const;

 private:
  RocksDBInstance(std::string store_name, std::filesystem::path dir);
  // After a write: waits for this instance's memtables to be flushed when the write buffer
  // manager is over its budget and this instance holds an eighth of it or more.
  void HoldMemtableBudget();

  std::string store_name_;
  std::filesystem::path dir_;
  rocksdb::Options options_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
  const RocksDBResources* resources_ = nullptr;
  bool dirty_ = false;
  bool bulk_loading_ = false;
};

// The resources a store opens its instances with: the context's, or else `own` (made on first
// use with RocksDBResources::kDefaultStoreBytes).
const RocksDBResources& ResourcesFor(streams::StateStoreContext& context,
                                     std::unique_ptr<RocksDBResources>& own);

// Throws the ProcessorStateException of an iterator that stopped on an error, if it did.
void CheckIteratorStatus(const rocksdb::Iterator& iterator, const std::string& store_name);

}  // namespace brook::statestore
