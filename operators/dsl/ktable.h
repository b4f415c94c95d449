#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "framework/api/detail/typed_nodes.h"
#include "operators/dsl/change.h"
#include "operators/dsl/grouped.h"
#include "operators/dsl/internal_streams_builder.h"
#include "operators/dsl/joiner_traits.h"
#include "operators/dsl/mapper_traits.h"
#include "operators/dsl/materialized.h"
#include "operators/dsl/named.h"
#include "operators/dsl/node_names.h"
#include "operators/dsl/store_builders.h"
#include "operators/dsl/suppressed.h"
#include "operators/dsl/table_node.h"
#include "operators/processors/suppress.h"
#include "operators/processors/table_filter.h"
#include "operators/processors/table_join_merge.h"
#include "operators/processors/table_map_values.h"
#include "operators/processors/table_repartition_map.h"
#include "operators/processors/table_table_join.h"
#include "operators/processors/table_to_stream.h"
#include "operators/processors/table_value_getter.h"

namespace brook::streams {

template <typename K, typename V>
class KStream;
template <typename K, typename V>
class KGroupedTable;

// A changelog stream read as a table: the latest value of each key (Kafka Streams' KTable),
// made by aggregations (KGroupedStream) and StreamsBuilder::table. Between its nodes flow
// Change<V> records (a key's new value, and its old one when a downstream operator asks).
//
// Node names as Kafka's: KTABLE-FILTER-<n>, KTABLE-MAPVALUES-<n>, KTABLE-TOSTREAM-<n>,
// KTABLE-SELECT-<n>.
// Thread safety: a value type; build a program on one thread.
template <typename K, typename V>
class KTable {
 public:
  using Key = K;
  using Value = V;
  using ValueGetterSupplier = operators::processors::TableValueGetterSupplier<K, V>;

  // Made by the DSL; applications do not call it. `getter` reads the table's current values
  // (joins); left null, the store of node `name` is read when it has exactly one.
  KTable(detail::InternalStreamsBuilder* builder, std::string name, SerdePtr<K> key_serde,
         SerdePtr<V> value_serde, std::set<std::string> source_nodes,
         std::optional<std::string> queryable_store, std::shared_ptr<detail::TableNode> node,
         std::shared_ptr<const ValueGetterSupplier> getter = nullptr)
      : builder_(builder),
        name_(std::move(name)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        source_nodes_(std::move(source_nodes)),
        queryable_store_(std::move(queryable_store)),
        node_(std::move(node)),
        getter_(std::move(getter)) {}

  // The keys whose value predicate(key, value) accepts; a key whose new value fails it is
  // deleted from the result.
  template <detail::PredicateOf<K, V> P>
  KTable filter(P predicate, const Named& named = Named()) const {
    return Filter(std::move(predicate), named, false);
  }
  template <detail::PredicateOf<K, V> P>
  KTable filterNot(P predicate, const Named& named = Named()) const {
    return Filter(std::move(predicate), named, true);
  }

  // Each value as mapper(value) or mapper(key, value).
  template <typename VR = detail::Deduced, detail::ValueMapperOf<K, V> F>
  auto mapValues(F mapper, const Named& named = Named()) const {
    using VOut = detail::PickType<VR, detail::ValueMapperResult<F, K, V>>;
    detail::RequireCallable(mapper, "KTable::mapValues(): mapper");
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kTableMapValues);
    auto node = Derived();
    builder_->AddNode(
        std::make_shared<detail::FixedKeyProcessorFactory<K, Change<V>, Change<VOut>>>(
            name, std::vector<std::string>{name_},
            operators::processors::TableMapValuesSupplier<K, V, VOut>(
                [mapper](const K& key, const V& value) {
                  return VOut(detail::CallValueMapper(mapper, key, value));
                },
                node->send_old_values)));
    std::shared_ptr<const operators::processors::TableValueGetterSupplier<K, VOut>> getter;
    if (auto parent = TryValueGetterSupplier()) {
      getter = operators::processors::DerivedValueGetterSupplier<K, V, VOut>(
          std::move(parent), [mapper](const K& key, const V& value) -> std::optional<VOut> {
            return VOut(detail::CallValueMapper(mapper, key, value));
          });
    }
    return KTable<K, VOut>(builder_, name, key_serde_, nullptr, source_nodes_, std::nullopt,
                           std::move(node), std::move(getter));
  }

  // The table's updates as a stream: one record per change, with the new value. Deletes are
  // not forwarded: a KStream<K, V> has no null value (Kafka forwards a null; for that, use
  // toStreamWithDeletes).
  KStream<K, V> toStream(const Named& named = Named()) const {
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kTableToStream);
    builder_->AddNode(std::make_shared<detail::FixedKeyProcessorFactory<K, Change<V>, V>>(
        name, std::vector<std::string>{name_},
        operators::processors::TableToStreamSupplier<K, V>()));
    return KStream<K, V>(builder_, name, key_serde_, value_serde_, source_nodes_, false);
  }

  // Kafka's toStream() as it is in Java: every change, a delete as a record whose value is
  // nullopt, so `.to(topic)` writes a tombstone for it and the topic reads back as the same
  // table. Values are written with Serdes::Optional of the table's value serde (or of
  // default.value.serde). Same node (KTABLE-TOSTREAM-<n>) as toStream().
  KStream<K, std::optional<V>> toStreamWithDeletes(const Named& named = Named()) const {
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kTableToStream);
    builder_->AddNode(
        std::make_shared<detail::FixedKeyProcessorFactory<K, Change<V>, std::optional<V>>>(
            name, std::vector<std::string>{name_},
            operators::processors::TableToStreamWithDeletesSupplier<K, V>()));
    SerdePtr<std::optional<V>> value_serde =
        value_serde_ ? Serdes::Optional(value_serde_) : nullptr;
    return KStream<K, std::optional<V>>(builder_, name, key_serde_, std::move(value_serde),
                                        source_nodes_, false);
  }

  // The table re-grouped by selector(key, value), which returns the row's grouping key and
  // value as a KeyValue (or std::pair), for count/reduce/aggregate (see KGroupedTable). Node
  // KTABLE-SELECT-<n>, or Grouped's name, which also names the repartition topic. This table
  // then sends old values, so a row that moves is subtracted from its old group. A pair whose
  // key or value is null (an empty std::optional, a JSON null) is skipped, as in Kafka.
  // Serdes: Grouped's, else the defaults.
  template <typename KR = detail::Deduced, typename VR = detail::Deduced,
            detail::KeyValueCallable<K, V> F>
  auto groupBy(F selector, const Grouped<detail::SelectedKey<KR, F, K, V>,
                                         detail::SelectedValue<VR, F, K, V>>& grouped = {}) const {
    using KOut = detail::SelectedKey<KR, F, K, V>;
    using VOut = detail::SelectedValue<VR, F, K, V>;
    using Pair = detail::PairTraits<detail::KeyValueMapperResult<F, K, V>>;
    detail::RequireCallable(selector, "KTable::groupBy(): selector");
    const std::string name = builder_->NameOrGenerate(
        grouped.name() ? Named::as(*grouped.name()) : Named(), detail::node_names::kTableSelect);
    builder_->AddNode(std::make_shared<detail::ProcessorFactory<K, Change<V>, KOut, Change<VOut>>>(
        name, std::vector<std::string>{name_},
        operators::processors::TableRepartitionMapSupplier<K, V, KOut, VOut>(
            [selector = std::move(selector)](const K& key, const V& value) {
              auto pair = selector(key, value);
              return KeyValue<KOut, VOut>{KOut(Pair::KeyOf(pair)), VOut(Pair::ValueOf(pair))};
            })));
    node_->EnableSendingOldValues();
    return KGroupedTable<KOut, VOut>(builder_, name, grouped.keySerdeOrNull(),
                                     grouped.valueSerdeOrNull(), grouped.name());
  }

  // The final result of each window only (see Suppressed): for the table of a windowed
  // aggregation. Node KTABLE-SUPPRESS-<n> (or Suppressed's name), its buffer store
  // KTABLE-SUPPRESS-STATE-STORE-<n> (or "<name>-store"). Throws TopologyException when this
  // table does not come from a windowed aggregation.
  KTable suppress(const Suppressed& suppressed) const requires detail::WindowedKey<K>::value {
    using Inner = typename detail::WindowedKey<K>::Key;
    if (!node_->window_grace_ms) {
      throw TopologyException("suppress(untilWindowCloses): " + name_ +
                              " is not the table of a windowed aggregation");
    }
    const std::string name = suppressed.name()
                                 ? *suppressed.name()
                                 : builder_->NewProcessorName(detail::node_names::kTableSuppress);
    const std::string store = suppressed.name()
                                  ? *suppressed.name() + "-store"
                                  : builder_->NewStoreName(detail::node_names::kTableSuppress);
    builder_->AddNode(std::make_shared<detail::ProcessorFactory<K, Change<V>, K, Change<V>>>(
        name, std::vector<std::string>{name_},
        operators::processors::SuppressFinalSupplier<Inner, V>(store, *node_->window_grace_ms)));
    operators::processors::SuppressBufferBuilder<K, V> buffer(store, key_serde_, value_serde_);
    if (suppressed.loggingEnabled()) {
      buffer.withLoggingEnabled(suppressed.logConfig());
    } else {
      buffer.withLoggingDisabled();
    }
    builder_->AddStateStore(buffer, {name});
    return KTable(builder_, name, key_serde_, value_serde_, source_nodes_, std::nullopt, Derived());
  }

  // --- KTable-KTable joins (Kafka's KTableKTableJoin, LeftJoin, OuterJoin). Both tables must
  // be co-partitioned (same key, same partition count: KafkaStreams::start checks it). A
  // change on either side is joined with the other side's current value; the result's
  // timestamp is the larger of the two. Nodes KTABLE-JOINTHIS-<n> and KTABLE-JOINOTHER-<n>
  // (with Named N: "N-join-this", "N-join-other"), each connected to the other side's stores,
  // and the result node KTABLE-MERGE-<n> (or N). With Materialized the result is kept in a
  // timestamped key-value store (its name, else KTABLE-MERGE-STATE-STORE-<n>) and is
  // queryable and cached as an aggregation's; without, its values are computed from both sides
  // when a later join reads them.

  // Inner: joiner(value, other) or joiner(key, value, other) for keys both tables have; a key
  // leaving either table deletes the result.
  template <typename VO, detail::ValueJoinerOf<K, V, VO> F>
  auto join(const KTable<K, VO>& other, F joiner, const Named& named = Named()) const {
    using VR = detail::JoinerResult<F, K, V, VO>;
    return DoJoin<VO, VR>(other, InnerJoiner<VO, VR>(std::move(joiner)), {false, false}, named,
                          std::nullopt);
  }
  template <typename VO, detail::ValueJoinerOf<K, V, VO> F>
  auto join(const KTable<K, VO>& other, F joiner, const Named& named,
            const Materialized<K, detail::JoinerResult<F, K, V, VO>>& materialized) const {
    using VR = detail::JoinerResult<F, K, V, VO>;
    return DoJoin<VO, VR>(other, InnerJoiner<VO, VR>(std::move(joiner)), {false, false}, named,
                          materialized);
  }
  template <typename VO, detail::ValueJoinerOf<K, V, VO> F>
  auto join(const KTable<K, VO>& other, F joiner,
            const Materialized<K, detail::JoinerResult<F, K, V, VO>>& materialized) const {
    return join(other, std::move(joiner), Named(), materialized);
  }

  // Left: every key of this table; joiner(value, std::optional<VO> other) gets nullopt while
  // the other table lacks the key.
  template <typename VO, detail::ValueJoinerOf<K, V, std::optional<VO>> F>
  auto leftJoin(const KTable<K, VO>& other, F joiner, const Named& named = Named()) const {
    using VR = detail::JoinerResult<F, K, V, std::optional<VO>>;
    return DoJoin<VO, VR>(other, LeftJoiner<VO, VR>(std::move(joiner)), {true, false}, named,
                          std::nullopt);
  }
  template <typename VO, detail::ValueJoinerOf<K, V, std::optional<VO>> F>
  auto leftJoin(
      const KTable<K, VO>& other, F joiner, const Named& named,
      const Materialized<K, detail::JoinerResult<F, K, V, std::optional<VO>>>& materialized) const {
    using VR = detail::JoinerResult<F, K, V, std::optional<VO>>;
    return DoJoin<VO, VR>(other, LeftJoiner<VO, VR>(std::move(joiner)), {true, false}, named,
                          materialized);
  }
  template <typename VO, detail::ValueJoinerOf<K, V, std::optional<VO>> F>
  auto leftJoin(
      const KTable<K, VO>& other, F joiner,
      const Materialized<K, detail::JoinerResult<F, K, V, std::optional<VO>>>& materialized) const {
    return leftJoin(other, std::move(joiner), Named(), materialized);
  }

  // Outer: every key of either table; joiner(std::optional<V>, std::optional<VO>) gets nullopt
  // for the side that lacks the key (never for both).
  template <typename VO, detail::ValueJoinerOf<K, std::optional<V>, std::optional<VO>> F>
  auto outerJoin(const KTable<K, VO>& other, F joiner, const Named& named = Named()) const {
    using VR = detail::JoinerResult<F, K, std::optional<V>, std::optional<VO>>;
    return DoJoin<VO, VR>(other, OuterJoiner<VO, VR>(std::move(joiner)), {true, true}, named,
                          std::nullopt);
  }
  template <typename VO, detail::ValueJoinerOf<K, std::optional<V>, std::optional<VO>> F>
  auto outerJoin(
      const KTable<K, VO>& other, F joiner, const Named& named,
      const Materialized<K, detail::JoinerResult<F, K, std::optional<V>, std::optional<VO>>>&
          materialized) const {
    using VR = detail::JoinerResult<F, K, std::optional<V>, std::optional<VO>>;
    return DoJoin<VO, VR>(other, OuterJoiner<VO, VR>(std::move(joiner)), {true, true}, named,
                          materialized);
  }
  template <typename VO, detail::ValueJoinerOf<K, std::optional<V>, std::optional<VO>> F>
  auto outerJoin(
      const KTable<K, VO>& other, F joiner,
      const Materialized<K, detail::JoinerResult<F, K, std::optional<V>, std::optional<VO>>>&
          materialized) const {
    return outerJoin(other, std::move(joiner), Named(), materialized);
  }

  // The store a KafkaStreams::store(name) query reads, when Materialized named one.
  const std::optional<std::string>& queryableStoreName() const { return queryable_store_; }

  // --- For the DSL's own classes.
  const std::string& name() const { return name_; }
  const SerdePtr<K>& keySerde() const { return key_serde_; }
  const SerdePtr<V>& valueSerde() const { return value_serde_; }
  const std::set<std::string>& subtopologySourceNodes() const { return source_nodes_; }
  detail::InternalStreamsBuilder* builder() const { return builder_; }
  const std::shared_ptr<detail::TableNode>& node() const { return node_; }

  // What reads this table's current values from another operator (Kafka's
  // valueGetterSupplier): its store, or its parent's getter and its own function. Throws
  // TopologyException for a table that has neither (a suppressed or windowed table).
  std::shared_ptr<const ValueGetterSupplier> valueGetterSupplier() const {
    if (auto getter = TryValueGetterSupplier()) return getter;
    throw TopologyException("KTable " + name_ +
                            " keeps no key-value store its values can be read from (needed by a "
                            "join); join the table it is derived from, or materialize it first");
  }

 private:
  std::shared_ptr<const ValueGetterSupplier> TryValueGetterSupplier() const {
    if (getter_) return getter_;
    if (node_->parent || node_->window_grace_ms) return nullptr;
    const std::vector<std::string> stores = builder_->StoresOf(name_);
    if (stores.size() != 1) return nullptr;
    return operators::processors::StoreValueGetterSupplier<K, V>(stores.front());
  }

  template <typename VO, typename VR>
  using JoinFunction =
      typename operators::processors::TableTableJoinProcessor<K, V, VO, VR>::Joiner;

  template <typename VO, typename VR, typename F>
  static JoinFunction<VO, VR> InnerJoiner(F joiner) {
    return [joiner = std::move(joiner)](const K& key, const std::optional<V>& value,
                                        const std::optional<VO>& other) {
      return VR(detail::CallJoiner(joiner, key, *value, *other));
    };
  }
  template <typename VO, typename VR, typename F>
  static JoinFunction<VO, VR> LeftJoiner(F joiner) {
    return [joiner = std::move(joiner)](const K& key, const std::optional<V>& value,
                                        const std::optional<VO>& other) {
      return VR(detail::CallJoiner(joiner, key, *value, other));
    };
  }
  template <typename VO, typename VR, typename F>
  static JoinFunction<VO, VR> OuterJoiner(F joiner) {
    return [joiner = std::move(joiner)](const K& key, const std::optional<V>& value,
                                        const std::optional<VO>& other) {
      return VR(detail::CallJoiner(joiner, key, value, other));
    };
  }

  // Kafka's KTableImpl.doJoin: names (store, merge, this, other), old values of the preserved
  // sides, the two join processors and the merge node.
  template <typename VO, typename VR>
  KTable<K, VR> DoJoin(const KTable<K, VO>& other, JoinFunction<VO, VR> joiner,
                       operators::processors::TableJoinSides sides, const Named& named,
                       std::optional<Materialized<K, VR>> materialized) const {
    namespace p = operators::processors;
    if (other.builder() != builder_) {
      throw TopologyException("join(): " + other.name() +
                              " comes from another StreamsBuilder than " + name_);
    }
    std::optional<std::string> store;
    bool queryable = false;
    if (materialized) {
      queryable = materialized->storeName().has_value();
      store = queryable ? *materialized->storeName()
                        : builder_->NewStoreName(detail::node_names::kTableMerge);
      if (!materialized->keySerde()) materialized = materialized->withKeySerde(key_serde_);
    }
    const std::string merge_name = builder_->NameOrGenerate(named, detail::node_names::kTableMerge);
    auto this_getter = valueGetterSupplier();
    auto other_getter = other.valueGetterSupplier();
    if (sides.this_preserved) node_->EnableSendingOldValues();
    if (sides.other_preserved) other.node()->EnableSendingOldValues();
    const std::string this_name =
        JoinSideName(named, "-join-this", detail::node_names::kTableJoinThis);
    const std::string other_name =
        JoinSideName(named, "-join-other", detail::node_names::kTableJoinOther);

    auto result = std::make_shared<detail::TableNode>();
    // Unmaterialized, the result's old values come from the join processors, which compute
    // them from the inputs' old values; materialized, the merge node's store has them.
    std::shared_ptr<bool> join_send_old =
        store ? std::make_shared<bool>(false) : result->send_old_values;
    if (!store) {
      result->parent = node_;
      result->other_parent = other.node();
    }
    auto shared = std::make_shared<const JoinFunction<VO, VR>>(joiner);
    auto reversed =
        std::make_shared<const typename p::TableTableJoinProcessor<K, VO, V, VR>::Joiner>(
            [joiner](const K& key, const std::optional<VO>& value, const std::optional<V>& mine) {
              return joiner(key, mine, value);
            });
    auto this_node = std::make_shared<detail::ProcessorFactory<K, Change<V>, K, Change<VR>>>(
        this_name, std::vector<std::string>{name_},
        p::TableTableJoinSupplier<K, V, VO, VR>(other_getter, shared, sides, join_send_old));
    this_node->stores = other_getter->store_names;
    builder_->AddNode(std::move(this_node));
    auto other_node = std::make_shared<detail::ProcessorFactory<K, Change<VO>, K, Change<VR>>>(
        other_name, std::vector<std::string>{other.name()},
        p::TableTableJoinSupplier<K, VO, V, VR>(
            this_getter, reversed, {sides.other_preserved, sides.this_preserved}, join_send_old));
    other_node->stores = this_getter->store_names;
    builder_->AddNode(std::move(other_node));
    builder_->AddNode(std::make_shared<detail::ProcessorFactory<K, Change<VR>, K, Change<VR>>>(
        merge_name, std::vector<std::string>{this_name, other_name},
        p::TableJoinMergeSupplier<K, VR>(store, result->send_old_values)));

    std::shared_ptr<const p::TableValueGetterSupplier<K, VR>> getter;
    SerdePtr<K> key_serde = key_serde_;
    SerdePtr<VR> value_serde;
    if (store) {
      builder_->AddStateStore(*detail::TimestampedKeyValueStoreFor(*store, *materialized),
                              {merge_name});
      getter = p::StoreValueGetterSupplier<K, VR>(*store);
      key_serde = materialized->keySerde();
      value_serde = materialized->valueSerde();
    } else {
      auto supplier = std::make_shared<p::TableValueGetterSupplier<K, VR>>();
      supplier->store_names = this_getter->store_names;
      supplier->store_names.insert(supplier->store_names.end(), other_getter->store_names.begin(),
                                   other_getter->store_names.end());
      supplier->make = [this_getter, other_getter, shared, sides] {
        return std::make_unique<p::TableTableJoinValueGetter<K, V, VO, VR>>(
            this_getter->make(), other_getter->make(), shared, sides);
      };
      getter = std::move(supplier);
    }
    std::set<std::string> sources = source_nodes_;
    sources.insert(other.subtopologySourceNodes().begin(), other.subtopologySourceNodes().end());
    return KTable<K, VR>(builder_, merge_name, std::move(key_serde), std::move(value_serde),
                         std::move(sources), queryable ? store : std::nullopt, std::move(result),
                         std::move(getter));
  }

  // Kafka's NamedInternal.suffixWithOrElseGet: "<name><suffix>" for a given name, else a
  // generated one; the counter moves either way.
  std::string JoinSideName(const Named& named, const char* suffix, std::string_view prefix) const {
    std::string generated = builder_->NewProcessorName(prefix);
    return named.name() ? *named.name() + suffix : generated;
  }

  std::shared_ptr<detail::TableNode> Derived() const {
    auto node = std::make_shared<detail::TableNode>();
    node->parent = node_;
    node->window_grace_ms = node_->window_grace_ms;
    return node;
  }

  template <typename P>
  KTable Filter(P predicate, const Named& named, bool negate) const {
    detail::RequireCallable(
        predicate, negate ? "KTable::filterNot(): predicate" : "KTable::filter(): predicate");
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kTableFilter);
    auto node = Derived();
    builder_->AddNode(std::make_shared<detail::FixedKeyProcessorFactory<K, Change<V>, Change<V>>>(
        name, std::vector<std::string>{name_},
        operators::processors::TableFilterSupplier<K, V>(
            [predicate](const K& key, const V& value) -> bool { return predicate(key, value); },
            negate, node->send_old_values)));
    std::shared_ptr<const ValueGetterSupplier> getter;
    if (auto parent = TryValueGetterSupplier()) {
      getter = operators::processors::DerivedValueGetterSupplier<K, V, V>(
          std::move(parent), [predicate, negate](const K& key, const V& value) -> std::optional<V> {
            if (static_cast<bool>(predicate(key, value)) == negate) return std::nullopt;
            return value;
          });
    }
    return KTable(builder_, name, key_serde_, value_serde_, source_nodes_, std::nullopt,
                  std::move(node), std::move(getter));
  }

  detail::InternalStreamsBuilder* builder_;
  std::string name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  std::set<std::string> source_nodes_;
  std::optional<std::string> queryable_store_;
  std::shared_ptr<detail::TableNode> node_;
  std::shared_ptr<const ValueGetterSupplier> getter_;
};

}  // namespace brook::streams

#include "operators/dsl/kgrouped_table.h"  // IWYU pragma: export (groupBy returns one)
#include "operators/dsl/kstream.h"         // IWYU pragma: export (toStream returns one)
