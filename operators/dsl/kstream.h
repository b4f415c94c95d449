#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "framework/api/detail/typed_nodes.h"
#include "framework/api/processor.h"
#include "framework/api/record.h"
#include "framework/api/serde.h"
#include "framework/api/timestamp_extractor.h"
#include "operators/dsl/branched.h"
#include "operators/dsl/global_ktable.h"
#include "operators/dsl/grouped.h"
#include "operators/dsl/internal_streams_builder.h"
#include "operators/dsl/join_windows.h"
#include "operators/dsl/joined.h"
#include "operators/dsl/joiner_traits.h"
#include "operators/dsl/mapper_traits.h"
#include "operators/dsl/named.h"
#include "operators/dsl/node_names.h"
#include "operators/dsl/printed.h"
#include "operators/dsl/produced.h"
#include "operators/dsl/repartitioned.h"
#include "operators/dsl/stream_joined.h"
#include "operators/processors/filter.h"
#include "operators/processors/flat_map.h"
#include "operators/processors/flat_map_values.h"
#include "operators/processors/foreach.h"
#include "operators/processors/map.h"
#include "operators/processors/map_values.h"
#include "operators/processors/outer_join_store_builder.h"
#include "operators/processors/pass_through.h"
#include "operators/processors/peek.h"
#include "operators/processors/stream_global_table_join.h"
#include "operators/processors/stream_join_window.h"
#include "operators/processors/stream_stream_join.h"
#include "operators/processors/stream_table_join.h"
#include "statestore/api/stores.h"

namespace brook::streams {

template <typename K, typename V>
class BranchedKStream;
template <typename K, typename V>
class KGroupedStream;
template <typename K, typename V>
class KTable;

// A stream of records (Kafka Streams' KStream): each operator adds a node to the topology of
// the StreamsBuilder the stream came from and returns the stream of what that node forwards.
// Node names follow Kafka Streams (KSTREAM-FILTER-0000000001, ...; see Named), so describe()
// prints what a Java application with the same program prints.
//
//   StreamsBuilder builder;
//   builder.stream("words", Consumed<std::string, std::string>::with(Serdes::String(),
//   Serdes::String()))
//       .filter([](const std::string&, const std::string& word) { return !word.empty(); })
//       .mapValues([](const std::string& word) { return static_cast<int64_t>(word.size()); })
//       .to("lengths", Produced<std::string, int64_t>::with(Serdes::String(), Serdes::Int64()));
//
// Callables: predicates and key-value mappers take (key, value); value mappers take (value) or
// (key, value). Result types are deduced; give one explicitly as the first template argument
// to convert to it (mapValues<std::string>(...)). One callable serves every task of every
// stream thread, as in Kafka Streams: it must be safe to call concurrently.
//
// Serdes travel with the stream as in Kafka Streams: those given to stream() (or
// repartition()) stay while an operator keeps that type, and are dropped by one that may change
// it (map drops both, mapValues the value serde, ...); to() and repartition() use them when
// they are not given a serde, else StreamsConfig's defaults.
//
// Every record keeps its timestamp and headers through these operators.
//
// Lifetime: a KStream refers to its StreamsBuilder, which must outlive it; once
// StreamsBuilder::build() has been called, operators throw StreamsException.
// Thread safety: a value type; build a program on one thread.
template <typename K, typename V>
class KStream {
 public:
  using Key = K;
  using Value = V;

  // Made by StreamsBuilder and the operators; applications do not call it.
  KStream(detail::InternalStreamsBuilder* builder, std::string name, SerdePtr<K> key_serde,
          SerdePtr<V> value_serde, std::set<std::string> source_nodes, bool repartition_required)
      : builder_(builder),
        name_(std::move(name)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        source_nodes_(std::move(source_nodes)),
        repartition_required_(repartition_required) {}

  // The records `predicate(key, value)` accepts. Node KSTREAM-FILTER-.
  template <detail::PredicateOf<K, V> P>
  KStream filter(P predicate, const Named& named = Named()) const {
    return Filter(std::move(predicate), named, false);
  }
  // The records `predicate(key, value)` rejects. Node KSTREAM-FILTER- (as in Kafka).
  template <detail::PredicateOf<K, V> P>
  KStream filterNot(P predicate, const Named& named = Named()) const {
    return Filter(std::move(predicate), named, true);
  }

  // Each record with the key mapper(key, value). Changes the key, so a later stateful operator
  // repartitions. Node KSTREAM-KEY-SELECT- (a map node, as in Kafka).
  template <typename KR = detail::Deduced, detail::KeyValueCallable<K, V> F>
  auto selectKey(F mapper, const Named& named = Named()) const {
    using KOut = detail::PickType<KR, detail::KeyValueMapperResult<F, K, V>>;
    detail::RequireCallable(mapper, "selectKey(): mapper");
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kKeySelect);
    AddProcessor<K, V, KOut, V>(name,
                                operators::processors::MapSupplier<K, V, KOut, V>(
                                    [mapper = std::move(mapper)](const K& key, const V& value) {
                                      return KeyValue<KOut, V>{KOut(mapper(key, value)), value};
                                    }));
    return KStream<KOut, V>(builder_, name, nullptr, value_serde_, source_nodes_, true);
  }

  // Each record replaced by the KeyValue (or std::pair) mapper(key, value) returns. Changes the
  // key. Node KSTREAM-MAP-.
  template <typename KR = detail::Deduced, typename VR = detail::Deduced,
            detail::KeyValueCallable<K, V> F>
  auto map(F mapper, const Named& named = Named()) const {
    using Pair = detail::PairTraits<detail::KeyValueMapperResult<F, K, V>>;
    static_assert(Pair::kIsPair, "map(): the mapper must return a KeyValue (or a std::pair)");
    using KOut = detail::PickType<KR, typename Pair::Key>;
    using VOut = detail::PickType<VR, typename Pair::Value>;
    detail::RequireCallable(mapper, "map(): mapper");
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kMap);
    AddProcessor<K, V, KOut, VOut>(
        name, operators::processors::MapSupplier<K, V, KOut, VOut>(
                  [mapper = std::move(mapper)](const K& key, const V& value) {
                    auto pair = mapper(key, value);
                    return KeyValue<KOut, VOut>{KOut(Pair::KeyOf(pair)), VOut(Pair::ValueOf(pair))};
                  }));
    return KStream<KOut, VOut>(builder_, name, nullptr, nullptr, source_nodes_, true);
  }

  // Each record with the value mapper(value) or mapper(key, value); the key stays. Node
  // KSTREAM-MAPVALUES-.
  template <typename VR = detail::Deduced, detail::ValueMapperOf<K, V> F>
  auto mapValues(F mapper, const Named& named = Named()) const {
    using VOut = detail::PickType<VR, detail::ValueMapperResult<F, K, V>>;
    detail::RequireCallable(mapper, "mapValues(): mapper");
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kMapValues);
    AddFixedKeyProcessor<VOut>(name,
                               operators::processors::MapValuesSupplier<K, V, VOut>(
                                   [mapper = std::move(mapper)](const K& key, const V& value) {
                                     return VOut(detail::CallValueMapper(mapper, key, value));
                                   }));
    return KStream<K, VOut>(builder_, name, key_serde_, nullptr, source_nodes_,
                            repartition_required_);
  }

  // One record per KeyValue (or std::pair) in the range mapper(key, value) returns (none for an
  // empty one). Changes the key. Node KSTREAM-FLATMAP-.
  template <typename KR = detail::Deduced, typename VR = detail::Deduced,
            detail::FlatKeyValueMapperOf<K, V> F>
  auto flatMap(F mapper, const Named& named = Named()) const {
    using Pair = detail::PairTraits<detail::RangeElement<detail::KeyValueMapperResult<F, K, V>>>;
    static_assert(Pair::kIsPair, "flatMap(): the mapper must return a range of KeyValue");
    using KOut = detail::PickType<KR, typename Pair::Key>;
    using VOut = detail::PickType<VR, typename Pair::Value>;
    detail::RequireCallable(mapper, "flatMap(): mapper");
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kFlatMap);
    AddProcessor<K, V, KOut, VOut>(
        name, operators::processors::FlatMapSupplier<K, V, KOut, VOut>(
                  [mapper = std::move(mapper)](const K& key, const V& value) {
                    std::vector<KeyValue<KOut, VOut>> out;
                    for (auto&& element : mapper(key, value)) {
                      auto pair = std::move(element);
                      out.push_back({KOut(Pair::KeyOf(pair)), VOut(Pair::ValueOf(pair))});
                    }
                    return out;
                  }));
    return KStream<KOut, VOut>(builder_, name, nullptr, nullptr, source_nodes_, true);
  }

  // One record per value in the range mapper(value) or mapper(key, value) returns, each with
  // the input's key. Node KSTREAM-FLATMAPVALUES-.
  template <typename VR = detail::Deduced, detail::FlatValueMapperOf<K, V> F>
  auto flatMapValues(F mapper, const Named& named = Named()) const {
    using VOut = detail::PickType<VR, detail::RangeElement<detail::ValueMapperResult<F, K, V>>>;
    detail::RequireCallable(mapper, "flatMapValues(): mapper");
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kFlatMapValues);
    AddFixedKeyProcessor<VOut>(
        name, operators::processors::FlatMapValuesSupplier<K, V, VOut>(
                  [mapper = std::move(mapper)](const K& key, const V& value) {
                    std::vector<VOut> out;
                    for (auto&& element : detail::CallValueMapper(mapper, key, value)) {
                      out.push_back(VOut(std::move(element)));
                    }
                    return out;
                  }));
    return KStream<K, VOut>(builder_, name, key_serde_, nullptr, source_nodes_,
                            repartition_required_);
  }

  // Calls action(key, value) for each record and passes it on unchanged. Node KSTREAM-PEEK-.
  template <detail::KeyValueCallable<K, V> F>
  KStream peek(F action, const Named& named = Named()) const {
    detail::RequireCallable(action, "peek(): action");
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kPeek);
    AddFixedKeyProcessor<V>(name, operators::processors::PeekSupplier<K, V>(
                                      [action = std::move(action)](const K& key, const V& value) {
                                        action(key, value);
                                      }));
    return KStream(builder_, name, key_serde_, value_serde_, source_nodes_, repartition_required_);
  }

  // Calls action(key, value) for each record; the end of this branch. Node KSTREAM-FOREACH-.
  template <detail::KeyValueCallable<K, V> F>
  void foreach(F action, const Named& named = Named()) const {
    detail::RequireCallable(action, "foreach(): action");
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kForeach);
    AddProcessor<K, V, Void, Void>(
        name,
        operators::processors::ForeachSupplier<K, V>(
            [action = std::move(action)](const K& key, const V& value) { action(key, value); }));
  }

  // Splits the stream by predicates (see BranchedKStream and Branched). The splitter node is
  // KSTREAM-BRANCH-<n>, or the given name; branch nodes append the branch's name or position.
  BranchedKStream<K, V> split(const Named& named = Named()) const {
    return BranchedKStream<K, V>(*this, named);
  }

  // The records of this stream and `other` as they arrive: one pass-through node with both as
  // parents. The result has no serdes (the two may differ). Node KSTREAM-MERGE-.
  // Throws TopologyException when `other` comes from another StreamsBuilder.
  KStream merge(const KStream& other, const Named& named = Named()) const {
    if (other.builder_ != builder_) {
      throw TopologyException("merge(): " + other.name_ +
                              " comes from another StreamsBuilder than " + name_ +
                              "; both streams must be built by the same builder");
    }
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kMerge);
    AddNode(std::make_shared<detail::ProcessorFactory<K, V, K, V>>(
        name, std::vector<std::string>{name_, other.name_},
        operators::processors::PassThroughSupplier<K, V>()));
    std::set<std::string> sources = source_nodes_;
    sources.insert(other.source_nodes_.begin(), other.source_nodes_.end());
    return KStream(builder_, name, nullptr, nullptr, std::move(sources),
                   repartition_required_ || other.repartition_required_);
  }

  // Writes the stream to an internal topic and reads it back, so each key lands on the partition
  // its bytes hash to (Kafka Streams' repartition()). The topic is
  // "<application.id>-<name>-repartition", <name> being Repartitioned's, else a generated
  // KSTREAM-REPARTITION-<n>. Adds a pass-through filter, a sink and a source, named
  // "<name>-repartition-filter|-sink|-source" for a given name and generated (KSTREAM-FILTER-,
  // KSTREAM-SINK-, KSTREAM-SOURCE-) otherwise; downstream nodes belong to a new sub-topology.
  // Serdes: Repartitioned's, else this stream's, else the defaults.
  KStream repartition(const Repartitioned<K, V>& repartitioned = Repartitioned<K, V>()) const {
    const std::string name = repartitioned.name()
                                 ? *repartitioned.name()
                                 : builder_->NewProcessorName(detail::node_names::kRepartition);
    SerdePtr<K> key_serde = repartitioned.keySerde() ? repartitioned.keySerde() : key_serde_;
    SerdePtr<V> value_serde =
        repartitioned.valueSerde() ? repartitioned.valueSerde() : value_serde_;
    const detail::RepartitionNames names = builder_->NewRepartitionNames(name);

    builder_->AddInternalTopic(names.topic, repartitioned.numberOfPartitions());
    AddFixedKeyProcessor<V>(names.filter, operators::processors::FilterSupplier<K, V>(
                                              [](const K&, const V&) { return true; }, false));
    auto sink = std::make_shared<detail::SinkFactory<K, V>>(
        names.sink, std::vector<std::string>{names.filter}, names.topic, TopicNameExtractor<K, V>{},
        key_serde, value_serde);
    sink->internal_topic = true;
    AddNode(std::move(sink));
    auto source = std::make_shared<detail::SourceFactory<K, V>>(
        names.source, key_serde, value_serde, TimestampExtractor<K, V>{});
    source->topics = {names.topic};
    source->internal_topic = true;
    AddNode(std::move(source));
    return KStream(builder_, names.source, std::move(key_serde), std::move(value_serde),
                   {names.source}, false);
  }

  // Writes every record to `topic`. Node KSTREAM-SINK-, or Produced's name.
  void to(const std::string& topic, const Produced<K, V>& produced = Produced<K, V>()) const {
    AddSink(topic, TopicNameExtractor<K, V>{}, produced);
  }
  // Writes each record to the topic extractor(key, value, context) names.
  void to(TopicNameExtractor<K, V> extractor,
          const Produced<K, V>& produced = Produced<K, V>()) const {
    detail::RequireCallable(extractor, "to(): topic name extractor");
    AddSink(std::string(), std::move(extractor), produced);
  }

  // Writes "[label]: key, value" for each record to stdout or a file (see Printed); the label
  // defaults to this stream's node name. Node KSTREAM-PRINTER-, or Printed's name.
  void print(const Printed<K, V>& printed) const {
    const std::string name =
        builder_->NameOrGenerate(printed.named(), detail::node_names::kPrinter);
    AddProcessor<K, V, Void, Void>(
        name, operators::processors::PrintSupplier<K, V>(printed.writer(),
                                                         printed.label() ? *printed.label() : name_,
                                                         printed.keyValueMapper()));
  }

  // Runs a Processor API processor on each record (Kafka's process(ProcessorSupplier, Named,
  // String...)). `supplier` returns a new std::unique_ptr to a Processor<K, V, KOut, VOut> (or a
  // class derived from one) on every call; the result is a KStream<KOut, VOut> of what it
  // forwards (KStream<Void, Void> for a processor that forwards nothing). The processor may
  // forward to a named child: context().forward(record, "child-node"). `stores` are the state
  // stores it uses. May change the key. Node KSTREAM-PROCESSOR-, or the given name (which,
  // as in Kafka, uses no counter value).
  template <detail::SupplierCallable Supplier>
  auto process(Supplier supplier, const Named& named = Named(),
               std::vector<std::string> stores = {}) const {
    using P = detail::SuppliedProcessor<Supplier>;
    using Types = decltype(detail::ProcessorTypesOf(static_cast<const P*>(nullptr)));
    static_assert(
        std::is_same_v<typename Types::KeyIn, K> && std::is_same_v<typename Types::ValueIn, V>,
        "process(): the processor must take this stream's Record<K, V>");
    using KOut = typename Types::KeyOut;
    using VOut = typename Types::ValueOut;
    detail::RequireCallable(supplier, "process(): processor supplier");
    const std::string name =
        named.name() ? *named.name() : builder_->NewProcessorName(detail::node_names::kProcessor);
    auto node = std::make_shared<detail::ProcessorFactory<K, V, KOut, VOut>>(
        name, std::vector<std::string>{name_},
        ProcessorSupplier<K, V, KOut, VOut>(
            [supplier = std::move(supplier)]() -> std::unique_ptr<Processor<K, V, KOut, VOut>> {
              return supplier();
            }));
    node->stores = std::move(stores);
    AddNode(std::move(node));
    return KStream<KOut, VOut>(builder_, name, nullptr, nullptr, source_nodes_, true);
  }
  template <detail::SupplierCallable Supplier>
  auto process(Supplier supplier, std::vector<std::string> stores) const {
    return process(std::move(supplier), Named(), std::move(stores));
  }

  // Runs a FixedKeyProcessor<K, V, VOut> on each record (Kafka's processValues): like
  // process(), but the key cannot change, so no repartition follows. Node
  // KSTREAM-PROCESSVALUES-, or the given name (which uses no counter value).
  template <detail::SupplierCallable Supplier>
  auto processValues(Supplier supplier, const Named& named = Named(),
                     std::vector<std::string> stores = {}) const {
    using P = detail::SuppliedProcessor<Supplier>;
    using Types = decltype(detail::FixedKeyProcessorTypesOf(static_cast<const P*>(nullptr)));
    static_assert(
        std::is_same_v<typename Types::KeyIn, K> && std::is_same_v<typename Types::ValueIn, V>,
        "processValues(): the processor must take this stream's FixedKeyRecord<K, V>");
    using VOut = typename Types::ValueOut;
    detail::RequireCallable(supplier, "processValues(): processor supplier");
    const std::string name = named.name()
                                 ? *named.name()
                                 : builder_->NewProcessorName(detail::node_names::kProcessValues);
    auto node = std::make_shared<detail::FixedKeyProcessorFactory<K, V, VOut>>(
        name, std::vector<std::string>{name_},
        FixedKeyProcessorSupplier<K, V, VOut>(
            [supplier = std::move(supplier)]() -> std::unique_ptr<FixedKeyProcessor<K, V, VOut>> {
              return supplier();
            }));
    node->stores = std::move(stores);
    AddNode(std::move(node));
    return KStream<K, VOut>(builder_, name, key_serde_, nullptr, source_nodes_,
                            repartition_required_);
  }
  template <detail::SupplierCallable Supplier>
  auto processValues(Supplier supplier, std::vector<std::string> stores) const {
    return processValues(std::move(supplier), Named(), std::move(stores));
  }

  // The stream grouped by its key, for aggregations (see KGroupedStream). Serdes: Grouped's,
  // else this stream's. When the key may have changed since the stream was read, the
  // aggregation repartitions first.
  KGroupedStream<K, V> groupByKey(const Grouped<K, V>& grouped = Grouped<K, V>()) const {
    return KGroupedStream<K, V>(
        builder_, name_, grouped.keySerdeOrNull() ? grouped.keySerdeOrNull() : key_serde_,
        grouped.valueSerdeOrNull() ? grouped.valueSerdeOrNull() : value_serde_, source_nodes_,
        repartition_required_, grouped.name());
  }

  // The stream grouped by the key selector(key, value) returns: a selectKey node
  // (KSTREAM-KEY-SELECT-<n>, or Grouped's name) and, at the aggregation, a repartition.
  // Serdes: Grouped's; the value serde defaults to this stream's.
  template <typename KR = detail::Deduced, detail::KeyValueCallable<K, V> F>
  auto groupBy(F selector,
               const Grouped<detail::PickType<KR, detail::KeyValueMapperResult<F, K, V>>, V>&
                   grouped = {}) const {
    using KOut = detail::PickType<KR, detail::KeyValueMapperResult<F, K, V>>;
    detail::RequireCallable(selector, "groupBy(): key selector");
    KStream<KOut, V> keyed =
        selectKey<KOut>(std::move(selector), grouped.name() ? Named::as(*grouped.name()) : Named());
    return KGroupedStream<KOut, V>(
        builder_, keyed.name(), grouped.keySerdeOrNull(),
        grouped.valueSerdeOrNull() ? grouped.valueSerdeOrNull() : value_serde_, source_nodes_, true,
        grouped.name());
  }

  // --- KStream-KTable joins (Kafka's KStreamKTableJoin). Each record of this stream looks its
  // key up in `table` as the table is when the record is processed (table updates trigger
  // nothing) and forwards the joiner's result with the record's key and timestamp. The stream
  // and the table must be co-partitioned: same key, same partition count (KafkaStreams::start
  // refuses topics of different counts); when the stream's key may have changed (selectKey,
  // map, ...) it is first repartitioned through "<Joined name, else this node's
  // name>-repartition", created with the table's partition count, as Kafka does.
  // Records with a null value (an empty std::optional) are dropped. Node KSTREAM-JOIN-<n> or
  // KSTREAM-LEFTJOIN-<n> (or Joined's name), connected to the table's stores. The result has
  // this stream's key serde (or Joined's) and no value serde.

  // Inner: joiner(value, table value) or joiner(key, value, table value); a key the table lacks
  // gives nothing, and so does a null key.
  template <typename VO, detail::ValueJoinerOf<K, V, VO> F>
  auto join(const KTable<K, VO>& table, F joiner,
            const Joined<K, V, VO>& joined = Joined<K, V, VO>()) const {
    using VR = detail::JoinerResult<F, K, V, VO>;
    detail::RequireCallable(joiner, "join(): joiner");
    return DoStreamTableJoin<VO, VR>(
        table,
        [joiner = std::move(joiner)](const K& key, const V& value, const std::optional<VO>& other) {
          return VR(detail::CallJoiner(joiner, key, value, *other));
        },
        joined, false);
  }
  // Left: joiner(value, std::optional<VO>) gets nullopt when the table lacks the key (or the
  // record's key is null).
  template <typename VO, detail::ValueJoinerOf<K, V, std::optional<VO>> F>
  auto leftJoin(const KTable<K, VO>& table, F joiner,
                const Joined<K, V, VO>& joined = Joined<K, V, VO>()) const {
    using VR = detail::JoinerResult<F, K, V, std::optional<VO>>;
    detail::RequireCallable(joiner, "leftJoin(): joiner");
    return DoStreamTableJoin<VO, VR>(
        table,
        [joiner = std::move(joiner)](const K& key, const V& value, const std::optional<VO>& other) {
          return VR(detail::CallJoiner(joiner, key, value, other));
        },
        joined, true);
  }

  // --- KStream-GlobalKTable joins (Kafka's KStreamGlobalKTableJoin). Each record of this
  // stream maps itself to a key of `table` with key_selector(key, value) (which may return a
  // std::optional<KT>; nullopt is a null key), looks it up in the table as it is when the record
  // is processed (table updates trigger nothing) and forwards the joiner's result with this
  // record's key and timestamp. Never repartitions: every instance has the whole table. Records
  // with a null value or a null mapped key are dropped (dropped-records-total). Node
  // KSTREAM-JOIN-<n> or KSTREAM-LEFTJOIN-<n> (or Named's), with no store connected. The result
  // has this stream's key serde and no value serde.

  // Inner: joiner(value, table value) or joiner(key, value, table value); a mapped key the
  // table lacks gives nothing.
  template <typename KT, typename VT, detail::KeyValueCallable<K, V> S,
            detail::ValueJoinerOf<K, V, VT> F>
  auto join(const GlobalKTable<KT, VT>& table, S key_selector, F joiner,
            const Named& named = Named()) const {
    using VR = detail::JoinerResult<F, K, V, VT>;
    detail::RequireCallable(joiner, "join(): joiner");
    return DoGlobalTableJoin<KT, VT, VR>(
        table, std::move(key_selector),
        [joiner = std::move(joiner)](const K& key, const V& value, const std::optional<VT>& other) {
          return VR(detail::CallJoiner(joiner, key, value, *other));
        },
        named, false);
  }
  // Left: joiner(value, std::optional<VT>) gets nullopt when the table lacks the mapped key. As
  // in Kafka, a record whose own key is null is joined too (with nullopt when its mapped key is
  // null); another record with a null mapped key is dropped.
  template <typename KT, typename VT, detail::KeyValueCallable<K, V> S,
            detail::ValueJoinerOf<K, V, std::optional<VT>> F>
  auto leftJoin(const GlobalKTable<KT, VT>& table, S key_selector, F joiner,
                const Named& named = Named()) const {
    using VR = detail::JoinerResult<F, K, V, std::optional<VT>>;
    detail::RequireCallable(joiner, "leftJoin(): joiner");
    return DoGlobalTableJoin<KT, VT, VR>(
        table, std::move(key_selector),
        [joiner = std::move(joiner)](const K& key, const V& value, const std::optional<VT>& other) {
          return VR(detail::CallJoiner(joiner, key, value, other));
        },
        named, true);
  }

  // --- KStream-KStream windowed joins (Kafka's KStreamKStreamJoin). A record of this stream at
  // time t joins each record of `other` with the same key and a timestamp in
  // [t - windows.before, t + windows.after], and the other way round; each result has the
  // larger of the two timestamps. Each side keeps its records in a window store retaining
  // duplicates (size before + after, retention size + grace, logged unless StreamJoined says
  // not; names "<KSTREAM-JOINTHIS-n>-store"/"<KSTREAM-JOINOTHER-n>-store", or StreamJoined's
  // store name + "-this-join-store"/"-other-join-store"). A late record joins what the other
  // side's store still retains in its window, as in Kafka: nothing once it is later than the
  // retention behind that store's latest time. Both streams must be co-partitioned
  // (KafkaStreams::start refuses topics of different counts); a key-changed stream is
  // repartitioned first ("<StreamJoined name>-left|right-repartition", else "<its node
  // name>-repartition") into the other side's partition count (both repartitioned: the larger
  // of the two). Nodes as Kafka's: KSTREAM-WINDOWED-<n> twice,
  // KSTREAM-JOINTHIS-<n> (OUTERTHIS for outerJoin), KSTREAM-JOINOTHER-<n> (OUTEROTHER for left
  // and outer joins), KSTREAM-MERGE-<n>.
  //
  // Left and outer joins emit a record without a partner only once its window has closed (the
  // join's stream time past its timestamp + after, or before for the other side, + grace), as
  // joiner(value, nullopt) with its key and timestamp, and not at all if a partner comes first
  // (Kafka 3.1+). Until then it waits in a third store both join processors share:
  // "KSTREAM-OUTERSHARED-<n>-store", or StreamJoined's store name + "-left-shared-join-store"
  // (leftJoin) / "-outer-shared-join-store" (outerJoin); logged as the window stores are.

  // Inner: joiner(value, other value) or joiner(key, value, other value).
  template <typename VO, detail::ValueJoinerOf<K, V, VO> F>
  auto join(const KStream<K, VO>& other, F joiner, const JoinWindows& windows,
            const StreamJoined<K, V, VO>& joined = StreamJoined<K, V, VO>()) const {
    using VR = detail::JoinerResult<F, K, V, VO>;
    detail::RequireCallable(joiner, "join(): joiner");
    return DoStreamStreamJoin<VO, VR>(
        other,
        [joiner = std::move(joiner)](const K& key, const std::optional<V>& value,
                                     const std::optional<VO>& other_value) {
          return VR(detail::CallJoiner(joiner, key, *value, *other_value));
        },
        windows, joined, false, false);
  }
  // Left: also each record of this stream without a partner, as joiner(value, nullopt).
  template <typename VO, detail::ValueJoinerOf<K, V, std::optional<VO>> F>
  auto leftJoin(const KStream<K, VO>& other, F joiner, const JoinWindows& windows,
                const StreamJoined<K, V, VO>& joined = StreamJoined<K, V, VO>()) const {
    using VR = detail::JoinerResult<F, K, V, std::optional<VO>>;
    detail::RequireCallable(joiner, "leftJoin(): joiner");
    return DoStreamStreamJoin<VO, VR>(
        other,
        [joiner = std::move(joiner)](const K& key, const std::optional<V>& value,
                                     const std::optional<VO>& other_value) {
          return VR(detail::CallJoiner(joiner, key, *value, other_value));
        },
        windows, joined, true, false);
  }
  // Outer: records of either stream without a partner too, joiner(std::optional<V>,
  // std::optional<VO>) getting nullopt for the missing side.
  template <typename VO, detail::ValueJoinerOf<K, std::optional<V>, std::optional<VO>> F>
  auto outerJoin(const KStream<K, VO>& other, F joiner, const JoinWindows& windows,
                 const StreamJoined<K, V, VO>& joined = StreamJoined<K, V, VO>()) const {
    using VR = detail::JoinerResult<F, K, std::optional<V>, std::optional<VO>>;
    detail::RequireCallable(joiner, "outerJoin(): joiner");
    return DoStreamStreamJoin<VO, VR>(
        other,
        [joiner = std::move(joiner)](const K& key, const std::optional<V>& value,
                                     const std::optional<VO>& other_value) {
          return VR(detail::CallJoiner(joiner, key, value, other_value));
        },
        windows, joined, true, true);
  }

  // --- For the DSL's own operators (groupByKey, joins, toTable); not needed by applications.

  // The node whose output this stream is.
  const std::string& name() const { return name_; }
  const SerdePtr<K>& keySerde() const { return key_serde_; }
  const SerdePtr<V>& valueSerde() const { return value_serde_; }
  // Kafka's repartitionRequired: a key-changing operator (selectKey, map, flatMap, process)
  // ran since the stream was read or repartitioned, so grouping or joining it by key must
  // repartition first.
  bool repartitionRequired() const { return repartition_required_; }
  // The source nodes this stream's records come from (for co-partitioning checks).
  const std::set<std::string>& subtopologySourceNodes() const { return source_nodes_; }
  detail::InternalStreamsBuilder* builder() const { return builder_; }

 private:
  template <typename, typename>
  friend class KStream;

  // Kafka's KStreamImpl.doJoin and KStreamImplJoin.join.
  template <typename VO, typename VR>
  KStream<K, VR> DoStreamStreamJoin(
      const KStream<K, VO>& other,
      std::function<VR(const K&, const std::optional<V>&, const std::optional<VO>&)> joiner,
      const JoinWindows& windows, const StreamJoined<K, V, VO>& joined, bool left_outer,
      bool right_outer) const {
    namespace p = operators::processors;
    if (other.builder_ != builder_) {
      throw TopologyException("join(): " + other.name_ +
                              " comes from another StreamsBuilder than " + name_);
    }
    const std::optional<std::string>& given = joined.name();
    SerdePtr<K> key_serde = joined.keySerde() ? joined.keySerde() : key_serde_;
    SerdePtr<V> value_serde = joined.valueSerde() ? joined.valueSerde() : value_serde_;
    SerdePtr<VO> other_value_serde =
        joined.otherValueSerde() ? joined.otherValueSerde() : other.value_serde_;
    KStream self = *this;
    KStream<K, VO> that = other;
    if (self.repartition_required_) {
      self = self.repartition(Repartitioned<K, V>::as(given ? *given + "-left" : name_)
                                  .withKeySerde(key_serde)
                                  .withValueSerde(value_serde));
    }
    if (that.repartition_required_) {
      that = that.repartition(Repartitioned<K, VO>::as(given ? *given + "-right" : other.name_)
                                  .withKeySerde(key_serde)
                                  .withValueSerde(other_value_serde));
    }
    const std::string this_suffix = right_outer ? "-outer-this-join" : "-this-join";
    const std::string other_suffix = left_outer ? "-outer-other-join" : "-other-join";
    auto suffixed = [&](const char* suffix, std::string_view prefix) {
      std::string generated = builder_->NewProcessorName(prefix);
      return given ? *given + suffix : generated;
    };
    const std::string this_windowed = suffixed("-this-windowed", detail::node_names::kWindowed);
    const std::string other_windowed = suffixed("-other-windowed", detail::node_names::kWindowed);
    const std::string this_generated = builder_->NewProcessorName(
        right_outer ? detail::node_names::kOuterThis : detail::node_names::kJoinThis);
    const std::string other_generated = builder_->NewProcessorName(
        left_outer ? detail::node_names::kOuterOther : detail::node_names::kJoinOther);
    const std::string this_join = given ? *given + this_suffix : this_generated;
    const std::string other_join = given ? *given + other_suffix : other_generated;
    const std::string merge = suffixed("-merge", detail::node_names::kMerge);
    const std::string this_store =
        (joined.storeName() ? *joined.storeName() + this_suffix : this_generated) + "-store";
    const std::string other_store =
        (joined.storeName() ? *joined.storeName() + other_suffix : other_generated) + "-store";

    // The window stores: every record within before + after, kept size + grace.
    const int64_t retention = windows.size() + windows.gracePeriodMs();
    auto add_store = [&]<typename VS>(const std::string& store, SerdePtr<VS> serde,
                                      const std::string& processor, const std::string& reader) {
      auto builder = Stores::windowStoreBuilder<K, VS>(
          Stores::persistentWindowStore(store, retention, windows.size(), true), key_serde,
          std::move(serde));
      if (joined.loggingEnabled()) {
        builder.withLoggingEnabled(joined.logConfig());
      } else {
        builder.withLoggingDisabled();
      }
      builder_->AddStateStore(builder, {processor, reader});
    };

    AddNode(std::make_shared<detail::FixedKeyProcessorFactory<K, V, V>>(
        this_windowed, std::vector<std::string>{self.name_},
        p::StreamJoinWindowSupplier<K, V>(this_store)));
    AddNode(std::make_shared<detail::FixedKeyProcessorFactory<K, VO, VO>>(
        other_windowed, std::vector<std::string>{that.name_},
        p::StreamJoinWindowSupplier<K, VO>(other_store)));
    auto shared =
        std::make_shared<const typename p::StreamStreamJoinProcessor<K, V, VO, VR, true>::Joiner>(
            joiner);
    auto reversed =
        std::make_shared<const typename p::StreamStreamJoinProcessor<K, VO, V, VR, false>::Joiner>(
            [joiner](const K& key, const std::optional<VO>& value, const std::optional<V>& mine) {
              return joiner(key, mine, value);
            });
    // Left and outer joins keep unjoined records in a store both sides share (Kafka 3.1+,
    // OuterStreamJoinStoreFactory): "<store name>-left-shared-join-store" (left join) or
    // "-outer-shared-join-store" (outer join), else KSTREAM-OUTERSHARED-<the this-join node's
    // number>-store.
    std::string outer_store;
    if (left_outer) {
      outer_store =
          joined.storeName()
              ? *joined.storeName() + (right_outer ? "-outer-shared-join" : "-left-shared-join")
              : std::string(detail::node_names::kOuterShared) +
                    this_generated.substr(right_outer ? detail::node_names::kOuterThis.size()
                                                      : detail::node_names::kJoinThis.size());
      outer_store += "-store";
    }
    auto trackers = std::make_shared<p::JoinTimeTrackerSupplier>();
    typename p::StreamStreamJoinProcessor<K, V, VO, VR, true>::Params this_params;
    this_params.other_store = other_store;
    this_params.before_ms = windows.beforeMs();
    this_params.after_ms = windows.afterMs();
    this_params.grace_ms = windows.gracePeriodMs();
    this_params.windows_before_ms = windows.beforeMs();
    this_params.windows_after_ms = windows.afterMs();
    this_params.outer = left_outer;
    this_params.outer_store = outer_store;
    typename p::StreamStreamJoinProcessor<K, VO, V, VR, false>::Params other_params;
    other_params.other_store = this_store;
    other_params.before_ms = windows.afterMs();
    other_params.after_ms = windows.beforeMs();
    other_params.grace_ms = windows.gracePeriodMs();
    other_params.windows_before_ms = windows.beforeMs();
    other_params.windows_after_ms = windows.afterMs();
    other_params.outer = right_outer;
    other_params.outer_store = outer_store;
    AddNode(std::make_shared<detail::ProcessorFactory<K, V, K, VR>>(
        this_join, std::vector<std::string>{this_windowed},
        p::StreamStreamJoinSupplier<K, V, VO, VR, true>(this_params, shared, trackers)));
    AddNode(std::make_shared<detail::ProcessorFactory<K, VO, K, VR>>(
        other_join, std::vector<std::string>{other_windowed},
        p::StreamStreamJoinSupplier<K, VO, V, VR, false>(other_params, reversed, trackers)));
    AddNode(std::make_shared<detail::ProcessorFactory<K, VR, K, VR>>(
        merge, std::vector<std::string>{this_join, other_join},
        operators::processors::PassThroughSupplier<K, VR>()));
    add_store(this_store, value_serde, this_windowed, other_join);
    add_store(other_store, other_value_serde, other_windowed, this_join);
    if (left_outer) {
      p::OuterJoinStoreBuilder<K, V, VO> builder(Stores::persistentKeyValueStore(outer_store),
                                                 key_serde, value_serde, other_value_serde);
      if (joined.loggingEnabled()) {
        builder.withLoggingEnabled(joined.logConfig());
      } else {
        builder.withLoggingDisabled();
      }
      builder_->AddStateStore(builder, {this_join, other_join});
    }

    std::set<std::string> sources = self.source_nodes_;
    sources.insert(that.source_nodes_.begin(), that.source_nodes_.end());
    return KStream<K, VR>(builder_, merge, key_serde, nullptr, std::move(sources), false);
  }

  // Kafka's KStreamImpl.join(KTable) and doStreamTableJoin.
  template <typename VO, typename VR>
  KStream<K, VR> DoStreamTableJoin(
      const KTable<K, VO>& table,
      typename operators::processors::StreamTableJoinProcessor<K, V, VO, VR>::Joiner joiner,
      const Joined<K, V, VO>& joined, bool left_join) const {
    if (table.builder() != builder_) {
      throw TopologyException("join(): " + table.name() +
                              " comes from another StreamsBuilder than " + name_);
    }
    if (repartition_required_) {
      KStream repartitioned = repartition(
          Repartitioned<K, V>::as(joined.name() ? *joined.name() : name_)
              .withKeySerde(joined.keySerde() ? joined.keySerde() : key_serde_)
              .withValueSerde(joined.valueSerde() ? joined.valueSerde() : value_serde_));
      return repartitioned.template DoStreamTableJoin<VO, VR>(table, std::move(joiner), joined,
                                                              left_join);
    }
    auto getter = table.valueGetterSupplier();
    const std::string name = builder_->NameOrGenerate(
        joined.name() ? Named::as(*joined.name()) : Named(),
        left_join ? detail::node_names::kLeftJoin : detail::node_names::kJoin);
    auto node = std::make_shared<detail::FixedKeyProcessorFactory<K, V, VR>>(
        name, std::vector<std::string>{name_},
        operators::processors::StreamTableJoinSupplier<K, V, VO, VR>(getter, std::move(joiner),
                                                                     left_join));
    node->stores = getter->store_names;
    AddNode(std::move(node));
    std::set<std::string> sources = source_nodes_;
    sources.insert(table.subtopologySourceNodes().begin(), table.subtopologySourceNodes().end());
    return KStream<K, VR>(builder_, name, joined.keySerde() ? joined.keySerde() : key_serde_,
                          nullptr, std::move(sources), false);
  }

  template <typename KT, typename VT, typename VR, typename S>
  KStream<K, VR> DoGlobalTableJoin(
      const GlobalKTable<KT, VT>& table, S key_selector,
      typename operators::processors::StreamGlobalTableJoinProcessor<K, V, KT, VT, VR>::Joiner
          joiner,
      const Named& named, bool left_join) const {
    if (table.builder() != builder_) {
      throw TopologyException("join(): global table " + table.storeName() +
                              " comes from another StreamsBuilder than " + name_);
    }
    detail::RequireCallable(key_selector, left_join ? "leftJoin(): key selector"
                                                    : "join(): key selector");
    const std::string name = builder_->NameOrGenerate(
        named, left_join ? detail::node_names::kLeftJoin : detail::node_names::kJoin);
    AddFixedKeyProcessor<VR>(
        name, operators::processors::StreamGlobalTableJoinSupplier<K, V, KT, VT, VR>(
                  table.valueGetterSupplier(),
                  [key_selector = std::move(key_selector)](const K& key,
                                                           const V& value) -> std::optional<KT> {
                    return key_selector(key, value);
                  },
                  std::move(joiner), left_join));
    return KStream<K, VR>(builder_, name, key_serde_, nullptr, source_nodes_,
                          repartition_required_);
  }

  template <typename P>
  KStream Filter(P predicate, const Named& named, bool negate) const {
    detail::RequireCallable(predicate, negate ? "filterNot(): predicate" : "filter(): predicate");
    const std::string name = builder_->NameOrGenerate(named, detail::node_names::kFilter);
    AddFixedKeyProcessor<V>(
        name, operators::processors::FilterSupplier<K, V>(
                  [predicate = std::move(predicate)](const K& key, const V& value) -> bool {
                    return predicate(key, value);
                  },
                  negate));
    return KStream(builder_, name, key_serde_, value_serde_, source_nodes_, repartition_required_);
  }

  void AddNode(std::shared_ptr<detail::NodeFactory> node) const {
    builder_->AddNode(std::move(node));
  }
  template <typename KIn, typename VIn, typename KOut, typename VOut>
  void AddProcessor(const std::string& name,
                    ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) const {
    AddNode(std::make_shared<detail::ProcessorFactory<KIn, VIn, KOut, VOut>>(
        name, std::vector<std::string>{name_}, std::move(supplier)));
  }
  template <typename VOut>
  void AddFixedKeyProcessor(const std::string& name,
                            FixedKeyProcessorSupplier<K, V, VOut> supplier) const {
    AddNode(std::make_shared<detail::FixedKeyProcessorFactory<K, V, VOut>>(
        name, std::vector<std::string>{name_}, std::move(supplier)));
  }
  void AddSink(const std::string& topic, TopicNameExtractor<K, V> extractor,
               const Produced<K, V>& produced) const {
    const std::string name = builder_->NameOrGenerate(produced.named(), detail::node_names::kSink);
    AddNode(std::make_shared<detail::SinkFactory<K, V>>(
        name, std::vector<std::string>{name_}, topic, std::move(extractor),
        produced.keySerde() ? produced.keySerde() : key_serde_,
        produced.valueSerde() ? produced.valueSerde() : value_serde_));
  }

  detail::InternalStreamsBuilder* builder_;
  std::string name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  std::set<std::string> source_nodes_;
  bool repartition_required_;
};

}  // namespace brook::streams

#include "operators/dsl/branched_kstream.h"       // IWYU pragma: export (split() returns one)
#include "operators/dsl/kgrouped_stream.h"        // IWYU pragma: export (groupBy returns one)
#include "operators/dsl/ktable.h"                 // IWYU pragma: export
#include "operators/dsl/time_windowed_kstream.h"  // IWYU pragma: export
