#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "framework/api/detail/typed_nodes.h"
#include "operators/dsl/change.h"
#include "operators/dsl/changed_serde.h"

namespace brook::streams::detail {

// The sink and source of KTable::groupBy's repartition topic (Kafka Streams'
// GroupedTableOperationRepartitionNode): Change<V> records written and read with ChangedSerde
// over the value serde. Serdes left null come from the defaults of type K and V (Kafka's
// ChangedSerializer.setIfUnset), so the wrapped serde is made when the topology is built. The
// topic is internal: "<application.id>-<topic>" at run time. No timestamp extractor: records
// keep the timestamp they were written with.
template <typename K, typename V>
class ChangeRepartitionSinkFactory final : public NodeFactory {
 public:
  ChangeRepartitionSinkFactory(std::string name, std::string parent, std::string topic,
                               SerdePtr<K> key_serde, SerdePtr<V> value_serde)
      : NodeFactory(NodeKind::kSink, std::move(name), {std::move(parent)}),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {
    topics = {std::move(topic)};
    internal_topic = true;
  }

  std::optional<RecordTypes> input_types() const override { return TypesOf<K, Change<V>>(); }
  std::optional<RecordTypes> output_types() const override { return std::nullopt; }
  std::shared_ptr<NodeFactory> WithSerdes(const SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<ChangeRepartitionSinkFactory>(*this);
    copy->key_serde_ = ResolveSerde(key_serde_, defaults.key, name(), "key");
    copy->value_serde_ = ResolveSerde(value_serde_, defaults.value, name(), "value");
    return copy;
  }
  std::unique_ptr<NodeInstance> Create(const std::string& topic_prefix) const override {
    return std::make_unique<SinkNode<K, Change<V>>>(
        name(), topic_prefix + topics.front(), TopicNameExtractor<K, Change<V>>{}, key_serde_,
        std::make_shared<ChangedSerde<V>>(value_serde_));
  }

 private:
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
};

template <typename K, typename V>
class ChangeRepartitionSourceFactory final : public NodeFactory {
 public:
  ChangeRepartitionSourceFactory(std::string name, std::string topic, SerdePtr<K> key_serde,
                                 SerdePtr<V> value_serde)
      : NodeFactory(NodeKind::kSource, std::move(name), {}),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {
    topics = {std::move(topic)};
    internal_topic = true;
  }

  std::optional<RecordTypes> input_types() const override { return std::nullopt; }
  std::optional<RecordTypes> output_types() const override { return TypesOf<K, Change<V>>(); }
  std::shared_ptr<NodeFactory> WithSerdes(const SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<ChangeRepartitionSourceFactory>(*this);
    copy->key_serde_ = ResolveSerde(key_serde_, defaults.key, name(), "key");
    copy->value_serde_ = ResolveSerde(value_serde_, defaults.value, name(), "value");
    return copy;
  }
  std::unique_ptr<NodeInstance> Create(const std::string&) const override {
    return std::make_unique<SourceNode<K, Change<V>>>(
        name(), key_serde_, std::make_shared<ChangedSerde<V>>(value_serde_),
        TimestampExtractor<K, Change<V>>{});
  }

 private:
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
};

}  // namespace brook::streams::detail
