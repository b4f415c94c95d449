#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "framework/api/processor.h"
#include "framework/api/record.h"
#include "operators/dsl/change.h"
#include "operators/processors/nullable.h"

namespace brook::operators::processors {

// Kafka Streams' KTableRepartitionMap, behind KTable::groupBy: maps a table change's new and
// old values through selector(key, value) to (grouping key, value) pairs and forwards them to
// the repartition topic as changes of the grouping key. When both map to the same key one
// record carries both values; otherwise the old pair goes first as a subtract-only change
// (old value alone) and the new pair as an add-only change. A pair whose key or value is null
// (an empty std::optional, a JSON null) is skipped silently, as Kafka does (no dropped-record
// count). The records keep the change's timestamp and headers.
template <typename K, typename V, typename KR, typename VR>
class TableRepartitionMapProcessor final
    : public streams::ContextualProcessor<K, streams::Change<V>, KR, streams::Change<VR>> {
 public:
  using Selector = std::function<streams::KeyValue<KR, VR>(const K& key, const V& value)>;

  explicit TableRepartitionMapProcessor(std::shared_ptr<const Selector> selector)
      : selector_(std::move(selector)) {}

  void process(const streams::Record<K, streams::Change<V>>& record) override {
    const streams::Change<V>& change = record.value();
    std::optional<streams::KeyValue<KR, VR>> new_pair = Select(record.key(), change.newValue);
    std::optional<streams::KeyValue<KR, VR>> old_pair = Select(record.key(), change.oldValue);
    if (old_pair && new_pair && old_pair->key == new_pair->key) {
      Forward(record, std::move(old_pair->key), std::move(new_pair->value),
              std::move(old_pair->value));
      return;
    }
    if (old_pair)
      Forward(record, std::move(old_pair->key), std::nullopt, std::move(old_pair->value));
    if (new_pair)
      Forward(record, std::move(new_pair->key), std::move(new_pair->value), std::nullopt);
  }

 private:
  // The selected pair of `value`, or nullopt when there is no value or the pair has a null.
  std::optional<streams::KeyValue<KR, VR>> Select(const K& key, const std::optional<V>& value) {
    if (!value) return std::nullopt;
    streams::KeyValue<KR, VR> pair = (*selector_)(key, *value);
    if (IsNull(pair.key) || IsNull(pair.value)) return std::nullopt;
    return pair;
  }

  void Forward(const streams::Record<K, streams::Change<V>>& record, KR key,
               std::optional<VR> new_value, std::optional<VR> old_value) {
    this->context().forward(streams::Record<KR, streams::Change<VR>>(
        std::move(key), streams::Change<VR>{std::move(new_value), std::move(old_value)},
        record.timestamp(), record.headers()));
  }

  std::shared_ptr<const Selector> selector_;
};

template <typename K, typename V, typename KR, typename VR>
streams::ProcessorSupplier<K, streams::Change<V>, KR, streams::Change<VR>>
TableRepartitionMapSupplier(
    typename TableRepartitionMapProcessor<K, V, KR, VR>::Selector selector) {
  using P = TableRepartitionMapProcessor<K, V, KR, VR>;
  auto shared = std::make_shared<const typename P::Selector>(std::move(selector));
  return [shared] { return std::make_unique<P>(shared); };
}

}  // namespace brook::operators::processors
