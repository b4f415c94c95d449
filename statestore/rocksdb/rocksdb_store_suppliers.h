#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "statestore/api/store_builder.h"

namespace brook::statestore {

// The RocksDB backends' suppliers, which Stores::persistent*Store returns. Each get() makes a
// new, unopened store; the runtime makes one per task. Throw std::invalid_argument for an empty
// name, a negative retention or window size, or a retention smaller than the window size
// (Kafka's checks). Segment interval: max(retention / 2, 60 s), as Kafka.

// metricsScope "rocksdb".
std::shared_ptr<streams::KeyValueBytesStoreSupplier> RocksDBKeyValueSupplier(std::string name);
// metricsScope "rocksdb-window".
std::shared_ptr<streams::WindowBytesStoreSupplier> RocksDBWindowSupplier(std::string name,
                                                                         int64_t retention_ms,
                                                                         int64_t window_size_ms,
                                                                         bool retain_duplicates);
// metricsScope "rocksdb-session".
std::shared_ptr<streams::SessionBytesStoreSupplier> RocksDBSessionSupplier(std::string name,
                                                                           int64_t retention_ms);

}  // namespace brook::statestore
