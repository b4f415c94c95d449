#include "statestore/rocksdb/rocksdb_store_suppliers.h"

#include "statestore/memory/store_suppliers.h"
#include "statestore/rocksdb/rocksdb_key_value_store.h"
#include "statestore/rocksdb/rocksdb_session_store.h"
#include "statestore/rocksdb/rocksdb_window_store.h"

namespace brook::statestore {

std::shared_ptr<streams::KeyValueBytesStoreSupplier> RocksDBKeyValueSupplier(std::string name) {
  return std::make_shared<detail::KeyValueSupplier>(
      std::move(name), "rocksdb",
      [](const std::string& store) { return std::make_unique<RocksDBKeyValueStore>(store); });
}

std::shared_ptr<streams::WindowBytesStoreSupplier> RocksDBWindowSupplier(std::string name,
                                                                         int64_t retention_ms,
                                                                         int64_t window_size_ms,
                                                                         bool retain_duplicates) {
  return std::make_shared<detail::WindowSupplier>(
      std::move(name), "rocksdb-window", retention_ms, window_size_ms, retain_duplicates,
      [](const std::string& store, int64_t retention, int64_t interval, int64_t size,
         bool duplicates) {
        return std::make_unique<RocksDBWindowStore>(store, retention, interval, size, duplicates);
      });
}

std::shared_ptr<streams::SessionBytesStoreSupplier> RocksDBSessionSupplier(std::string name,
                                                                           int64_t retention_ms) {
  return std::make_shared<detail::SessionSupplier>(
      std::move(name), "rocksdb-session", retention_ms,
      [](const std::string& store, int64_t retention, int64_t interval) {
        return std::make_unique<RocksDBSessionStore>(store, retention, interval);
      });
}

}  // namespace brook::statestore
