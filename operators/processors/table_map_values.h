#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "framework/api/processor.h"
#include "operators/dsl/change.h"

namespace brook::operators::processors {

// Kafka Streams' KTableMapValues (not materialized): maps the new value (and the old one when
// old values are sent); deletes stay deletes.
template <typename K, typename V, typename VOut>
class TableMapValuesProcessor final
    : public streams::ContextualFixedKeyProcessor<K, streams::Change<V>, streams::Change<VOut>> {
 public:
  using Mapper = std::function<VOut(const K& key, const V& value)>;

  TableMapValuesProcessor(std::shared_ptr<const Mapper> mapper,
                          std::shared_ptr<const bool> send_old_values)
      : mapper_(std::move(mapper)), send_old_values_(std::move(send_old_values)) {}

  void process(const streams::FixedKeyRecord<K, streams::Change<V>>& record) override {
    streams::Change<VOut> change;
    if (record.value().newValue) change.newValue = (*mapper_)(record.key(), *record.value().newValue);
    if (*send_old_values_ && record.value().oldValue) {
      change.oldValue = (*mapper_)(record.key(), *record.value().oldValue);
    }
    this->context().forward(record.withValue(std::move(change)));
  }

 private:
  std::shared_ptr<const Mapper> mapper_;
  std::shared_ptr<const bool> send_old_values_;
};

template <typename K, typename V, typename VOut>
streams::FixedKeyProcessorSupplier<K, streams::Change<V>, streams::Change<VOut>>
TableMapValuesSupplier(typename TableMapValuesProcessor<K, V, VOut>::Mapper mapper,
                       std::shared_ptr<const bool> send_old_values) {
  auto shared = std::make_shared<const typename TableMapValuesProcessor<K, V, VOut>::Mapper>(
      std::move(mapper));
  return [=] {
    return std::make_unique<TableMapValuesProcessor<K, V, VOut>>(shared, send_old_values);
  };
}

}  // namespace brook::operators::processors
