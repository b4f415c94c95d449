#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "framework/api/detail/typed_nodes.h"
#include "framework/api/serdes.h"
#include "operators/dsl/change.h"
#include "operators/dsl/internal_streams_builder.h"
#include "operators/dsl/ktable.h"
#include "operators/dsl/mapper_traits.h"
#include "operators/dsl/materialized.h"
#include "operators/dsl/named.h"
#include "operators/dsl/node_names.h"
#include "operators/dsl/repartitioned.h"
#include "operators/dsl/store_builders.h"
#include "operators/dsl/table_node.h"
#include "operators/processors/stream_aggregate.h"
#include "operators/processors/stream_reduce.h"

namespace brook::streams {

template <typename K, typename V>
class KStream;
template <typename K, typename V>
class TimeWindowedKStream;
class TimeWindows;
template <typename K, typename V>
class SessionWindowedKStream;
class SessionWindows;
template <typename K, typename V>
class SlidingWindowedKStream;
class SlidingWindows;

// A stream grouped by key, ready to aggregate (Kafka Streams' KGroupedStream), made by
// KStream::groupByKey and groupBy. Each aggregation keeps its state in a key-value store (see
// Materialized) and returns the KTable of the aggregates.
//
// Repartitioning: when the key may have changed since the stream was read (groupBy, or
// groupByKey after selectKey/map/flatMap/process), the aggregation first writes the stream to
// "<application.id>-<name>-repartition", <name> being Grouped's, else the store's name, so each
// key's records meet in one task.
//
// Node names as Kafka's: KSTREAM-AGGREGATE-<n> (count, aggregate) or KSTREAM-REDUCE-<n>, with
// the store KSTREAM-AGGREGATE-STATE-STORE-<n> (or -REDUCE-) when Materialized names none.
// Thread safety: a value type; build a program on one thread.
template <typename K, typename V>
class KGroupedStream {
 public:
  // Made by KStream; applications do not call it.
  KGroupedStream(detail::InternalStreamsBuilder* builder, std::string name, SerdePtr<K> key_serde,
                 SerdePtr<V> value_serde, std::set<std::string> source_nodes,
                 bool repartition_required, std::optional<std::string> repartition_name)
      : builder_(builder),
        name_(std::move(name)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        source_nodes_(std::move(source_nodes)),
        repartition_required_(repartition_required),
        repartition_name_(std::move(repartition_name)),
        repartition_source_(std::make_shared<std::optional<std::string>>()) {}

  // The number of records of each key. Counts are Int64 (Serdes::Int64() in the store unless
  // Materialized gives another serde).
  KTable<K, int64_t> count(const Named& named = Named(),
                           const Materialized<K, int64_t>& materialized = Materialized<K, int64_t>()) const {
    Materialized<K, int64_t> m = materialized;
    if (!m.valueSerde()) m = m.withValueSerde(Serdes::Int64());
    return DoAggregate<int64_t>(
        detail::node_names::kAggregate, named, m,
        [](const std::string& store, std::shared_ptr<const bool> send_old) {
          return operators::processors::StreamAggregateSupplier<K, V, int64_t>(
              store, [] { return int64_t{0}; },
              [](const K&, const V&, const int64_t& count) { return count + 1; },
              std::move(send_old));
        });
  }
  KTable<K, int64_t> count(const Materialized<K, int64_t>& materialized) const {
    return count(Named(), materialized);
  }

  // Combines each key's values with reducer(aggregate, value); the first value is the first
  // aggregate. The store's value serde defaults to this stream's.
  template <typename F>
  KTable<K, V> reduce(F reducer, const Named& named = Named(),
                      const Materialized<K, V>& materialized = Materialized<K, V>()) const {
    detail::RequireCallable(reducer, "reduce(): reducer");
    Materialized<K, V> m = materialized;
    if (!m.valueSerde()) m = m.withValueSerde(value_serde_);
    return DoAggregate<V>(detail::node_names::kReduce, named, m,
                          [reducer = std::move(reducer)](const std::string& store,
                                                         std::shared_ptr<const bool> send_old) {
                            return operators::processors::StreamReduceSupplier<K, V>(
                                store,
                                [reducer](const V& aggregate, const V& value) {
                                  return V(reducer(aggregate, value));
                                },
                                std::move(send_old));
                          });
  }
  template <typename F>
  KTable<K, V> reduce(F reducer, const Materialized<K, V>& materialized) const {
    return reduce(std::move(reducer), Named(), materialized);
  }

  // Folds each key's values into an aggregate: initializer() starts it, aggregator(key, value,
  // aggregate) returns the next one. The store's value serde is Materialized's, else
  // default.value.serde.
  template <typename VR, typename I, typename A>
  KTable<K, VR> aggregate(I initializer, A aggregator, const Named& named,
                          const Materialized<K, VR>& materialized) const {
    detail::RequireCallable(initializer, "aggregate(): initializer");
    detail::RequireCallable(aggregator, "aggregate(): aggregator");
    return DoAggregate<VR>(
        detail::node_names::kAggregate, named, materialized,
        [initializer = std::move(initializer), aggregator = std::move(aggregator)](
            const std::string& store, std::shared_ptr<const bool> send_old) {
          return operators::processors::StreamAggregateSupplier<K, V, VR>(
              store, [initializer] { return VR(initializer()); },
              [aggregator](const K& key, const V& value, const VR& aggregate) {
                return VR(aggregator(key, value, aggregate));
              },
              std::move(send_old));
        });
  }
  template <typename VR, typename I, typename A>
  KTable<K, VR> aggregate(I initializer, A aggregator,
                          const Materialized<K, VR>& materialized = Materialized<K, VR>()) const {
    return aggregate<VR>(std::move(initializer), std::move(aggregator), Named(), materialized);
  }

  // Windowed aggregations (time_windowed_kstream.h, session_windowed_kstream.h,
  // sliding_windowed_kstream.h).
  TimeWindowedKStream<K, V> windowedBy(const TimeWindows& windows) const;
  SessionWindowedKStream<K, V> windowedBy(const SessionWindows& windows) const;
  SlidingWindowedKStream<K, V> windowedBy(const SlidingWindows& windows) const;

  // --- For the DSL's own classes.

  // The node the aggregation reads from: this stream's, or (when the key may have changed) the
  // source of a repartition topic named `prefix`-repartition, made once per Grouped name.
  std::pair<std::string, std::set<std::string>> AggregationParent(const std::string& prefix) const {
    if (!repartition_required_) return {name_, source_nodes_};
    if (repartition_name_ && *repartition_source_) {
      return {**repartition_source_, {**repartition_source_}};
    }
    KStream<K, V> stream(builder_, name_, key_serde_, value_serde_, source_nodes_, true);
    KStream<K, V> repartitioned = stream.repartition(Repartitioned<K, V>::as(
        repartition_name_ ? *repartition_name_ : prefix).withKeySerde(key_serde_).withValueSerde(value_serde_));
    *repartition_source_ = repartitioned.name();
    return {repartitioned.name(), {repartitioned.name()}};
  }
  detail::InternalStreamsBuilder* builder() const { return builder_; }
  const SerdePtr<K>& keySerde() const { return key_serde_; }
  const SerdePtr<V>& valueSerde() const { return value_serde_; }

 private:
  template <typename VAgg, typename MakeSupplier>
  KTable<K, VAgg> DoAggregate(std::string_view prefix, const Named& named,
                              Materialized<K, VAgg> materialized, MakeSupplier make_supplier) const {
    const bool queryable = materialized.storeName().has_value();
    const std::string store = queryable ? *materialized.storeName() : builder_->NewStoreName(prefix);
    const std::string name = builder_->NameOrGenerate(named, prefix);
    if (!materialized.keySerde()) materialized = materialized.withKeySerde(key_serde_);
    auto [parent, sources] = AggregationParent(store);
    auto table = std::make_shared<detail::TableNode>();
    builder_->AddNode(std::make_shared<detail::ProcessorFactory<K, V, K, Change<VAgg>>>(
        name, std::vector<std::string>{parent}, make_supplier(store, table->send_old_values)));
    builder_->AddStateStore(*detail::TimestampedKeyValueStoreFor(store, materialized), {name});
    return KTable<K, VAgg>(builder_, name, materialized.keySerde(), materialized.valueSerde(),
                           std::move(sources),
                           queryable ? std::optional<std::string>(store) : std::nullopt,
                           std::move(table));
  }

  detail::InternalStreamsBuilder* builder_;
  std::string name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  std::set<std::string> source_nodes_;
  bool repartition_required_;
  std::optional<std::string> repartition_name_;
  // The repartition source made for a named Grouped, shared by its aggregations (Kafka reuses
  // a user-named repartition topic; unnamed ones get a topic per aggregation).
  std::shared_ptr<std::optional<std::string>> repartition_source_;
};

}  // namespace brook::streams

#include "operators/dsl/session_windowed_kstream.h"  // IWYU pragma: export (windowedBy)
#include "operators/dsl/sliding_windowed_kstream.h"  // IWYU pragma: export (windowedBy)
