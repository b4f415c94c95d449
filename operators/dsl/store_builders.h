#pragma once

#include <memory>
#include <string>

#include "operators/dsl/materialized.h"
#include "statestore/api/stores.h"

namespace brook::streams::detail {

// Applies Materialized's caching and logging to `builder` and returns the topology's copy.
template <typename Builder, typename K, typename V, typename S>
std::shared_ptr<AbstractStoreBuilder> Configured(Builder& builder,
                                                 const Materialized<K, V, S>& materialized) {
  if (materialized.cachingEnabled()) {
    builder.withCachingEnabled();
  } else {
    builder.withCachingDisabled();
  }
  if (materialized.loggingEnabled()) {
    builder.withLoggingEnabled(materialized.logConfig());
  } else {
    builder.withLoggingDisabled();
  }
  return builder.clone();
}

// The store builder of a DSL key-value aggregation or table (Kafka's
// KeyValueStoreMaterializer): Materialized's supplier, else a RocksDB (or in-memory) timestamped
// key-value store named `name`; its serdes, logging and caching.
template <typename K, typename V>
std::shared_ptr<AbstractStoreBuilder> TimestampedKeyValueStoreFor(
    const std::string& name, const Materialized<K, V, KeyValueBytesStore>& materialized) {
  std::shared_ptr<const KeyValueBytesStoreSupplier> supplier = materialized.supplier();
  if (!supplier) {
    supplier = materialized.storeType() == StoreType::kInMemory
                   ? Stores::inMemoryKeyValueStore(name)
                   : Stores::persistentTimestampedKeyValueStore(name);
  }
  auto builder = Stores::timestampedKeyValueStoreBuilder(supplier, materialized.keySerde(),
                                                         materialized.valueSerde());
  return Configured(builder, materialized);
}

}  // namespace brook::streams::detail
