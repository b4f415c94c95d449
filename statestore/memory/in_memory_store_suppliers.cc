#include "statestore/memory/in_memory_store_suppliers.h"

#include "statestore/memory/in_memory_key_value_store.h"
#include "statestore/memory/in_memory_session_store.h"
#include "statestore/memory/in_memory_window_store.h"
#include "statestore/memory/store_suppliers.h"

namespace brook::statestore {

std::shared_ptr<streams::KeyValueBytesStoreSupplier> InMemoryKeyValueSupplier(std::string name) {
  return std::make_shared<detail::KeyValueSupplier>(
      std::move(name), "in-memory",
      [](const std::string& store) { return std::make_unique<InMemoryKeyValueStore>(store); });
}

std::shared_ptr<streams::WindowBytesStoreSupplier> InMemoryWindowSupplier(std::string name,
                                                                          int64_t retention_ms,
                                                                          int64_t window_size_ms,
                                                                          bool retain_duplicates) {
  return std::make_shared<detail::WindowSupplier>(
      std::move(name), "in-memory-window", retention_ms, window_size_ms, retain_duplicates,
      [](const std::string& store, int64_t retention, int64_t, int64_t size, bool duplicates) {
        return std::make_unique<InMemoryWindowStore>(store, retention, size, duplicates);
      });
}

std::shared_ptr<streams::SessionBytesStoreSupplier> InMemorySessionSupplier(std::string name,
                                                                            int64_t retention_ms) {
  return std::make_shared<detail::SessionSupplier>(
      std::move(name), "in-memory-session", retention_ms,
      [](const std::string& store, int64_t retention, int64_t) {
        return std::make_unique<InMemorySessionStore>(store, retention);
      });
}

}  // namespace brook::statestore
