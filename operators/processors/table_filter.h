#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "framework/api/processor.h"
#include "operators/dsl/change.h"

namespace brook::operators::processors {

// Kafka Streams' KTableFilter (not materialized): a key whose new value fails the predicate is
// deleted downstream. With old values on, a change that neither passes before nor after is not
// forwarded at all.
template <typename K, typename V>
class TableFilterProcessor final
    : public streams::ContextualFixedKeyProcessor<K, streams::Change<V>, streams::Change<V>> {
 public:
  using Predicate = std::function<bool(const K& key, const V& value)>;

  TableFilterProcessor(std::shared_ptr<const Predicate> predicate, bool negate,
                       std::shared_ptr<const bool> send_old_values)
      : predicate_(std::move(predicate)),
        negate_(negate),
        send_old_values_(std::move(send_old_values)) {}

  void process(const streams::FixedKeyRecord<K, streams::Change<V>>& record) override {
    std::optional<V> new_value = Filter(record.key(), record.value().newValue);
    std::optional<V> old_value;
    if (*send_old_values_) {
      old_value = Filter(record.key(), record.value().oldValue);
      if (!new_value && !old_value) return;
    }
    this->context().forward(
        record.withValue(streams::Change<V>{std::move(new_value), std::move(old_value)}));
  }

 private:
  std::optional<V> Filter(const K& key, const std::optional<V>& value) const {
    if (!value || (*predicate_)(key, *value) == negate_) return std::nullopt;
    return value;
  }

  std::shared_ptr<const Predicate> predicate_;
  bool negate_;
  std::shared_ptr<const bool> send_old_values_;
};

template <typename K, typename V>
streams::FixedKeyProcessorSupplier<K, streams::Change<V>, streams::Change<V>> TableFilterSupplier(
    typename TableFilterProcessor<K, V>::Predicate predicate, bool negate,
    std::shared_ptr<const bool> send_old_values) {
  auto shared =
      std::make_shared<const typename TableFilterProcessor<K, V>::Predicate>(std::move(predicate));
  return [=] {
    return std::make_unique<TableFilterProcessor<K, V>>(shared, negate, send_old_values);
  };
}

}  // namespace brook::operators::processors
