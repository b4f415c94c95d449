#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/logging.h"
#include "framework/api/processor.h"
#include "operators/dsl/change.h"
#include "operators/processors/nullable.h"
#include "operators/processors/table_forwarder.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/value_and_timestamp.h"

namespace brook::operators::processors {

// Kafka Streams' KTableSource, behind StreamsBuilder::table: each record of the topic is the
// key's new value, a null value (nullopt: the source reads values through Serdes::Optional)
// deletes the key. The value is kept in a timestamped key-value store and the change (new value,
// and the old one when asked) forwarded through TableForwarder. Records with a null key are
// dropped (and counted in dropped-records-total). An update older than the stored one is still
// applied (Kafka logs it as out of order).
template <typename K, typename V>
class TableSourceProcessor final
    : public streams::ContextualProcessor<K, std::optional<V>, K, streams::Change<V>> {
 public:
  using Store = streams::KeyValueStore<K, streams::ValueAndTimestamp<V>>;

  TableSourceProcessor(std::string store_name, std::shared_ptr<const bool> send_old_values)
      : store_name_(std::move(store_name)), send_old_values_(std::move(send_old_values)) {}

  void init(streams::ProcessorContext<K, streams::Change<V>>& context) override {
    streams::ContextualProcessor<K, std::optional<V>, K, streams::Change<V>>::init(context);
    store_ = &context.template getStateStore<Store>(store_name_);
    forwarder_.emplace(*store_, context, *send_old_values_);
  }

  void process(const streams::Record<K, std::optional<V>>& record) override {
    if (IsNull(record.key())) {
      this->context().recordDroppedRecord();
      if (++dropped_ == 1 || dropped_ % 1000 == 0) {
        brook::GetLogger("operators")
            ->warn("[{}] skipping a table record with a null key ({} dropped so far)", store_name_,
                   dropped_);
      }
      return;
    }
    std::optional<streams::ValueAndTimestamp<V>> old = store_->get(record.key());
    std::optional<V> old_value;
    if (old) old_value = std::move(old->value);
    if (record.value()) {
      store_->put(record.key(), streams::ValueAndTimestamp<V>{*record.value(), record.timestamp()});
    } else {
      store_->remove(record.key());
    }
    forwarder_->MaybeForward(record.key(), record.value(), std::move(old_value), record.timestamp(),
                             record.headers());
  }

 private:
  std::string store_name_;
  std::shared_ptr<const bool> send_old_values_;
  Store* store_ = nullptr;
  std::optional<TableForwarder<K, V>> forwarder_;
  int64_t dropped_ = 0;
};

template <typename K, typename V>
streams::ProcessorSupplier<K, std::optional<V>, K, streams::Change<V>> TableSourceSupplier(
    std::string store_name, std::shared_ptr<const bool> send_old_values) {
  return [=] { return std::make_unique<TableSourceProcessor<K, V>>(store_name, send_old_values); };
}

}  // namespace brook::operators::processors
