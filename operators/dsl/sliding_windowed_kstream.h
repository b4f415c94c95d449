#pragma once

#include <cstdint>
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
#include "operators/dsl/sliding_windows.h"
#include "operators/dsl/store_builders.h"
#include "operators/dsl/table_node.h"
#include "operators/processors/sliding_window_aggregate.h"
#include "statestore/api/stores.h"
#include "statestore/api/windowed_serdes.h"

namespace brook::streams {

// A grouped stream cut into sliding windows, made by KGroupedStream::windowedBy(SlidingWindows)
// (Kafka Streams returns a TimeWindowedKStream backed by SlidingWindowedKStreamImpl; Brook has a
// class of its own with the same calls). Its aggregations return a KTable keyed by Windowed<K>
// [start, start + difference] (both ends included; see sliding_window_aggregate.h for which
// windows exist) whose store is a timestamped window store of window size = the difference,
// kept for 2 * difference + grace (or Materialized's retention, which may not be shorter: a
// record's left window starts from a window up to 2 * difference older). The table's key serde
// is a TimeWindowedSerde of the key serde with the difference as window size.
//
// suppress(untilWindowCloses) on the table forwards each window once the stream time passes
// its end + grace.
//
// Node names as Kafka's: KSTREAM-AGGREGATE-<n> / KSTREAM-REDUCE-<n>, stores
// KSTREAM-AGGREGATE-STATE-STORE-<n> / KSTREAM-REDUCE-STATE-STORE-<n>.
// Thread safety: a value type; build a program on one thread.
template <typename K, typename V>
class SlidingWindowedKStream {
 public:
  SlidingWindowedKStream(KGroupedStream<K, V> grouped, SlidingWindows windows)
      : grouped_(std::move(grouped)), windows_(windows) {}

  // When the aggregations below forward (see EmitStrategy; default onWindowUpdate). With
  // onWindowClose each window is forwarded once, when the stream time passes its end + grace,
  // and the store does not cache.
  SlidingWindowedKStream emitStrategy(const EmitStrategy& strategy) const {
    SlidingWindowedKStream copy = *this;
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
                                {[] { return std::optional<int64_t>(0); },
                                 [](const K&, const V&, const std::optional<int64_t>& count) {
                                   return count.value_or(0) + 1;
                                 }});
  }
  KTable<Windowed<K>, int64_t> count(
      const Materialized<K, int64_t, WindowBytesStore>& materialized) const {
    return count(Named(), materialized);
  }

  // Combines each window's values with reducer(aggregate, value).
  template <typename F>
  KTable<Windowed<K>, V> reduce(
      F reducer, const Named& named = Named(),
      const Materialized<K, V, WindowBytesStore>& materialized = {}) const {
    detail::RequireCallable(reducer, "reduce(): reducer");
    auto m = materialized;
    if (!m.valueSerde()) m = m.withValueSerde(grouped_.valueSerde());
    return DoAggregate<V>(detail::node_names::kReduce, named, m,
                          {[] { return std::optional<V>(); },
                           [reducer = std::move(reducer)](const K&, const V& value,
                                                          const std::optional<V>& aggregate) {
                             return aggregate ? V(reducer(*aggregate, value)) : value;
                           }});
  }
  template <typename F>
  KTable<Windowed<K>, V> reduce(F reducer,
                                const Materialized<K, V, WindowBytesStore>& materialized) const {
    return reduce(std::move(reducer), Named(), materialized);
  }

  // Folds each window's values: initializer() starts a window, aggregator(key, value,
  // aggregate) gives the next aggregate.
  template <typename VR, typename I, typename A>
  KTable<Windowed<K>, VR> aggregate(
      I initializer, A aggregator, const Named& named,
      const Materialized<K, VR, WindowBytesStore>& materialized) const {
    detail::RequireCallable(initializer, "aggregate(): initializer");
    detail::RequireCallable(aggregator, "aggregate(): aggregator");
    return DoAggregate<VR>(
        detail::node_names::kAggregate, named, materialized,
        {[initializer = std::move(initializer)] { return std::optional<VR>(VR(initializer())); },
         [aggregator = std::move(aggregator)](const K& key, const V& value,
                                              const std::optional<VR>& aggregate) {
           return VR(aggregator(key, value, *aggregate));
         }});
  }
  template <typename VR, typename I, typename A>
  KTable<Windowed<K>, VR> aggregate(
      I initializer, A aggregator,
      const Materialized<K, VR, WindowBytesStore>& materialized = {}) const {
    return aggregate<VR>(std::move(initializer), std::move(aggregator), Named(), materialized);
  }

 private:
  template <typename VAgg>
  using Functions =
      typename operators::processors::SlidingWindowAggregateProcessor<K, V, VAgg>::Functions;

  template <typename VAgg>
  KTable<Windowed<K>, VAgg> DoAggregate(std::string_view prefix, const Named& named,
                                        Materialized<K, VAgg, WindowBytesStore> materialized,
                                        Functions<VAgg> functions) const {
    detail::InternalStreamsBuilder* builder = grouped_.builder();
    const bool queryable = materialized.storeName().has_value();
    const std::string store = queryable ? *materialized.storeName() : builder->NewStoreName(prefix);
    const std::string name = builder->NameOrGenerate(named, prefix);
    if (!materialized.keySerde()) materialized = materialized.withKeySerde(grouped_.keySerde());
    auto store_builder = StoreFor(store, materialized);
    auto [parent, sources] = grouped_.AggregationParent(store);

    auto table = std::make_shared<detail::TableNode>();
    // A window's end is included: the aggregate still updates it while end >= stream time -
    // grace, so suppress(untilWindowCloses) waits until the stream time passes end + grace (as
    // Kafka's emit-final for sliding windows does; its suppress would forward at reaching it).
    table->window_grace_ms = windows_.gracePeriodMs() + 1;
    builder->AddNode(std::make_shared<detail::ProcessorFactory<K, V, Windowed<K>, Change<VAgg>>>(
        name, std::vector<std::string>{parent},
        operators::processors::SlidingWindowAggregateSupplier<K, V, VAgg>(
            store, windows_, std::move(functions), table->send_old_values, emit_on_window_close_)));
    builder->AddStateStore(*store_builder, {name});

    SerdePtr<Windowed<K>> key_serde;
    if (materialized.keySerde()) {
      key_serde = std::make_shared<TimeWindowedSerde<K>>(materialized.keySerde(),
                                                         windows_.timeDifferenceMs());
    }
    return KTable<Windowed<K>, VAgg>(
        builder, name, std::move(key_serde), materialized.valueSerde(), std::move(sources),
        queryable ? std::optional<std::string>(store) : std::nullopt, std::move(table));
  }

  // Kafka's SlidingWindowStoreMaterializer.
  template <typename VAgg>
  std::shared_ptr<AbstractStoreBuilder> StoreFor(
      const std::string& name, const Materialized<K, VAgg, WindowBytesStore>& materialized) const {
    const int64_t difference = windows_.timeDifferenceMs();
    const int64_t minimum = 2 * difference + windows_.gracePeriodMs();
    const int64_t retention = materialized.retentionMs().value_or(minimum);
    if (retention < minimum) {
      throw TopologyException("the retention period of the window store " + name +
                              " must be no smaller than 2 * time difference plus the grace "
                              "period; got time difference=" +
                              std::to_string(difference) +
                              " ms, grace=" + std::to_string(windows_.gracePeriodMs()) +
                              " ms, retention=" + std::to_string(retention) + " ms");
    }
    std::shared_ptr<const WindowBytesStoreSupplier> supplier = materialized.supplier();
    if (!supplier) {
      supplier = materialized.storeType() == StoreType::kInMemory
                     ? Stores::inMemoryWindowStore(name, retention, difference, false)
                     : Stores::persistentTimestampedWindowStore(name, retention, difference, false);
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
  SlidingWindows windows_;
  bool emit_on_window_close_ = false;
};

template <typename K, typename V>
SlidingWindowedKStream<K, V> KGroupedStream<K, V>::windowedBy(const SlidingWindows& windows) const {
  return SlidingWindowedKStream<K, V>(*this, windows);
}

}  // namespace brook::streams
