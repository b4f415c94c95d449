#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "statestore/api/typed_store_builder.h"
#include "statestore/api/value_and_timestamp.h"
#include "statestore/api/value_and_timestamp_serde.h"
#include "statestore/layers/metered_window_store.h"
#include "statestore/layers/store_layers.h"

namespace brook::streams {

// Builds WindowStore<K, V>s (Kafka's WindowStoreBuilder): Metered<K, V> -> Caching (with
// withCachingEnabled, except for stores that retain duplicates, as Kafka) -> ChangeLogging
// (unless withLoggingDisabled) -> the supplier's backend. The changelog keeps records for the
// store's retention period (changelogRetentionMs). Get one from Stores::windowStoreBuilder.
template <typename K, typename V>
class WindowStoreBuilder
    : public detail::TypedStoreBuilder<WindowStore<K, V>, WindowBytesStoreSupplier, K, V> {
  using Base = detail::TypedStoreBuilder<WindowStore<K, V>, WindowBytesStoreSupplier, K, V>;

 public:
  WindowStoreBuilder(std::shared_ptr<const WindowBytesStoreSupplier> supplier,
                     SerdePtr<K> key_serde, SerdePtr<V> value_serde)
      : Base(std::move(supplier), std::move(key_serde), std::move(value_serde)) {}

  std::optional<int64_t> changelogRetentionMs() const override {
    return this->supplier_->retentionPeriod();
  }
  std::unique_ptr<WindowStore<K, V>> build() const override {
    this->CheckSerdes();
    return std::make_unique<statestore::MeteredWindowStore<K, V>>(
        statestore::BuildWindowLayers(*this->supplier_, this->logging_enabled_,
                                      this->caching_enabled_),
        this->key_serde_, this->value_serde_, this->supplier_->metricsScope());
  }
  std::shared_ptr<AbstractStoreBuilder> withSerdes(
      const detail::SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<WindowStoreBuilder>(*this);
    copy->ResolveSerdes(defaults);
    return copy;
  }
  std::shared_ptr<AbstractStoreBuilder> clone() const override {
    return std::make_shared<WindowStoreBuilder>(*this);
  }
};

// Builds WindowStore<K, ValueAndTimestamp<V>>s (Kafka's TimestampedWindowStoreBuilder), the
// stores of the DSL's windowed aggregations: as WindowStoreBuilder, the values written with
// ValueAndTimestampSerde over the value serde.
template <typename K, typename V>
class TimestampedWindowStoreBuilder
    : public detail::TypedStoreBuilder<WindowStore<K, ValueAndTimestamp<V>>,
                                       WindowBytesStoreSupplier, K, V> {
  using Base = detail::TypedStoreBuilder<WindowStore<K, ValueAndTimestamp<V>>,
                                         WindowBytesStoreSupplier, K, V>;

 public:
  TimestampedWindowStoreBuilder(std::shared_ptr<const WindowBytesStoreSupplier> supplier,
                                SerdePtr<K> key_serde, SerdePtr<V> value_serde)
      : Base(std::move(supplier), std::move(key_serde), std::move(value_serde)) {}

  std::optional<int64_t> changelogRetentionMs() const override {
    return this->supplier_->retentionPeriod();
  }
  std::unique_ptr<WindowStore<K, ValueAndTimestamp<V>>> build() const override {
    this->CheckSerdes();
    return std::make_unique<statestore::MeteredWindowStore<K, ValueAndTimestamp<V>>>(
        statestore::BuildWindowLayers(*this->supplier_, this->logging_enabled_,
                                      this->caching_enabled_),
        this->key_serde_, MakeValueAndTimestampSerde<V>(this->value_serde_),
        this->supplier_->metricsScope());
  }
  std::shared_ptr<AbstractStoreBuilder> withSerdes(
      const detail::SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<TimestampedWindowStoreBuilder>(*this);
    copy->ResolveSerdes(defaults);
    return copy;
  }
  std::shared_ptr<AbstractStoreBuilder> clone() const override {
    return std::make_shared<TimestampedWindowStoreBuilder>(*this);
  }
};

}  // namespace brook::streams
