#pragma once

#include <map>
#include <string>

namespace rocksdb {
struct Options;
}  // namespace rocksdb

namespace brook::streams {

// Tunes the RocksDB options of the stores (Kafka's RocksDBConfigSetter). Set one on the
// process's RocksDBResources (statestore/rocksdb/rocksdb_resources.h); every RocksDB instance a
// store opens calls setConfig just before RocksDB opens it, so a window or session store calls
// it once per segment, always with the store's name (not the segment's).
//
// `options` arrive with Brook's defaults (docs/design/state-backends.md): the process-wide block
// cache and write buffer manager in place, bloom filters, index and filter blocks in the block
// cache. Replacing `options.table_factory`'s block cache or `options.write_buffer_manager` takes
// the store out of the `rocksdb.memory.max.bytes` bound. A segmented store's comparator,
// create_if_missing and the write-ahead log (disabled) are set by Brook after this call.
// `configs` are StreamsConfig's settings as strings.
//
// Thread safety: called from every stream thread that opens a store; implementations must be
// thread-safe or stateless. Include <rocksdb/options.h> in the implementation.
class RocksDBConfigSetter {
 public:
  virtual ~RocksDBConfigSetter() = default;
  virtual void setConfig(const std::string& store_name, rocksdb::Options& options,
                         const std::map<std::string, std::string>& configs) = 0;
  // Called after the RocksDB instance that setConfig tuned has closed, with the same options:
  // release here what setConfig made for it. Default: nothing.
  virtual void close(const std::string& store_name, rocksdb::Options& options) {
    (void)store_name;
    (void)options;
  }
};

}  // namespace brook::streams
