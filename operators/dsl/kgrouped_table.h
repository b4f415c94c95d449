#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
#include "operators/dsl/store_builders.h"
#include "operators/dsl/table_node.h"
#include "operators/dsl/table_repartition_nodes.h"
#include "operators/processors/table_aggregate.h"

namespace brook::streams {

// A table re-grouped by KTable::groupBy, ready to aggregate (Kafka Streams' KGroupedTable).
// Each change of the source table reaches the aggregation as the change of its grouping key:
// the aggregation takes the row's old value out of its old group (the subtractor) and adds the
// new value to its new group (the adder). A deleted row only subtracts; a group left without
// rows keeps its aggregate (a count of 0, a reduce's last result) unless the subtractor returns
// a null (an empty std::optional, a JSON null), which deletes it.
//
// Each aggregation writes the changes to "<application.id>-<name>-repartition", <name> being
// Grouped's, else the store's, in Kafka's layout (ChangedSerde), and aggregates in a new
// sub-topology into a timestamped key-value store (see Materialized; cached and logged by
// default, like KGroupedStream's). Aggregations of one Grouped name share its topic.
//
// Node names as Kafka's: the sink KSTREAM-SINK-<n> and source KSTREAM-SOURCE-<n> of the topic
// ("<Named>-sink" and "<Named>-source" when the aggregation is named), then KTABLE-AGGREGATE-<n>
// (count, aggregate) or KTABLE-REDUCE-<n>; the store, when Materialized names none, is
// KTABLE-AGGREGATE-STATE-STORE-<n> for all three.
// Thread safety: a value type; build a program on one thread.
template <typename K, typename V>
class KGroupedTable {
 public:
  // Made by KTable::groupBy; applications do not call it. `name` is the select node, the serdes
  // Grouped's (null: the defaults), `repartition_name` Grouped's name.
  KGroupedTable(detail::InternalStreamsBuilder* builder, std::string name, SerdePtr<K> key_serde,
                SerdePtr<V> value_serde, std::optional<std::string> repartition_name)
      : builder_(builder),
        name_(std::move(name)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        repartition_name_(std::move(repartition_name)),
        repartition_source_(std::make_shared<std::optional<std::string>>()) {}

  // The number of rows in each group. Counts are Int64 (Serdes::Int64() in the store unless
  // Materialized gives another serde).
  KTable<K, int64_t> count(
      const Named& named = Named(),
      const Materialized<K, int64_t>& materialized = Materialized<K, int64_t>()) const {
    Materialized<K, int64_t> m = materialized;
    if (!m.valueSerde()) m = m.withValueSerde(Serdes::Int64());
    using Functions =
        typename operators::processors::TableAggregateProcessor<K, V, int64_t>::Functions;
    return DoAggregate<int64_t>(
        detail::node_names::kTableAggregate, named, std::move(m),
        Functions{[](const K&, const V&) { return int64_t{1}; },
                  [](const K&, const V&, const int64_t& count) { return count + 1; },
                  [](const K&, const V&, const int64_t& count) { return count - 1; }});
  }
  KTable<K, int64_t> count(const Materialized<K, int64_t>& materialized) const {
    return count(Named(), materialized);
  }

  // Combines each group's values: a group's first value is its aggregate, adder(aggregate,
  // value) adds one, subtractor(aggregate, value) takes one out. The store's value serde
  // defaults to the grouped value serde.
  template <typename A, typename S>
  KTable<K, V> reduce(A adder, S subtractor, const Named& named = Named(),
                      const Materialized<K, V>& materialized = Materialized<K, V>()) const {
    detail::RequireCallable(adder, "reduce(): adder");
    detail::RequireCallable(subtractor, "reduce(): subtractor");
    Materialized<K, V> m = materialized;
    if (!m.valueSerde()) m = m.withValueSerde(value_serde_);
    using Functions = typename operators::processors::TableAggregateProcessor<K, V, V>::Functions;
    return DoAggregate<V>(
        detail::node_names::kTableReduce, named, std::move(m),
        Functions{
            [](const K&, const V& value) { return value; },
            [adder = std::move(adder)](const K&, const V& value, const V& aggregate) {
              return V(adder(aggregate, value));
            },
            [subtractor = std::move(subtractor)](const K&, const V& value, const V& aggregate) {
              return V(subtractor(aggregate, value));
            }});
  }
  template <typename A, typename S>
  KTable<K, V> reduce(A adder, S subtractor, const Materialized<K, V>& materialized) const {
    return reduce(std::move(adder), std::move(subtractor), Named(), materialized);
  }

  // Folds each group's values: initializer() starts a group, adder(key, value, aggregate) adds
  // a value, subtractor(key, value, aggregate) takes one out. The store's value serde is
  // Materialized's, else default.value.serde.
  template <typename VR, typename I, typename A, typename S>
  KTable<K, VR> aggregate(I initializer, A adder, S subtractor, const Named& named,
                          const Materialized<K, VR>& materialized) const {
    detail::RequireCallable(initializer, "aggregate(): initializer");
    detail::RequireCallable(adder, "aggregate(): adder");
    detail::RequireCallable(subtractor, "aggregate(): subtractor");
    using Functions = typename operators::processors::TableAggregateProcessor<K, V, VR>::Functions;
    return DoAggregate<VR>(detail::node_names::kTableAggregate, named, materialized,
                           Functions{[initializer, adder](const K& key, const V& value) {
                                       return VR(adder(key, value, VR(initializer())));
                                     },
                                     [adder](const K& key, const V& value, const VR& aggregate) {
                                       return VR(adder(key, value, aggregate));
                                     },
                                     [subtractor = std::move(subtractor)](
                                         const K& key, const V& value, const VR& aggregate) {
                                       return VR(subtractor(key, value, aggregate));
                                     }});
  }
  template <typename VR, typename I, typename A, typename S>
  KTable<K, VR> aggregate(I initializer, A adder, S subtractor,
                          const Materialized<K, VR>& materialized = Materialized<K, VR>()) const {
    return aggregate<VR>(std::move(initializer), std::move(adder), std::move(subtractor), Named(),
                         materialized);
  }
  template <typename VR, typename I, typename A, typename S>
  KTable<K, VR> aggregate(I initializer, A adder, S subtractor, const Named& named) const {
    return aggregate<VR>(std::move(initializer), std::move(adder), std::move(subtractor), named,
                         Materialized<K, VR>());
  }

 private:
  // Kafka's KGroupedTableImpl.doAggregate: names (store, sink, source, function, in Kafka's
  // order), the repartition topic (made once per Grouped name), the aggregation and its store.
  template <typename VAgg>
  KTable<K, VAgg> DoAggregate(
      std::string_view prefix, const Named& named, Materialized<K, VAgg> materialized,
      typename operators::processors::TableAggregateProcessor<K, V, VAgg>::Functions functions)
      const {
    const bool queryable = materialized.storeName().has_value();
    const std::string store = queryable
                                  ? *materialized.storeName()
                                  : builder_->NewStoreName(detail::node_names::kTableAggregate);
    const std::string sink = SuffixedOrGenerated(named, "-sink", detail::node_names::kSink);
    const std::string source = SuffixedOrGenerated(named, "-source", detail::node_names::kSource);
    const std::string name = builder_->NameOrGenerate(named, prefix);
    if (!repartition_name_ || !*repartition_source_) {
      const std::string topic = (repartition_name_ ? *repartition_name_ : store) +
                                std::string(detail::node_names::kRepartitionTopicSuffix);
      builder_->AddInternalTopic(topic, std::nullopt);
      builder_->AddNode(std::make_shared<detail::ChangeRepartitionSinkFactory<K, V>>(
          sink, name_, topic, key_serde_, value_serde_));
      builder_->AddNode(std::make_shared<detail::ChangeRepartitionSourceFactory<K, V>>(
          source, topic, key_serde_, value_serde_));
      *repartition_source_ = source;
    }
    const std::string parent = **repartition_source_;
    if (!materialized.keySerde()) materialized = materialized.withKeySerde(key_serde_);
    auto table = std::make_shared<detail::TableNode>();
    builder_->AddNode(std::make_shared<detail::ProcessorFactory<K, Change<V>, K, Change<VAgg>>>(
        name, std::vector<std::string>{parent},
        operators::processors::TableAggregateSupplier<K, V, VAgg>(store, std::move(functions),
                                                                  table->send_old_values)));
    builder_->AddStateStore(*detail::TimestampedKeyValueStoreFor(store, materialized), {name});
    return KTable<K, VAgg>(builder_, name, materialized.keySerde(), materialized.valueSerde(),
                           {parent}, queryable ? std::optional<std::string>(store) : std::nullopt,
                           std::move(table));
  }

  // Kafka's NamedInternal.suffixWithOrElseGet: "<name><suffix>" for a given name, else a
  // generated one; the counter moves either way.
  std::string SuffixedOrGenerated(const Named& named, const char* suffix,
                                  std::string_view prefix) const {
    std::string generated = builder_->NewProcessorName(prefix);
    return named.name() ? *named.name() + suffix : generated;
  }

  detail::InternalStreamsBuilder* builder_;
  std::string name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  std::optional<std::string> repartition_name_;
  // The repartition source, shared by this table's aggregations when Grouped named the topic
  // (Kafka reuses a user-named one; unnamed ones get a topic per aggregation).
  std::shared_ptr<std::optional<std::string>> repartition_source_;
};

}  // namespace brook::streams
