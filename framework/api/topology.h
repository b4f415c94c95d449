#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/api/detail/typed_nodes.h"
#include "framework/api/topology_description.h"
#include "statestore/api/store_builder.h"

namespace brook::framework::topology {
class TopologyBuilder;
}

namespace brook::streams {

// A topic regex for addSource (Kafka's Pattern): the source reads every topic whose whole name
// matches (ECMAScript syntax). Made with TopicPattern::compile("orders-.*"), as Java's
// Pattern.compile; no implicit conversion, so a brace list of topic names never means a pattern.
class TopicPattern {
 public:
  static TopicPattern compile(std::string regex) { return TopicPattern(Tag{}, std::move(regex)); }
  const std::string& regex() const { return regex_; }

 private:
  struct Tag {};
  TopicPattern(Tag, std::string regex) : regex_(std::move(regex)) {}
  std::string regex_;
};

// A graph of sources, processors and sinks (Kafka Streams' Topology), built with the Processor
// API below or by StreamsBuilder::build(). Node names are unique; parents and stores are named
// and may be added in any order: everything is checked when the topology is built (by
// KafkaStreams, TopologyTestDriver or describe()), which throws TopologyException with the
// problem spelled out.
//
//   Topology topology;
//   topology.addSource<std::string, std::string>("src", {"in"}, Serdes::String(), Serdes::String())
//       .addProcessor<std::string, std::string, std::string, int64_t>("len", lengths, {"src"})
//       .addSink<std::string, int64_t>("out", "lengths", Serdes::String(), Serdes::Int64(), {"len"});
//
// Serdes left null come from StreamsConfig's default.key.serde / default.value.serde.
// Thread safety: build on one thread before starting; a started app does not read it again.
class Topology {
 public:
  Topology();
  ~Topology();
  Topology(Topology&&) noexcept;
  Topology& operator=(Topology&&) noexcept;

  template <typename K, typename V>
  Topology& addSource(const std::string& name, std::vector<std::string> topics,
                      SerdePtr<K> key_serde = nullptr, SerdePtr<V> value_serde = nullptr,
                      TimestampExtractor<K, V> extractor = {}) {
    auto node = std::make_shared<detail::SourceFactory<K, V>>(name, std::move(key_serde),
                                                              std::move(value_serde),
                                                              std::move(extractor));
    node->topics = std::move(topics);
    return addNodeFactory(std::move(node));
  }
  template <typename K, typename V>
  Topology& addSource(const std::string& name, TopicPattern pattern,
                      SerdePtr<K> key_serde = nullptr, SerdePtr<V> value_serde = nullptr,
                      TimestampExtractor<K, V> extractor = {}) {
    auto node = std::make_shared<detail::SourceFactory<K, V>>(name, std::move(key_serde),
                                                              std::move(value_serde),
                                                              std::move(extractor));
    node->topic_pattern = pattern.regex();
    return addNodeFactory(std::move(node));
  }
  template <typename KIn, typename VIn, typename KOut, typename VOut>
  Topology& addProcessor(const std::string& name, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier,
                         std::vector<std::string> parents,
                         std::vector<std::string> stores = {}) {
    auto node = std::make_shared<detail::ProcessorFactory<KIn, VIn, KOut, VOut>>(
        name, std::move(parents), std::move(supplier));
    node->stores = std::move(stores);
    return addNodeFactory(std::move(node));
  }
  template <typename K, typename V>
  Topology& addSink(const std::string& name, std::string topic, SerdePtr<K> key_serde,
                    SerdePtr<V> value_serde, std::vector<std::string> parents) {
    return addNodeFactory(std::make_shared<detail::SinkFactory<K, V>>(
        name, std::move(parents), std::move(topic), TopicNameExtractor<K, V>{},
        std::move(key_serde), std::move(value_serde)));
  }
  template <typename K, typename V>
  Topology& addSink(const std::string& name, TopicNameExtractor<K, V> extractor,
                    SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                    std::vector<std::string> parents) {
    return addNodeFactory(std::make_shared<detail::SinkFactory<K, V>>(
        name, std::move(parents), std::string(), std::move(extractor), std::move(key_serde),
        std::move(value_serde)));
  }
  // Adds a state store made by `builder` (a copy is kept: later changes to `builder` do not
  // count) and connects it to the processors `processor_names` (Kafka's addStateStore). Each
  // task of the sub-topology that uses the store gets its own instance, restored from the
  // changelog "<application.id>-<name>-changelog" when the builder logs. Throws
  // TopologyException when another store has the same name; unknown processor names are
  // reported when the topology is built.
  Topology& addStateStore(const AbstractStoreBuilder& builder,
                          std::vector<std::string> processor_names = {});
  // Adds a global store (Kafka's addGlobalStore): every instance keeps a full copy of the
  // store, fed with every partition of `topic` (which is the store's changelog: `builder` must
  // have logging disabled, else TopologyException). The source `source_name` reads the topic
  // and hands each record to the processor `processor_name` made by `supplier`, which writes
  // the store; KafkaStreams restores the store by replaying the topic through it before the
  // stream threads start, then keeps it up to date on a global thread, and the test driver
  // updates it as soon as a record is piped to the topic. Any processor may read the store by
  // name (ProcessingContext::getStateStore) without being connected to it, read-only.
  template <typename K, typename V>
  Topology& addGlobalStore(const AbstractStoreBuilder& builder, const std::string& source_name,
                           SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                           const std::string& topic, const std::string& processor_name,
                           ProcessorSupplier<K, V, Void, Void> supplier,
                           TimestampExtractor<K, V> extractor = {}) {
    auto source = std::make_shared<detail::SourceFactory<K, V>>(
        source_name, std::move(key_serde), std::move(value_serde), std::move(extractor));
    source->topics = {topic};
    auto processor = std::make_shared<detail::ProcessorFactory<K, V, Void, Void>>(
        processor_name, std::vector<std::string>{source_name}, std::move(supplier));
    return addGlobalStoreNodes(builder, std::move(source), std::move(processor));
  }
  // Gives `processor` access to `stores` (checked at build).
  Topology& connectProcessorAndStateStores(const std::string& processor,
                                           std::vector<std::string> stores);

  // Kafka Streams' description: describe().toString() is its text form. Internal topic names
  // carry no application id here; KafkaStreams logs the decorated form at start.
  TopologyDescription describe() const;
  // The topology as a Graphviz DOT digraph: one cluster per sub-topology and per global store
  // ("Sub-topology: N for global store"), topics as ellipses, processors as boxes, stores as
  // cylinders.
  std::string toDot() const;

  // For the DSL and the runtime; not needed by applications.
  Topology& addNodeFactory(std::shared_ptr<detail::NodeFactory> node);
  Topology& addGlobalStoreNodes(const AbstractStoreBuilder& builder,
                                std::shared_ptr<detail::NodeFactory> source,
                                std::shared_ptr<detail::NodeFactory> processor);
  framework::topology::TopologyBuilder& builder() { return *builder_; }
  const framework::topology::TopologyBuilder& builder() const { return *builder_; }

 private:
  std::unique_ptr<framework::topology::TopologyBuilder> builder_;
};

}  // namespace brook::streams
