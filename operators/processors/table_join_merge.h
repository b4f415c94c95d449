#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/processor.h"
#include "operators/dsl/change.h"
#include "operators/processors/table_forwarder.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/value_and_timestamp.h"

namespace brook::operators::processors {

// Kafka Streams' KTableKTableJoinMerger: the node both sides of a KTable-KTable join forward
// to, and the result table. Materialized (a store name given), it keeps each key's result in a
// timestamped key-value store (a delete removes it) and forwards through TableForwarder with the
// stored old value; otherwise it passes the changes on.
template <typename K, typename VR>
class TableJoinMergeProcessor final
    : public streams::ContextualProcessor<K, streams::Change<VR>, K, streams::Change<VR>> {
 public:
  using Store = streams::KeyValueStore<K, streams::ValueAndTimestamp<VR>>;

  TableJoinMergeProcessor(std::optional<std::string> store_name,
                          std::shared_ptr<const bool> send_old_values)
      : store_name_(std::move(store_name)), send_old_values_(std::move(send_old_values)) {}

  void init(streams::ProcessorContext<K, streams::Change<VR>>& context) override {
    streams::ContextualProcessor<K, streams::Change<VR>, K, streams::Change<VR>>::init(context);
    if (store_name_) {
      store_ = &context.template getStateStore<Store>(*store_name_);
      forwarder_.emplace(*store_, context, *send_old_values_);
    }
  }

  void process(const streams::Record<K, streams::Change<VR>>& record) override {
    if (store_ == nullptr) {
      this->context().forward(record);
      return;
    }
    std::optional<streams::ValueAndTimestamp<VR>> old = store_->get(record.key());
    std::optional<VR> old_value;
    if (old) old_value = std::move(old->value);
    const std::optional<VR>& new_value = record.value().newValue;
    if (new_value) {
      store_->put(record.key(), streams::ValueAndTimestamp<VR>{*new_value, record.timestamp()});
    } else {
      store_->remove(record.key());
    }
    forwarder_->MaybeForward(record.key(), new_value, std::move(old_value), record.timestamp(),
                             record.headers());
  }

 private:
  std::optional<std::string> store_name_;
  std::shared_ptr<const bool> send_old_values_;
  Store* store_ = nullptr;
  std::optional<TableForwarder<K, VR>> forwarder_;
};

template <typename K, typename VR>
streams::ProcessorSupplier<K, streams::Change<VR>, K, streams::Change<VR>> TableJoinMergeSupplier(
    std::optional<std::string> store_name, std::shared_ptr<const bool> send_old_values) {
  return
      [=] { return std::make_unique<TableJoinMergeProcessor<K, VR>>(store_name, send_old_values); };
}

}  // namespace brook::operators::processors
