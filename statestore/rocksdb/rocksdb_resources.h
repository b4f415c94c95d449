#pragma once

#include <cstddef>
#include <memory>

#include "statestore/api/rocksdb_config_setter.h"

namespace rocksdb {
class Cache;
class WriteBufferManager;
}  // namespace rocksdb

namespace brook::statestore {

// The memory every RocksDB store of the process shares (Kafka's BoundedMemoryRocksDBConfig,
// built in): one LRU block cache of `total_bytes` and one write buffer manager that charges the
// memtables to that cache, so data blocks, index and filter blocks and memtables together stay
// near one figure, StreamsConfig's `rocksdb.memory.max.bytes`. The memtables take at most about
// `write_buffer_ratio` of it before RocksDB flushes them; blocks fill the rest and are evicted
// least recently used first; index and filter blocks are kept in the cache's high-priority pool
// (10%) so lookups do not thrash them.
//
// Bounded: block cache contents, index and filter blocks, memtables (through their charge to the
// cache). Not bounded: blocks pinned by open iterators beyond the capacity (the cache is not a
// strict limit, as in Kafka, so a read never fails for lack of room), a memtable being written
// while its flush is pending, compaction buffers, per-file metadata, and RocksDB's per-instance
// overhead (thread pools, info log). docs/design/state-backends.md has the figures.
//
// A store whose context has no RocksDBResources (StateStoreContext::rocksDBResources() returns
// nullptr, as in tests) makes its own with kDefaultStoreBytes.
//
// Thread safety: all methods are thread-safe; stores of every stream thread use one instance,
// which must outlive them.
class RocksDBResources {
 public:
  // What a store without shared resources gets for itself (Kafka's default block cache of 50 MB
  // per store, plus its memtables): 64 MiB.
  static constexpr size_t kDefaultStoreBytes = size_t{64} << 20;

  // Throws std::invalid_argument when total_bytes is 0 or write_buffer_ratio is not in (0, 1).
  explicit RocksDBResources(size_t total_bytes, double write_buffer_ratio = 0.5,
                            std::shared_ptr<streams::RocksDBConfigSetter> config_setter = nullptr);
  ~RocksDBResources();
  RocksDBResources(const RocksDBResources&) = delete;
  RocksDBResources& operator=(const RocksDBResources&) = delete;

  // The bound, the cache's capacity.
  size_t capacity() const { return total_bytes_; }
  // Bytes the cache holds now, the memtables' charge included (rocksdb::Cache::GetUsage).
  size_t cacheUsage() const;
  // Bytes of those that open iterators and handles pin.
  size_t cachePinnedUsage() const;
  // The memtables' memory, as the write buffer manager counts it.
  size_t writeBufferUsage() const;
  // The memtable budget: total_bytes * write_buffer_ratio.
  size_t writeBufferBytes() const { return write_buffer_bytes_; }

  // For the stores' option builder (statestore/rocksdb/rocksdb_options.cc).
  const std::shared_ptr<rocksdb::Cache>& cache() const { return cache_; }
  const std::shared_ptr<rocksdb::WriteBufferManager>& writeBufferManager() const {
    return write_buffer_manager_;
  }
  // nullptr when none was given.
  streams::RocksDBConfigSetter* configSetter() const { return config_setter_.get(); }

 private:
  size_t total_bytes_;
  size_t write_buffer_bytes_;
  std::shared_ptr<rocksdb::Cache> cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffer_manager_;
  std::shared_ptr<streams::RocksDBConfigSetter> config_setter_;
};

}  // namespace brook::statestore
