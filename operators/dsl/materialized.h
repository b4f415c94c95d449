#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "framework/api/errors.h"
#include "framework/api/serde.h"
#include "operators/dsl/named.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/session_store.h"
#include "statestore/api/store_builder.h"
#include "statestore/api/window_store.h"

namespace brook::streams {

// The backend of a store the DSL makes when Materialized gives no supplier (Kafka's
// Materialized.StoreType): RocksDB (the default) or in memory.
enum class StoreType { kRocksDB, kInMemory };

namespace detail {
template <typename S>
struct SupplierFor;
template <>
struct SupplierFor<KeyValueBytesStore> {
  using Type = KeyValueBytesStoreSupplier;
};
template <>
struct SupplierFor<WindowBytesStore> {
  using Type = WindowBytesStoreSupplier;
};
template <>
struct SupplierFor<SessionBytesStore> {
  using Type = SessionBytesStoreSupplier;
};
}  // namespace detail

// How a DSL operator keeps its state (Kafka Streams' Materialized<K, V, S>): the store's name
// (queryable through KafkaStreams::store and named in the changelog
// "<application.id>-<name>-changelog"; left empty, the operator generates one and the store is
// not meant for queries), or a supplier of the backend; the serdes of the store's keys and
// values (left null: the operator's inputs', else StreamsConfig's defaults); change logging
// (on by default, with topic configs) and caching (on by default, as in Kafka: updates of a key
// are merged until the next commit or eviction, see statestore.cache.max.bytes); for window and
// session stores the retention (default: the window size plus its grace).
//
// S is the kind of bytes store: KeyValueBytesStore (aggregations, tables), WindowBytesStore
// (windowed aggregations) or SessionBytesStore (session windows).
//
//   grouped.count(Materialized<std::string, int64_t>::as("counts"));
//
// Thread safety: a value type.
template <typename K, typename V, typename S = KeyValueBytesStore>
class Materialized {
 public:
  using Supplier = typename detail::SupplierFor<S>::Type;

  Materialized() = default;

  // Validated as Named::as.
  static Materialized as(std::string store_name) {
    Materialized m;
    m.store_name_ = Named::as(std::move(store_name)).name();
    return m;
  }
  // Uses `supplier`'s backend and name.
  static Materialized as(std::shared_ptr<const Supplier> supplier) {
    if (!supplier) throw TopologyException("Materialized::as: the store supplier is null");
    Materialized m;
    m.store_name_ = supplier->name();
    m.supplier_ = std::move(supplier);
    return m;
  }
  static Materialized as(StoreType type) { return Materialized().withStoreType(type); }
  static Materialized with(SerdePtr<K> key_serde, SerdePtr<V> value_serde) {
    return Materialized().withKeySerde(std::move(key_serde)).withValueSerde(std::move(value_serde));
  }

  Materialized withKeySerde(SerdePtr<K> serde) const {
    Materialized copy = *this;
    copy.key_serde_ = std::move(serde);
    return copy;
  }
  Materialized withValueSerde(SerdePtr<V> serde) const {
    Materialized copy = *this;
    copy.value_serde_ = std::move(serde);
    return copy;
  }
  Materialized withStoreType(StoreType type) const {
    Materialized copy = *this;
    copy.store_type_ = type;
    return copy;
  }
  Materialized withLoggingEnabled(std::map<std::string, std::string> topic_config = {}) const {
    Materialized copy = *this;
    copy.logging_ = true;
    copy.log_config_ = std::move(topic_config);
    return copy;
  }
  Materialized withLoggingDisabled() const {
    Materialized copy = *this;
    copy.logging_ = false;
    copy.log_config_.clear();
    return copy;
  }
  Materialized withCachingEnabled() const {
    Materialized copy = *this;
    copy.caching_ = true;
    return copy;
  }
  Materialized withCachingDisabled() const {
    Materialized copy = *this;
    copy.caching_ = false;
    return copy;
  }
  // Window and session stores: how long windows are kept (at least the window size plus grace;
  // checked by the windowed operator). Throws TopologyException for a negative value.
  Materialized withRetention(int64_t retention_ms) const {
    if (retention_ms < 0) {
      throw TopologyException("Materialized::withRetention: the retention must not be negative");
    }
    Materialized copy = *this;
    copy.retention_ms_ = retention_ms;
    return copy;
  }

  const std::optional<std::string>& storeName() const { return store_name_; }
  const std::shared_ptr<const Supplier>& supplier() const { return supplier_; }
  const SerdePtr<K>& keySerde() const { return key_serde_; }
  const SerdePtr<V>& valueSerde() const { return value_serde_; }
  StoreType storeType() const { return store_type_; }
  bool loggingEnabled() const { return logging_; }
  const std::map<std::string, std::string>& logConfig() const { return log_config_; }
  bool cachingEnabled() const { return caching_; }
  const std::optional<int64_t>& retentionMs() const { return retention_ms_; }

  // The same settings for another value type (the DSL's count() materializes Int64 counts).
  template <typename V2>
  Materialized<K, V2, S> withValueType(SerdePtr<V2> value_serde) const {
    Materialized<K, V2, S> m;
    m.store_name_ = store_name_;
    m.supplier_ = supplier_;
    m.key_serde_ = key_serde_;
    m.value_serde_ = std::move(value_serde);
    m.store_type_ = store_type_;
    m.logging_ = logging_;
    m.log_config_ = log_config_;
    m.caching_ = caching_;
    m.retention_ms_ = retention_ms_;
    return m;
  }

 private:
  template <typename, typename, typename>
  friend class Materialized;

  std::optional<std::string> store_name_;
  std::shared_ptr<const Supplier> supplier_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  StoreType store_type_ = StoreType::kRocksDB;
  bool logging_ = true;
  std::map<std::string, std::string> log_config_;
  bool caching_ = true;
  std::optional<int64_t> retention_ms_;
};

}  // namespace brook::streams
