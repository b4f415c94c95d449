#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "framework/api/detail/typed_nodes.h"
#include "operators/dsl/change.h"
#include "operators/dsl/internal_streams_builder.h"
#include "operators/dsl/mapper_traits.h"
#include "operators/dsl/named.h"
#include "operators/dsl/node_names.h"
#include "operators/dsl/suppressed.h"
#include "operators/dsl/table_node.h"
#include "operators/processors/suppress.h"
#include "operators/processors/table_filter.h"
#include "operators/processors/table_map_values.h"
#include "operators/processors/table_to_stream.h"

namespace brook::streams {

template <typename K, typename V>
class KStream;

// A changelog stream read as a table: the latest value of each key (Kafka Streams' KTable),
// made by aggregations (KGroupedStream) and StreamsBuilder::table. Between its nodes flow
// Change<V> records (a key's new value, and its old one when a downstream operator asks).
//
// Node names as Kafka's: KTABLE-FILTER-<n>, KTABLE-MAPVALUES-<n>, KTABLE-TOSTREAM-<n>.
// Thread safety: a value type; build a program on one thread.
template <typename K, typename V>
class KTable {
 public:
  using Key = K;
  using Value = V;

  // Made by the DSL; applications do not call it.
  KTable(detail::InternalStreamsBuilder* builder, std::string name, SerdePtr<K> key_serde,
         SerdePtr<V> value_serde, std::set<std::string> source_nodes,
         std::optional<std::string> queryable_store, std::shared_ptr<detail::TableNode> node)
      : builder_(builder),
        name_(std::move(name)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        source_nodes_(std::move(source_nodes)),
        queryable_store_(std::move(queryable_store)),
        node_(std::move(node)) {}

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
    builder_->AddNode(std::make_shared<detail::FixedKeyProcessorFactory<K, Change<V>, Change<VOut>>>(
        name, std::vector<std::string>{name_},
        operators::processors::TableMapValuesSupplier<K, V, VOut>(
            [mapper = std::move(mapper)](const K& key, const V& value) {
              return VOut(detail::CallValueMapper(mapper, key, value));
            },
            node->send_old_values)));
    return KTable<K, VOut>(builder_, name, key_serde_, nullptr, source_nodes_, std::nullopt,
                           std::move(node));
  }

  // The table's updates as a stream: one record per change, with the new value. Deletes are
  // not forwarded: a KStream<K, V> has no null value (Kafka forwards a null).
  KStream<K, V> toStream(const Named& named = Named()) const {
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kTableToStream);
    builder_->AddNode(std::make_shared<detail::FixedKeyProcessorFactory<K, Change<V>, V>>(
        name, std::vector<std::string>{name_},
        operators::processors::TableToStreamSupplier<K, V>()));
    return KStream<K, V>(builder_, name, key_serde_, value_serde_, source_nodes_, false);
  }

  // The final result of each window only (see Suppressed): for the table of a windowed
  // aggregation. Node KTABLE-SUPPRESS-<n> (or Suppressed's name), its buffer store
  // KTABLE-SUPPRESS-STATE-STORE-<n> (or "<name>-store"). Throws TopologyException when this
  // table does not come from a windowed aggregation.
  KTable suppress(const Suppressed& suppressed) const
    requires detail::WindowedKey<K>::value
  {
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

  // The store a KafkaStreams::store(name) query reads, when Materialized named one.
  const std::optional<std::string>& queryableStoreName() const { return queryable_store_; }

  // --- For the DSL's own classes.
  const std::string& name() const { return name_; }
  const SerdePtr<K>& keySerde() const { return key_serde_; }
  const SerdePtr<V>& valueSerde() const { return value_serde_; }
  const std::set<std::string>& subtopologySourceNodes() const { return source_nodes_; }
  detail::InternalStreamsBuilder* builder() const { return builder_; }
  const std::shared_ptr<detail::TableNode>& node() const { return node_; }

 private:
  std::shared_ptr<detail::TableNode> Derived() const {
    auto node = std::make_shared<detail::TableNode>();
    node->parent = node_;
    node->window_grace_ms = node_->window_grace_ms;
    return node;
  }

  template <typename P>
  KTable Filter(P predicate, const Named& named, bool negate) const {
    detail::RequireCallable(predicate, negate ? "KTable::filterNot(): predicate"
                                              : "KTable::filter(): predicate");
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kTableFilter);
    auto node = Derived();
    builder_->AddNode(std::make_shared<detail::FixedKeyProcessorFactory<K, Change<V>, Change<V>>>(
        name, std::vector<std::string>{name_},
        operators::processors::TableFilterSupplier<K, V>(
            [predicate = std::move(predicate)](const K& key, const V& value) -> bool {
              return predicate(key, value);
            },
            negate, node->send_old_values)));
    return KTable(builder_, name, key_serde_, value_serde_, source_nodes_, std::nullopt,
                  std::move(node));
  }

  detail::InternalStreamsBuilder* builder_;
  std::string name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  std::set<std::string> source_nodes_;
  std::optional<std::string> queryable_store_;
  std::shared_ptr<detail::TableNode> node_;
};

}  // namespace brook::streams

#include "operators/dsl/kstream.h"  // IWYU pragma: export (toStream returns one)
