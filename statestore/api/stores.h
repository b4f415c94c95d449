#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "framework/api/serde.h"
#include "statestore/api/key_value_store_builder.h"
#include "statestore/api/session_store_builder.h"
#include "statestore/api/store_builder.h"
#include "statestore/api/window_store_builder.h"

namespace brook::streams {

// Factories of store suppliers and builders (Kafka's Stores). A supplier makes one backend per
// task; a builder puts the layers over it (Metered -> Caching -> ChangeLogging -> backend):
//
//   auto builder = Stores::keyValueStoreBuilder(Stores::persistentKeyValueStore("counts"),
//                                               Serdes::String(), Serdes::Int64());
//   topology.addStateStore(builder.withCachingEnabled(), {"counter"});
//
// Times are milliseconds (int64_t, as window_store.h), or std::chrono::milliseconds. The
// supplier factories throw std::invalid_argument for an empty name, a negative retention or
// window size, or a retention smaller than the window size (Kafka's checks). A builder's serdes
// may be null: StreamsConfig's default.key.serde / default.value.serde are used when the
// topology is built.
class Stores {
 public:
  using Ms = std::chrono::milliseconds;

  // RocksDB under <state.dir>/<application.id>/<task>/rocksdb/<name>.
  static std::shared_ptr<KeyValueBytesStoreSupplier> persistentKeyValueStore(
      const std::string& name);
  // The same backend: with Brook the timestamp is in the value's bytes (ValueAndTimestampSerde,
  // used by timestampedKeyValueStoreBuilder), not in the store's format.
  static std::shared_ptr<KeyValueBytesStoreSupplier> persistentTimestampedKeyValueStore(
      const std::string& name);
  static std::shared_ptr<KeyValueBytesStoreSupplier> inMemoryKeyValueStore(const std::string& name);

  // Windows of `window_size_ms`, kept `retention_ms` behind stream time; `retain_duplicates`
  // keeps every put of a key and window (stream-stream joins).
  static std::shared_ptr<WindowBytesStoreSupplier> persistentWindowStore(const std::string& name,
                                                                         int64_t retention_ms,
                                                                         int64_t window_size_ms,
                                                                         bool retain_duplicates);
  static std::shared_ptr<WindowBytesStoreSupplier> persistentTimestampedWindowStore(
      const std::string& name, int64_t retention_ms, int64_t window_size_ms,
      bool retain_duplicates);
  static std::shared_ptr<WindowBytesStoreSupplier> inMemoryWindowStore(const std::string& name,
                                                                       int64_t retention_ms,
                                                                       int64_t window_size_ms,
                                                                       bool retain_duplicates);
  static std::shared_ptr<WindowBytesStoreSupplier> persistentWindowStore(const std::string& name,
                                                                         Ms retention,
                                                                         Ms window_size,
                                                                         bool retain_duplicates) {
    return persistentWindowStore(name, retention.count(), window_size.count(), retain_duplicates);
  }
  static std::shared_ptr<WindowBytesStoreSupplier> persistentTimestampedWindowStore(
      const std::string& name, Ms retention, Ms window_size, bool retain_duplicates) {
    return persistentTimestampedWindowStore(name, retention.count(), window_size.count(),
                                            retain_duplicates);
  }
  static std::shared_ptr<WindowBytesStoreSupplier> inMemoryWindowStore(const std::string& name,
                                                                       Ms retention, Ms window_size,
                                                                       bool retain_duplicates) {
    return inMemoryWindowStore(name, retention.count(), window_size.count(), retain_duplicates);
  }

  // Sessions kept `retention_ms` after they end (behind stream time).
  static std::shared_ptr<SessionBytesStoreSupplier> persistentSessionStore(const std::string& name,
                                                                           int64_t retention_ms);
  static std::shared_ptr<SessionBytesStoreSupplier> inMemorySessionStore(const std::string& name,
                                                                         int64_t retention_ms);
  static std::shared_ptr<SessionBytesStoreSupplier> persistentSessionStore(const std::string& name,
                                                                           Ms retention) {
    return persistentSessionStore(name, retention.count());
  }
  static std::shared_ptr<SessionBytesStoreSupplier> inMemorySessionStore(const std::string& name,
                                                                         Ms retention) {
    return inMemorySessionStore(name, retention.count());
  }

  // Builders; each throws StreamsException for a null supplier. Logging is on and caching off
  // until changed with the builder's with* calls (Kafka's defaults).
  template <typename K, typename V>
  static KeyValueStoreBuilder<K, V> keyValueStoreBuilder(
      std::shared_ptr<const KeyValueBytesStoreSupplier> supplier, SerdePtr<K> key_serde,
      SerdePtr<V> value_serde) {
    return KeyValueStoreBuilder<K, V>(std::move(supplier), std::move(key_serde),
                                      std::move(value_serde));
  }
  template <typename K, typename V>
  static TimestampedKeyValueStoreBuilder<K, V> timestampedKeyValueStoreBuilder(
      std::shared_ptr<const KeyValueBytesStoreSupplier> supplier, SerdePtr<K> key_serde,
      SerdePtr<V> value_serde) {
    return TimestampedKeyValueStoreBuilder<K, V>(std::move(supplier), std::move(key_serde),
                                                 std::move(value_serde));
  }
  template <typename K, typename V>
  static WindowStoreBuilder<K, V> windowStoreBuilder(
      std::shared_ptr<const WindowBytesStoreSupplier> supplier, SerdePtr<K> key_serde,
      SerdePtr<V> value_serde) {
    return WindowStoreBuilder<K, V>(std::move(supplier), std::move(key_serde),
                                    std::move(value_serde));
  }
  template <typename K, typename V>
  static TimestampedWindowStoreBuilder<K, V> timestampedWindowStoreBuilder(
      std::shared_ptr<const WindowBytesStoreSupplier> supplier, SerdePtr<K> key_serde,
      SerdePtr<V> value_serde) {
    return TimestampedWindowStoreBuilder<K, V>(std::move(supplier), std::move(key_serde),
                                               std::move(value_serde));
  }
  template <typename K, typename AGG>
  static SessionStoreBuilder<K, AGG> sessionStoreBuilder(
      std::shared_ptr<const SessionBytesStoreSupplier> supplier, SerdePtr<K> key_serde,
      SerdePtr<AGG> value_serde) {
    return SessionStoreBuilder<K, AGG>(std::move(supplier), std::move(key_serde),
                                       std::move(value_serde));
  }
};

}  // namespace brook::streams
