#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/detail/global_store_lock.h"
#include "framework/api/processor_context.h"
#include "operators/processors/table_value_getter.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/value_and_timestamp.h"

namespace brook::operators::processors {

// Reads a GlobalKTable's timestamped key-value store (Kafka's KTableSourceValueGetter of a
// global table). The store is written by the global state task's thread, so each read takes
// the store's lock (GlobalStoreLocks) when it has one.
template <typename K, typename V>
class GlobalStoreValueGetter final : public TableValueGetter<K, V> {
 public:
  using Store = streams::KeyValueStore<K, streams::ValueAndTimestamp<V>>;

  explicit GlobalStoreValueGetter(std::string store) : store_name_(std::move(store)) {}
  void init(streams::ProcessingContext& context) override {
    store_ = &context.getStateStore<Store>(store_name_);
    lock_ = streams::detail::GlobalStoreLocks::Find(store_);
  }
  std::optional<streams::ValueAndTimestamp<V>> get(const K& key) override {
    if (lock_ == nullptr) return store_->get(key);
    std::lock_guard guard(*lock_);
    return store_->get(key);
  }

 private:
  std::string store_name_;
  Store* store_ = nullptr;
  std::mutex* lock_ = nullptr;
};

// Getters of the global store `store`. They name no store: a processor reads a global store
// without being connected to it.
template <typename K, typename V>
std::shared_ptr<const TableValueGetterSupplier<K, V>> GlobalStoreValueGetterSupplier(
    std::string store) {
  auto supplier = std::make_shared<TableValueGetterSupplier<K, V>>();
  supplier->make = [store] { return std::make_unique<GlobalStoreValueGetter<K, V>>(store); };
  return supplier;
}

}  // namespace brook::operators::processors
