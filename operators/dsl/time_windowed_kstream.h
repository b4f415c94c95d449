#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/detail/typed_nodes.h"
#include "framework/api/serdes.h"
#include "operators/dsl/change.h"
#include "operators/dsl/emit_strategy.h"
#include "operators/dsl/kgrouped_stream.h"
#include "operators/dsl/ktable.h"
#include "operators/dsl/materialized.h"
#include "operators/dsl/named.h"
#include "operators/dsl/node_names.h"
#include "operators/dsl/store_builders.h"
#include "operators/dsl/table_node.h"
#include "operators/dsl/time_windows.h"
#include "operators/processors/window_aggregate.h"
#include "statestore/api/stores.h"
#include "statestore/api/windowed_serdes.h"

namespace brook::streams {

// A grouped stream cut into time windows (Kafka Streams' TimeWindowedKStream), made by
// KGroupedStream::windowedBy(TimeWindows). Its aggregations return a KTable keyed by
// Windowed<K> whose store is a timestamped window store kept for the window size plus grace
// (or Materialized's retention, which may not be shorter). The table's key serde is a
// TimeWindowedSerde of the key serde (Kafka's layout: key bytes, then the window start).
//
// Node names as Kafka's: KSTREAM-AGGREGATE-<n> / KSTREAM-REDUCE-<n>, stores
// KSTREAM-AGGREGATE-STATE-STORE-<n> / KSTREAM-REDUCE-STATE-STORE-<n>.
// Thread safety: a value type; build a program on one thread.
template <typename K, typename V>
class TimeWindowedKStream {
 public:
  TimeWindowedKStream(KGroupedStream<K, V> grouped, TimeWindows windows)
      : grouped_(std::move(grouped)), windows_(windows) {}

  // When the aggregations below forward (see EmitStrategy; default onWindowUpdate). With
  // onWindowClose each window is forwarded once, when it closes, and the store does not cache.
  TimeWindowedKStream emitStrategy(const EmitStrategy& strategy) const {
    TimeWindowedKStream copy = *this;
    copy.emit_on_window_close_ = strategy.isOnWindowClose();
    return copy;
  }

  // The number of records of each key in each window.
  KTable<Windowed<K>, int64_t> count(
      const Named& named = Named(),
      const Materialized<K, int64_t, WindowBytesStore>& materialized = {}) const {
    auto m = materialized;
    if (!m.valueSerde()) m = m.withValueSerde(Serdes::Int64());
    return DoAggregate<int64_t>(detail::node_names::kAggregate, named, m,
                                [](const K&, const V&, const std::optional<int64_t>& count) {
                                  return count.value_or(0) + 1;
                                });
  }
  KTable<Windowed<K>, int64_t> count(
      const Materialized<K, int64_t, WindowBytesStore>& materialized) const {
    return count(Named(), materialized);
  }

  // Combines each window's values with reducer(aggregate, value).
  template <typename F>
  KTable<Windowed<K>, V> reduce(F reducer, const Named& named = Named(),
                                const Materialized<K, V, WindowBytesStore>& materialized = {}) const {
    detail::RequireCallable(reducer, "reduce(): reducer");
    auto m = materialized;
    if (!m.valueSerde()) m = m.withValueSerde(grouped_.valueSerde());
    return DoAggregate<V>(detail::node_names::kReduce, named, m,
                          [reducer = std::move(reducer)](const K&, const V& value,
                                                         const std::optional<V>& aggregate) {
                            return aggregate ? V(reducer(*aggregate, value)) : value;
                          });
  }
  template <typename F>
  KTable<Windowed<K>, V> reduce(F reducer,
                                const Materialized<K, V, WindowBytesStore>& materialized) const {
    return reduce(std::move(reducer), Named(), materialized);
  }

  // Folds each window's values: initializer() starts a window, aggregator(key, value,
  // aggregate) gives the next aggregate.
  template <typename VR, typename I, typename A>
  KTable<Windowed<K>, VR> aggregate(I initializer, A aggregator, const Named& named,
                                    const Materialized<K, VR, WindowBytesStore>& materialized) const {
    detail::RequireCallable(initializer, "aggregate(): initializer");
    detail::RequireCallable(aggregator, "aggregate(): aggregator");
    return DoAggregate<VR>(
        detail::node_names::kAggregate, named, materialized,
        [initializer = std::move(initializer), aggregator = std::move(aggregator)](
            const K& key, const V& value, const std::optional<VR>& aggregate) {
          return aggregate ? VR(aggregator(key, value, *aggregate))
                           : VR(aggregator(key, value, VR(initializer())));
        });
  }
  template <typename VR, typename I, typename A>
  KTable<Windowed<K>, VR> aggregate(
      I initializer, A aggregator,
      const Materialized<K, VR, WindowBytesStore>& materialized = {}) const {
    return aggregate<VR>(std::move(initializer), std::move(aggregator), Named(), materialized);
  }

 private:
  template <typename VAgg, typename F>
  KTable<Windowed<K>, VAgg> DoAggregate(std::string_view prefix, const Named& named,
                                        Materialized<K, VAgg, WindowBytesStore> materialized,
                                        F aggregator) const {
    detail::InternalStreamsBuilder* builder = grouped_.builder();
    const bool queryable = materialized.storeName().has_value();
    const std::string store = queryable ? *materialized.storeName() : builder->NewStoreName(prefix);
    const std::string name = builder->NameOrGenerate(named, prefix);
    if (!materialized.keySerde()) materialized = materialized.withKeySerde(grouped_.keySerde());
    auto [parent, sources] = grouped_.AggregationParent(store);

    auto table = std::make_shared<detail::TableNode>();
    table->window_grace_ms = windows_.gracePeriodMs();
    builder->AddNode(std::make_shared<detail::ProcessorFactory<K, V, Windowed<K>, Change<VAgg>>>(
        name, std::vector<std::string>{parent},
        operators::processors::WindowAggregateSupplier<K, V, VAgg>(
            store, windows_, std::move(aggregator), table->send_old_values,
            emit_on_window_close_)));
    builder->AddStateStore(*StoreFor(store, materialized), {name});

    SerdePtr<Windowed<K>> key_serde;
    if (materialized.keySerde()) {
      key_serde = std::make_shared<TimeWindowedSerde<K>>(materialized.keySerde(), windows_.size());
    }
    return KTable<Windowed<K>, VAgg>(builder, name, std::move(key_serde), materialized.valueSerde(),
                                     std::move(sources),
                                     queryable ? std::optional<std::string>(store) : std::nullopt,
                                     std::move(table));
  }

  template <typename VAgg>
  std::shared_ptr<AbstractStoreBuilder> StoreFor(
      const std::string& name, const Materialized<K, VAgg, WindowBytesStore>& materialized) const {
    const int64_t minimum = windows_.size() + windows_.gracePeriodMs();
    const int64_t retention = materialized.retentionMs().value_or(minimum);
    if (retention < minimum) {
      throw TopologyException("the retention period of the window store " + name +
                              " must be no smaller than its window size plus the grace period; "
                              "got size=" + std::to_string(windows_.size()) + " ms, grace=" +
                              std::to_string(windows_.gracePeriodMs()) + " ms, retention=" +
                              std::to_string(retention) + " ms");
    }
    std::shared_ptr<const WindowBytesStoreSupplier> supplier = materialized.supplier();
    if (!supplier) {
      supplier = materialized.storeType() == StoreType::kInMemory
                     ? Stores::inMemoryWindowStore(name, retention, windows_.size(), false)
                     : Stores::persistentTimestampedWindowStore(name, retention, windows_.size(),
                                                                false);
    }
    auto builder = Stores::timestampedWindowStoreBuilder(supplier, materialized.keySerde(),
                                                         materialized.valueSerde());
    // Emit-on-close reads the closed windows from the store: no cache (as Kafka).
    if (emit_on_window_close_) {
      return detail::Configured(builder, materialized.withCachingDisabled());
    }
    return detail::Configured(builder, materialized);
  }

  KGroupedStream<K, V> grouped_;
  TimeWindows windows_;
  bool emit_on_window_close_ = false;
};

template <typename K, typename V>
TimeWindowedKStream<K, V> KGroupedStream<K, V>::windowedBy(const TimeWindows& windows) const {
  return TimeWindowedKStream<K, V>(*this, windows);
}

}  // namespace brook::streams
