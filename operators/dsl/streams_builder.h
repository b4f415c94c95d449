#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/api/detail/typed_nodes.h"
#include "framework/api/topology.h"
#include "operators/dsl/consumed.h"
#include "operators/dsl/global_ktable.h"
#include "operators/dsl/internal_streams_builder.h"
#include "operators/dsl/kstream.h"
#include "operators/dsl/materialized.h"
#include "operators/dsl/node_names.h"
#include "operators/dsl/store_builders.h"
#include "operators/dsl/table_source_factory.h"
#include "operators/processors/table_source.h"
#include "operators/processors/table_value_getter.h"

namespace brook::streams {

// Starts DSL programs and turns them into a Topology (Kafka Streams' StreamsBuilder).
//
//   StreamsBuilder builder;
//   KStream<std::string, std::string> orders = builder.stream(
//       "orders", Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()));
//   orders.filter(is_paid).to("paid-orders");
//   TopologyTestDriver driver(builder.build());
//
// Generated node names use one counter per builder, shared by every operator, as in Kafka
// Streams (KSTREAM-SOURCE-0000000000, KSTREAM-FILTER-0000000001, ...). Operators are written
// into the topology as they are called (see InternalStreamsBuilder).
//
// Lifetime: every KStream refers to its builder, which must outlive them; moving the builder
// keeps them valid. Thread safety: not thread-safe; build a program on one thread.
class StreamsBuilder {
 public:
  StreamsBuilder();
  ~StreamsBuilder();
  StreamsBuilder(StreamsBuilder&&) noexcept;
  StreamsBuilder& operator=(StreamsBuilder&&) noexcept;

  // A stream of the records of `topic` (or `topics`, as they arrive). Source node
  // KSTREAM-SOURCE-<n>, or Consumed's name. A second stream() of exactly the same topics (in any
  // order) shares the first one's source node, as Kafka's topology does; it must read the same
  // types, and that node's serdes and timestamp extractor are the ones used. Topics overlapping
  // another stream()'s without being equal throw TopologyException.
  template <typename K, typename V>
  KStream<K, V> stream(const std::string& topic,
                       const Consumed<K, V>& consumed = Consumed<K, V>()) {
    return stream(std::vector<std::string>{topic}, consumed);
  }
  template <typename K, typename V>
  KStream<K, V> stream(std::initializer_list<std::string> topics,
                       const Consumed<K, V>& consumed = Consumed<K, V>()) {
    return stream(std::vector<std::string>(topics), consumed);
  }
  template <typename K, typename V>
  KStream<K, V> stream(const std::vector<std::string>& topics,
                       const Consumed<K, V>& consumed = Consumed<K, V>()) {
    const std::string name =
        internal_->NameOrGenerate(consumed.named(), detail::node_names::kSource);
    if (auto existing = internal_->ExistingSource(topics, detail::TypesOf<K, V>())) {
      return KStream<K, V>(internal_.get(), *existing, consumed.keySerde(), consumed.valueSerde(),
                           {*existing}, false);
    }
    auto node = MakeSource(name, consumed);
    node->topics = topics;
    internal_->AddNode(node);
    internal_->RememberSource(name, topics, std::nullopt, detail::TypesOf<K, V>());
    return KStream<K, V>(internal_.get(), name, consumed.keySerde(), consumed.valueSerde(), {name},
                         false);
  }
  // A stream of every topic whose whole name matches `pattern` (ECMAScript regex).
  template <typename K, typename V>
  KStream<K, V> stream(const TopicPattern& pattern,
                       const Consumed<K, V>& consumed = Consumed<K, V>()) {
    const std::string name =
        internal_->NameOrGenerate(consumed.named(), detail::node_names::kSource);
    if (auto existing =
            internal_->ExistingPatternSource(pattern.regex(), detail::TypesOf<K, V>())) {
      return KStream<K, V>(internal_.get(), *existing, consumed.keySerde(), consumed.valueSerde(),
                           {*existing}, false);
    }
    auto node = MakeSource(name, consumed);
    node->topic_pattern = pattern.regex();
    internal_->AddNode(node);
    internal_->RememberSource(name, {}, pattern.regex(), detail::TypesOf<K, V>());
    return KStream<K, V>(internal_.get(), name, consumed.keySerde(), consumed.valueSerde(), {name},
                         false);
  }

  // The topic read as a table (Kafka Streams' StreamsBuilder::table): each record is its key's
  // latest value and a record with a null value (a tombstone) deletes the key; records with a
  // null key are dropped. Values are read through Serdes::Optional of the value serde, so a
  // tombstone is told apart from an empty value. The table is kept in a timestamped key-value
  // store (Materialized's name, else "<topic>-STATE-STORE-<n>") with its own changelog
  // "<application.id>-<store>-changelog" (Kafka's layout without the source-topic-changelog
  // optimization). Serdes: Consumed's, else Materialized's, else the defaults.
  // Nodes: the source KSTREAM-SOURCE-<n> and the processor KTABLE-SOURCE-<n> (with a
  // Consumed name N: "N-source" and "N"). The topic cannot also be read by stream().
  template <typename K, typename V>
  KTable<K, V> table(const std::string& topic, const Consumed<K, V>& consumed,
                     const Materialized<K, V>& materialized) {
    auto [m, store, queryable, source_name, table_name] =
        PrepareTableSource("table()", topic, consumed, materialized);
    internal_->AddNode(std::make_shared<detail::TableSourceNodeFactory<K, V>>(
        source_name, topic, m.keySerde(), m.valueSerde(), consumed.timestampExtractor()));
    internal_->RememberSource(source_name, {topic}, std::nullopt,
                              detail::TypesOf<K, std::optional<V>>());
    auto node = std::make_shared<detail::TableNode>();
    internal_->AddNode(
        std::make_shared<detail::ProcessorFactory<K, std::optional<V>, K, Change<V>>>(
            table_name, std::vector<std::string>{source_name},
            operators::processors::TableSourceSupplier<K, V>(store, node->send_old_values)));
    internal_->AddStateStore(*detail::TimestampedKeyValueStoreFor(store, m), {table_name});
    return KTable<K, V>(internal_.get(), table_name, m.keySerde(), m.valueSerde(), {source_name},
                        queryable ? std::optional<std::string>(store) : std::nullopt,
                        std::move(node),
                        operators::processors::StoreValueGetterSupplier<K, V>(store));
  }
  template <typename K, typename V>
  KTable<K, V> table(const std::string& topic, const Consumed<K, V>& consumed = Consumed<K, V>()) {
    return table(topic, consumed, Materialized<K, V>());
  }
  template <typename K, typename V>
  KTable<K, V> table(const std::string& topic, const Materialized<K, V>& materialized) {
    return table(topic, Consumed<K, V>(), materialized);
  }

  // The topic read as a global table (Kafka Streams' StreamsBuilder::globalTable): every
  // instance keeps every partition of the topic in one timestamped key-value store (Materialized's
  // name, else "<topic>-STATE-STORE-<n>"), latest value per key, a null value (tombstone)
  // deleting the key, null keys dropped. The topic itself is the store's changelog: Materialized's
  // logging is turned off and no changelog topic is made. KafkaStreams fills the store from the
  // topic before its stream threads process anything and keeps it up to date on a global thread;
  // the test driver applies a record piped to the topic at once. Serdes: Consumed's, else
  // Materialized's, else the defaults. Nodes, in a sub-topology "for global store": the source
  // KSTREAM-SOURCE-<n> and the processor KTABLE-SOURCE-<n> (with a Consumed name N: "N-source"
  // and "N"). The topic cannot also be read by another source.
  template <typename K, typename V>
  GlobalKTable<K, V> globalTable(const std::string& topic, const Consumed<K, V>& consumed,
                                 const Materialized<K, V>& materialized) {
    auto [m, store, queryable, source_name, table_name] = PrepareTableSource(
        "globalTable()", topic, consumed, materialized.withLoggingDisabled());
    internal_->AddGlobalStore(
        *detail::TimestampedKeyValueStoreFor(store, m),
        std::make_shared<detail::TableSourceNodeFactory<K, V>>(
            source_name, topic, m.keySerde(), m.valueSerde(), consumed.timestampExtractor()),
        std::make_shared<detail::ProcessorFactory<K, std::optional<V>, K, Change<V>>>(
            table_name, std::vector<std::string>{source_name},
            operators::processors::TableSourceSupplier<K, V>(store,
                                                             std::make_shared<const bool>(false))));
    internal_->RememberSource(source_name, {topic}, std::nullopt,
                              detail::TypesOf<K, std::optional<V>>());
    return GlobalKTable<K, V>(internal_.get(), store,
                              queryable ? std::optional<std::string>(store) : std::nullopt);
  }
  template <typename K, typename V>
  GlobalKTable<K, V> globalTable(const std::string& topic,
                                 const Consumed<K, V>& consumed = Consumed<K, V>()) {
    return globalTable(topic, consumed, Materialized<K, V>());
  }
  template <typename K, typename V>
  GlobalKTable<K, V> globalTable(const std::string& topic, const Materialized<K, V>& materialized) {
    return globalTable(topic, Consumed<K, V>(), materialized);
  }

  // The topology of everything built so far. Call it once, after the program: the builder and
  // its streams cannot add anything afterwards (StreamsException).
  Topology build();

  // For the DSL's own classes; not needed by applications.
  detail::InternalStreamsBuilder& internal() { return *internal_; }

 private:
  // What table() and globalTable() work out before adding their nodes.
  template <typename K, typename V>
  struct TableSource {
    Materialized<K, V> materialized;  // with Consumed's serdes
    std::string store;
    bool queryable;  // the store was named
    std::string source_name;
    std::string table_name;
  };
  // Consumed's serdes over Materialized's, the store name (Materialized's, else
  // "<topic>-STATE-STORE-<n>"), the node names (Consumed's name N gives "N-source" and "N"),
  // and the check that no other source reads the topic (TopologyException naming `caller`).
  template <typename K, typename V>
  TableSource<K, V> PrepareTableSource(const std::string& caller, const std::string& topic,
                                       const Consumed<K, V>& consumed,
                                       const Materialized<K, V>& materialized) {
    Materialized<K, V> m = materialized;
    if (consumed.keySerde()) m = m.withKeySerde(consumed.keySerde());
    if (consumed.valueSerde()) m = m.withValueSerde(consumed.valueSerde());
    const bool queryable = m.storeName().has_value();
    std::string store = queryable ? *m.storeName() : internal_->NewStoreName(topic + "-");
    const std::optional<std::string>& given = consumed.named().name();
    std::string source_name = internal_->NewProcessorName(detail::node_names::kSource);
    if (given) source_name = *given + "-source";
    std::string table_name =
        internal_->NameOrGenerate(consumed.named(), detail::node_names::kTableSource);
    if (internal_->ExistingSource({topic}, detail::TypesOf<K, std::optional<V>>())) {
      throw TopologyException(caller + ": topic " + topic + " is already read by another source");
    }
    return {std::move(m), std::move(store), queryable, std::move(source_name),
            std::move(table_name)};
  }

  template <typename K, typename V>
  static std::shared_ptr<detail::SourceFactory<K, V>> MakeSource(const std::string& name,
                                                                 const Consumed<K, V>& consumed) {
    return std::make_shared<detail::SourceFactory<K, V>>(
        name, consumed.keySerde(), consumed.valueSerde(), consumed.timestampExtractor());
  }

  std::unique_ptr<detail::InternalStreamsBuilder> internal_;
};

}  // namespace brook::streams
