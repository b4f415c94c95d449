#pragma once

#include <memory>

#include "statestore/api/typed_store_builder.h"
#include "statestore/api/value_and_timestamp.h"
#include "statestore/api/value_and_timestamp_serde.h"
#include "statestore/layers/metered_key_value_store.h"
#include "statestore/layers/store_layers.h"

namespace brook::streams {

// Builds KeyValueStore<K, V>s (Kafka's KeyValueStoreBuilder): Metered<K, V> -> Caching (with
// withCachingEnabled) -> ChangeLogging (unless withLoggingDisabled) -> the supplier's backend.
// Get one from Stores::keyValueStoreBuilder. A value type; Topology::addStateStore copies it.
template <typename K, typename V>
class KeyValueStoreBuilder
    : public detail::TypedStoreBuilder<KeyValueStore<K, V>, KeyValueBytesStoreSupplier, K, V> {
  using Base = detail::TypedStoreBuilder<KeyValueStore<K, V>, KeyValueBytesStoreSupplier, K, V>;

 public:
  // Throws StreamsException when `supplier` is null; null serdes are resolved from
  // StreamsConfig's defaults when the topology is built.
  KeyValueStoreBuilder(std::shared_ptr<const KeyValueBytesStoreSupplier> supplier,
                       SerdePtr<K> key_serde, SerdePtr<V> value_serde)
      : Base(std::move(supplier), std::move(key_serde), std::move(value_serde)) {}

  std::unique_ptr<KeyValueStore<K, V>> build() const override {
    this->CheckSerdes();
    return std::make_unique<statestore::MeteredKeyValueStore<K, V>>(
        statestore::BuildKeyValueLayers(*this->supplier_, this->logging_enabled_,
                                        this->caching_enabled_),
        this->key_serde_, this->value_serde_, this->supplier_->metricsScope());
  }
  std::shared_ptr<AbstractStoreBuilder> withSerdes(
      const detail::SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<KeyValueStoreBuilder>(*this);
    copy->ResolveSerdes(defaults);
    return copy;
  }
  std::shared_ptr<AbstractStoreBuilder> clone() const override {
    return std::make_shared<KeyValueStoreBuilder>(*this);
  }
};

// Builds KeyValueStore<K, ValueAndTimestamp<V>>s (Kafka's TimestampedKeyValueStoreBuilder), the
// stores of the DSL's tables and aggregations: as KeyValueStoreBuilder, the values written with
// ValueAndTimestampSerde over the value serde (8-byte timestamp, then the value).
template <typename K, typename V>
class TimestampedKeyValueStoreBuilder
    : public detail::TypedStoreBuilder<KeyValueStore<K, ValueAndTimestamp<V>>,
                                       KeyValueBytesStoreSupplier, K, V> {
  using Base = detail::TypedStoreBuilder<KeyValueStore<K, ValueAndTimestamp<V>>,
                                         KeyValueBytesStoreSupplier, K, V>;

 public:
  TimestampedKeyValueStoreBuilder(std::shared_ptr<const KeyValueBytesStoreSupplier> supplier,
                                  SerdePtr<K> key_serde, SerdePtr<V> value_serde)
      : Base(std::move(supplier), std::move(key_serde), std::move(value_serde)) {}

  std::unique_ptr<KeyValueStore<K, ValueAndTimestamp<V>>> build() const override {
    this->CheckSerdes();
    return std::make_unique<statestore::MeteredKeyValueStore<K, ValueAndTimestamp<V>>>(
        statestore::BuildKeyValueLayers(*this->supplier_, this->logging_enabled_,
                                        this->caching_enabled_),
        this->key_serde_, MakeValueAndTimestampSerde<V>(this->value_serde_),
        this->supplier_->metricsScope());
  }
  std::shared_ptr<AbstractStoreBuilder> withSerdes(
      const detail::SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<TimestampedKeyValueStoreBuilder>(*this);
    copy->ResolveSerdes(defaults);
    return copy;
  }
  std::shared_ptr<AbstractStoreBuilder> clone() const override {
    return std::make_shared<TimestampedKeyValueStoreBuilder>(*this);
  }
};

}  // namespace brook::streams
