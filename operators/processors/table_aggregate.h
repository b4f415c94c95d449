#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/processor.h"
#include "operators/dsl/change.h"
#include "operators/processors/nullable.h"
#include "operators/processors/table_forwarder.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/value_and_timestamp.h"

namespace brook::operators::processors {

// Kafka Streams' KTableAggregate and KTableReduce, behind KGroupedTable::aggregate, count and
// reduce: each change read from the groupBy repartition topic first takes its old value out of
// the key's aggregate (subtract(key, old value, aggregate), when both exist), then adds its new
// value (add(key, new value, aggregate), or start(key, new value) when the key has no aggregate:
// the initializer and the adder, or the value itself for reduce). A change with only an old
// value only subtracts; an aggregate left with no contributors stays (a count of 0). A result
// that is null (an empty std::optional, a JSON null) deletes the key, as Kafka's null does.
// The aggregate's timestamp is the largest of the change's and the stored aggregate's. Updates
// are forwarded through TableForwarder (cached stores forward at flush).
// Thread safety: one task's thread.
template <typename K, typename V, typename VAgg>
class TableAggregateProcessor final
    : public streams::ContextualProcessor<K, streams::Change<V>, K, streams::Change<VAgg>> {
 public:
  using Start = std::function<VAgg(const K& key, const V& value)>;
  using Aggregator = std::function<VAgg(const K& key, const V& value, const VAgg& aggregate)>;
  struct Functions {
    Start start;
    Aggregator add;
    Aggregator subtract;
  };
  using Store = streams::KeyValueStore<K, streams::ValueAndTimestamp<VAgg>>;

  TableAggregateProcessor(std::string store_name, std::shared_ptr<const Functions> functions,
                          std::shared_ptr<const bool> send_old_values)
      : store_name_(std::move(store_name)),
        functions_(std::move(functions)),
        send_old_values_(std::move(send_old_values)) {}

  void init(streams::ProcessorContext<K, streams::Change<VAgg>>& context) override {
    streams::ContextualProcessor<K, streams::Change<V>, K, streams::Change<VAgg>>::init(context);
    store_ = &context.template getStateStore<Store>(store_name_);
    forwarder_.emplace(*store_, context, *send_old_values_);
  }

  void process(const streams::Record<K, streams::Change<V>>& record) override {
    const K& key = record.key();
    const streams::Change<V>& change = record.value();
    std::optional<streams::ValueAndTimestamp<VAgg>> old = store_->get(key);
    int64_t timestamp = record.timestamp();
    std::optional<VAgg> old_value;
    std::optional<VAgg> aggregate;
    if (old) {
      timestamp = std::max(timestamp, old->timestamp);
      old_value = std::move(old->value);
      aggregate = old_value;
    }
    if (change.oldValue && aggregate) {
      aggregate = functions_->subtract(key, *change.oldValue, *aggregate);
      if (IsNull(*aggregate)) aggregate.reset();
    }
    if (change.newValue) {
      aggregate = aggregate ? functions_->add(key, *change.newValue, *aggregate)
                            : functions_->start(key, *change.newValue);
      if (IsNull(*aggregate)) aggregate.reset();
    }
    if (aggregate) {
      store_->put(key, streams::ValueAndTimestamp<VAgg>{*aggregate, timestamp});
    } else {
      store_->remove(key);
    }
    forwarder_->MaybeForward(key, std::move(aggregate), std::move(old_value), timestamp,
                             record.headers());
  }

 private:
  std::string store_name_;
  std::shared_ptr<const Functions> functions_;
  std::shared_ptr<const bool> send_old_values_;
  Store* store_ = nullptr;
  std::optional<TableForwarder<K, VAgg>> forwarder_;
};

template <typename K, typename V, typename VAgg>
streams::ProcessorSupplier<K, streams::Change<V>, K, streams::Change<VAgg>> TableAggregateSupplier(
    std::string store_name, typename TableAggregateProcessor<K, V, VAgg>::Functions functions,
    std::shared_ptr<const bool> send_old_values) {
  using P = TableAggregateProcessor<K, V, VAgg>;
  auto shared = std::make_shared<const typename P::Functions>(std::move(functions));
  return [=] { return std::make_unique<P>(store_name, shared, send_old_values); };
}

}  // namespace brook::operators::processors
