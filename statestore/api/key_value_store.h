#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "statestore/api/key_value_iterator.h"
#include "statestore/api/state_store.h"

namespace brook::streams {

// Read access to a key-value store (Kafka's ReadOnlyKeyValueStore): what interactive queries
// (KafkaStreams::store) get.
template <typename K, typename V>
class ReadOnlyKeyValueStore {
 public:
  virtual ~ReadOnlyKeyValueStore() = default;
  // The value of `key`, or nullopt when there is none.
  virtual std::optional<V> get(const K& key) = 0;
  // Entries with from <= key <= to in key order (by the serialized key's bytes, as Kafka: for
  // the built-in serdes of strings that is string order; Int32/Int64 are big-endian, so
  // non-negative numbers are in numeric order). A missing bound is open. from > to: empty.
  virtual KeyValueIteratorPtr<K, V> range(const std::optional<K>& from,
                                          const std::optional<K>& to) = 0;
  virtual KeyValueIteratorPtr<K, V> reverseRange(const std::optional<K>& from,
                                                 const std::optional<K>& to) = 0;
  virtual KeyValueIteratorPtr<K, V> all() = 0;
  virtual KeyValueIteratorPtr<K, V> reverseAll() = 0;
  // Entries whose serialized key starts with the bytes `prefix` (Kafka's prefixScan with the
  // prefix already serialized), in key order.
  virtual KeyValueIteratorPtr<K, V> prefixScan(const std::string& prefix) = 0;
  // An estimate (RocksDB's) or the exact count (in-memory) of the entries.
  virtual int64_t approximateNumEntries() = 0;
};

// A key-value store a processor writes (Kafka's KeyValueStore<K, V>). The stores the runtime
// makes are layers: Metered<K, V> (serdes) -> Caching -> ChangeLogging -> RocksDB or in-memory,
// and the bytes layers are KeyValueStore<std::string, std::string> (KeyValueBytesStore).
template <typename K, typename V>
class KeyValueStore : public StateStore, public ReadOnlyKeyValueStore<K, V> {
 public:
  virtual void put(const K& key, const V& value) = 0;
  // Puts `value` unless `key` has a value; returns that value (nullopt when it put).
  virtual std::optional<V> putIfAbsent(const K& key, const V& value) = 0;
  virtual void putAll(const std::vector<KeyValue<K, V>>& entries) = 0;
  // Kafka's delete(key) (`delete` is a C++ keyword): removes `key`, returns its old value.
  virtual std::optional<V> remove(const K& key) = 0;
};

// The bytes stores under the typed layer (Kafka's KeyValueStore<Bytes, byte[]>): keys and
// values are serialized; keys compare as unsigned bytes (std::string's order).
using KeyValueBytesStore = KeyValueStore<std::string, std::string>;

}  // namespace brook::streams
