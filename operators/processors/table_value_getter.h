#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "framework/api/processor_context.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/value_and_timestamp.h"

namespace brook::operators::processors {

// Reads a KTable's current value of a key from inside another operator (Kafka Streams'
// KTableValueGetter): joins look up the other side through one. A table that keeps a store
// reads it; a table derived without a store (filter, mapValues, an unmaterialized join)
// computes the value from its parent's getter.
// Thread safety: one task's thread; made per processor instance.
template <typename K, typename V>
class TableValueGetter {
 public:
  virtual ~TableValueGetter() = default;
  // Called from the owning processor's init(); the stores the getter reads must be connected to
  // that processor (TableValueGetterSupplier::store_names).
  virtual void init(streams::ProcessingContext& context) = 0;
  // The key's value and the timestamp of its last update; nullopt when the table has no value.
  virtual std::optional<streams::ValueAndTimestamp<V>> get(const K& key) = 0;
};

// Makes getters for each processor instance (Kafka's KTableValueGetterSupplier), and names the
// stores they read so the DSL connects them to the processor that uses the getter.
template <typename K, typename V>
struct TableValueGetterSupplier {
  std::function<std::unique_ptr<TableValueGetter<K, V>>()> make;
  std::vector<std::string> store_names;
};

// Reads the timestamped key-value store `store` (Kafka's KTableMaterializedValueGetter).
template <typename K, typename V>
class StoreValueGetter final : public TableValueGetter<K, V> {
 public:
  using Store = streams::KeyValueStore<K, streams::ValueAndTimestamp<V>>;

  explicit StoreValueGetter(std::string store) : store_name_(std::move(store)) {}
  void init(streams::ProcessingContext& context) override {
    store_ = &context.getStateStore<Store>(store_name_);
  }
  std::optional<streams::ValueAndTimestamp<V>> get(const K& key) override {
    return store_->get(key);
  }

 private:
  std::string store_name_;
  Store* store_ = nullptr;
};

template <typename K, typename V>
std::shared_ptr<const TableValueGetterSupplier<K, V>> StoreValueGetterSupplier(std::string store) {
  auto supplier = std::make_shared<TableValueGetterSupplier<K, V>>();
  supplier->store_names = {store};
  supplier->make = [store] { return std::make_unique<StoreValueGetter<K, V>>(store); };
  return supplier;
}

// A table derived from `parent` by a per-value function (KTableFilter/KTableMapValues value
// getters): transform(key, value) is the derived value, nullopt when it has none (filtered out).
template <typename K, typename VIn, typename VOut>
class DerivedValueGetter final : public TableValueGetter<K, VOut> {
 public:
  using Transform = std::function<std::optional<VOut>(const K& key, const VIn& value)>;

  DerivedValueGetter(std::unique_ptr<TableValueGetter<K, VIn>> parent,
                     std::shared_ptr<const Transform> transform)
      : parent_(std::move(parent)), transform_(std::move(transform)) {}
  void init(streams::ProcessingContext& context) override { parent_->init(context); }
  std::optional<streams::ValueAndTimestamp<VOut>> get(const K& key) override {
    std::optional<streams::ValueAndTimestamp<VIn>> in = parent_->get(key);
    if (!in) return std::nullopt;
    std::optional<VOut> out = (*transform_)(key, in->value);
    if (!out) return std::nullopt;
    return streams::ValueAndTimestamp<VOut>{std::move(*out), in->timestamp};
  }

 private:
  std::unique_ptr<TableValueGetter<K, VIn>> parent_;
  std::shared_ptr<const Transform> transform_;
};

template <typename K, typename VIn, typename VOut>
std::shared_ptr<const TableValueGetterSupplier<K, VOut>> DerivedValueGetterSupplier(
    std::shared_ptr<const TableValueGetterSupplier<K, VIn>> parent,
    typename DerivedValueGetter<K, VIn, VOut>::Transform transform) {
  auto shared = std::make_shared<const typename DerivedValueGetter<K, VIn, VOut>::Transform>(
      std::move(transform));
  auto supplier = std::make_shared<TableValueGetterSupplier<K, VOut>>();
  supplier->store_names = parent->store_names;
  supplier->make = [parent, shared] {
    return std::make_unique<DerivedValueGetter<K, VIn, VOut>>(parent->make(), shared);
  };
  return supplier;
}

}  // namespace brook::operators::processors
