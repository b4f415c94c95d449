#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "statestore/api/typed_store_builder.h"
#include "statestore/layers/metered_session_store.h"
#include "statestore/layers/store_layers.h"

namespace brook::streams {

// Builds SessionStore<K, AGG>s (Kafka's SessionStoreBuilder): Metered<K, AGG> -> Caching (with
// withCachingEnabled) -> ChangeLogging (unless withLoggingDisabled) -> the supplier's backend.
// The changelog keeps records for the store's retention period (changelogRetentionMs). Get one
// from Stores::sessionStoreBuilder.
template <typename K, typename AGG>
class SessionStoreBuilder
    : public detail::TypedStoreBuilder<SessionStore<K, AGG>, SessionBytesStoreSupplier, K, AGG> {
  using Base = detail::TypedStoreBuilder<SessionStore<K, AGG>, SessionBytesStoreSupplier, K, AGG>;

 public:
  SessionStoreBuilder(std::shared_ptr<const SessionBytesStoreSupplier> supplier,
                      SerdePtr<K> key_serde, SerdePtr<AGG> value_serde)
      : Base(std::move(supplier), std::move(key_serde), std::move(value_serde)) {}

  std::optional<int64_t> changelogRetentionMs() const override {
    return this->supplier_->retentionPeriod();
  }
  std::unique_ptr<SessionStore<K, AGG>> build() const override {
    this->CheckSerdes();
    return std::make_unique<statestore::MeteredSessionStore<K, AGG>>(
        statestore::BuildSessionLayers(*this->supplier_, this->logging_enabled_,
                                       this->caching_enabled_),
        this->key_serde_, this->value_serde_, this->supplier_->metricsScope());
  }
  std::shared_ptr<AbstractStoreBuilder> withSerdes(
      const detail::SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<SessionStoreBuilder>(*this);
    copy->ResolveSerdes(defaults);
    return copy;
  }
  std::shared_ptr<AbstractStoreBuilder> clone() const override {
    return std::make_shared<SessionStoreBuilder>(*this);
  }
};

}  // namespace brook::streams
