#pragma once

#include <memory>
#include <string>
#include <utility>

#include "framework/api/detail/node_factory.h"
#include "framework/api/errors.h"
#include "framework/api/serde.h"
#include "statestore/api/store_builder.h"

namespace brook::streams::detail {

// What the store builders of stores.h share: the backend's supplier and the key and value
// serdes (null until given or resolved from StreamsConfig's defaults by withSerdes).
template <typename Store, typename Supplier, typename K, typename V>
class TypedStoreBuilder : public StoreBuilder<Store> {
 public:
  const std::shared_ptr<const Supplier>& supplier() const { return supplier_; }
  const SerdePtr<K>& keySerde() const { return key_serde_; }
  const SerdePtr<V>& valueSerde() const { return value_serde_; }

 protected:
  // Throws StreamsException when `supplier` is null.
  TypedStoreBuilder(std::shared_ptr<const Supplier> supplier, SerdePtr<K> key_serde,
                    SerdePtr<V> value_serde)
      : StoreBuilder<Store>(NameOf(supplier)),
        supplier_(std::move(supplier)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}

  // Missing serdes from `defaults`; TopologyException when a default is missing or of another
  // type.
  void ResolveSerdes(const SerdeDefaults& defaults) {
    key_serde_ = ResolveSerde(key_serde_, defaults.key, "store " + this->name_, "key");
    value_serde_ = ResolveSerde(value_serde_, defaults.value, "store " + this->name_, "value");
  }
  // Throws TopologyException when a serde is still missing at build().
  void CheckSerdes() const {
    if (key_serde_ && value_serde_) return;
    throw TopologyException("store " + this->name_ + " has no " + (key_serde_ ? "value" : "key") +
                            " serde: give one to its builder, or set default.key.serde / "
                            "default.value.serde (applied when the topology is built)");
  }

  std::shared_ptr<const Supplier> supplier_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;

 private:
  static std::string NameOf(const std::shared_ptr<const Supplier>& supplier) {
    if (!supplier) throw StreamsException("a store builder needs a store supplier, got null");
    return supplier->name();
  }
};

}  // namespace brook::streams::detail
