#include "statestore/api/stores.h"

#include "statestore/memory/in_memory_store_suppliers.h"
#include "statestore/rocksdb/rocksdb_store_suppliers.h"

namespace brook::streams {

std::shared_ptr<KeyValueBytesStoreSupplier> Stores::persistentKeyValueStore(
    const std::string& name) {
  return statestore::RocksDBKeyValueSupplier(name);
}

std::shared_ptr<KeyValueBytesStoreSupplier> Stores::persistentTimestampedKeyValueStore(
    const std::string& name) {
  return statestore::RocksDBKeyValueSupplier(name);
}

std::shared_ptr<KeyValueBytesStoreSupplier> Stores::inMemoryKeyValueStore(const std::string& name) {
  return statestore::InMemoryKeyValueSupplier(name);
}

std::shared_ptr<WindowBytesStoreSupplier> Stores::persistentWindowStore(const std::string& name,
                                                                        int64_t retention_ms,
                                                                        int64_t window_size_ms,
                                                                        bool retain_duplicates) {
  return statestore::RocksDBWindowSupplier(name, retention_ms, window_size_ms, retain_duplicates);
}

std::shared_ptr<WindowBytesStoreSupplier> Stores::persistentTimestampedWindowStore(
    const std::string& name, int64_t retention_ms, int64_t window_size_ms, bool retain_duplicates) {
  return statestore::RocksDBWindowSupplier(name, retention_ms, window_size_ms, retain_duplicates);
}

std::shared_ptr<WindowBytesStoreSupplier> Stores::inMemoryWindowStore(const std::string& name,
                                                                      int64_t retention_ms,
                                                                      int64_t window_size_ms,
                                                                      bool retain_duplicates) {
  return statestore::InMemoryWindowSupplier(name, retention_ms, window_size_ms, retain_duplicates);
}

std::shared_ptr<SessionBytesStoreSupplier> Stores::persistentSessionStore(const std::string& name,
                                                                          int64_t retention_ms) {
  return statestore::RocksDBSessionSupplier(name, retention_ms);
}

std::shared_ptr<SessionBytesStoreSupplier> Stores::inMemorySessionStore(const std::string& name,
                                                                        int64_t retention_ms) {
  return statestore::InMemorySessionSupplier(name, retention_ms);
}

}  // namespace brook::streams
