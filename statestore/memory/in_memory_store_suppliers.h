#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "statestore/api/store_builder.h"

namespace brook::statestore {

// The in-memory backends' suppliers, which Stores::inMemory*Store returns. Each get() makes a
// new, unopened store. Throw std::invalid_argument for an empty name, a negative retention or
// window size, or a retention smaller than the window size (Kafka's checks).
// segmentIntervalMs() reports max(retention / 2, 60 s) like the RocksDB ones (the in-memory
// stores expire window by window, not by segment).

// metricsScope "in-memory".
std::shared_ptr<streams::KeyValueBytesStoreSupplier> InMemoryKeyValueSupplier(std::string name);
// metricsScope "in-memory-window".
std::shared_ptr<streams::WindowBytesStoreSupplier> InMemoryWindowSupplier(std::string name,
                                                                          int64_t retention_ms,
                                                                          int64_t window_size_ms,
                                                                          bool retain_duplicates);
// metricsScope "in-memory-session".
std::shared_ptr<streams::SessionBytesStoreSupplier> InMemorySessionSupplier(std::string name,
                                                                            int64_t retention_ms);

}  // namespace brook::statestore
