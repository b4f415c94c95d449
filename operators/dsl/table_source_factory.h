#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/detail/typed_nodes.h"
#include "framework/api/serdes.h"
#include "framework/api/timestamp_extractor.h"

namespace brook::streams::detail {

// The source node of StreamsBuilder::table: reads the topic's values through
// Serdes::Optional(value serde), so a Kafka null (a tombstone) reaches the table source as
// nullopt instead of "" or a deserialization error. Serdes missing from Consumed come from the
// defaults of type K and V. A timestamp extractor sees the records that have a value; a
// tombstone keeps its own timestamp.
template <typename K, typename V>
class TableSourceNodeFactory final : public NodeFactory {
 public:
  TableSourceNodeFactory(std::string name, std::string topic, SerdePtr<K> key_serde,
                         SerdePtr<V> value_serde, TimestampExtractor<K, V> extractor)
      : NodeFactory(NodeKind::kSource, std::move(name), {}),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        extractor_(std::move(extractor)) {
    topics = {std::move(topic)};
  }

  std::optional<RecordTypes> input_types() const override { return std::nullopt; }
  std::optional<RecordTypes> output_types() const override {
    return TypesOf<K, std::optional<V>>();
  }
  std::shared_ptr<NodeFactory> WithSerdes(const SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<TableSourceNodeFactory>(*this);
    copy->key_serde_ = ResolveSerde(key_serde_, defaults.key, name(), "key");
    copy->value_serde_ = ResolveSerde(value_serde_, defaults.value, name(), "value");
    return copy;
  }
  std::unique_ptr<NodeInstance> Create(const std::string&) const override {
    TimestampExtractor<K, std::optional<V>> extractor;
    if (extractor_) {
      extractor = [inner = extractor_](const Record<K, std::optional<V>>& record,
                                       int64_t partition_time) -> int64_t {
        if (!record.value()) return record.timestamp();
        return inner(
            Record<K, V>(record.key(), *record.value(), record.timestamp(), record.headers()),
            partition_time);
      };
    }
    return std::make_unique<SourceNode<K, std::optional<V>>>(
        name(), key_serde_, Serdes::Optional(value_serde_), std::move(extractor));
  }

 private:
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  TimestampExtractor<K, V> extractor_;
};

}  // namespace brook::streams::detail
