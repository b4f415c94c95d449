#pragma once

#include <memory>
#include <string>
#include <utility>

#include "framework/api/detail/node_factory.h"
#include "framework/api/errors.h"
#include "framework/api/processor.h"
#include "framework/api/serde.h"
#include "framework/api/timestamp_extractor.h"

// The typed node templates behind Topology::add* and the DSL: each turns the erased calls of
// the runtime (detail/node.h) into calls of a typed Processor, Serde or extractor.
namespace brook::streams::detail {

template <typename KIn, typename VIn, typename KOut, typename VOut>
class ProcessorNode final : public NodeInstance {
 public:
  ProcessorNode(std::string name, std::unique_ptr<Processor<KIn, VIn, KOut, VOut>> processor)
      : NodeInstance(std::move(name)), processor_(std::move(processor)) {}

  void Init(std::unique_ptr<NodeContext> context) override {
    NodeInstance::Init(std::move(context));
    typed_context_.emplace(context_.get());
    processor_->init(*typed_context_);
  }
  void Process(const void* record) override {
    processor_->process(*static_cast<const Record<KIn, VIn>*>(record));
  }
  void Close() override { processor_->close(); }

 private:
  std::unique_ptr<Processor<KIn, VIn, KOut, VOut>> processor_;
  std::optional<ProcessorContext<KOut, VOut>> typed_context_;
};

template <typename K, typename VIn, typename VOut>
class FixedKeyProcessorNode final : public NodeInstance {
 public:
  FixedKeyProcessorNode(std::string name, std::unique_ptr<FixedKeyProcessor<K, VIn, VOut>> processor)
      : NodeInstance(std::move(name)), processor_(std::move(processor)) {}

  void Init(std::unique_ptr<NodeContext> context) override {
    NodeInstance::Init(std::move(context));
    typed_context_.emplace(context_.get());
    processor_->init(*typed_context_);
  }
  void Process(const void* record) override {
    processor_->process(
        FixedKeyRecord<K, VIn>::FromRecord(*static_cast<const Record<K, VIn>*>(record)));
  }
  void Close() override { processor_->close(); }

 private:
  std::unique_ptr<FixedKeyProcessor<K, VIn, VOut>> processor_;
  std::optional<FixedKeyProcessorContext<K, VOut>> typed_context_;
};

template <typename K, typename V>
class SourceNode final : public SourceInstance {
 public:
  SourceNode(std::string name, SerdePtr<K> key_serde, SerdePtr<V> value_serde,
             TimestampExtractor<K, V> extractor)
      : SourceInstance(std::move(name)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        extractor_(std::move(extractor)) {}

  int64_t ExtractTimestamp(const RawRecord& raw, int64_t partition_time) override {
    if (!extractor_) return raw.timestamp;
    const Record<K, V> record = Deserialize(raw, raw.timestamp);
    try {
      return extractor_(record, partition_time);
    } catch (const std::exception& e) {
      throw DeserializationFailure(std::string("timestamp extractor failed: ") + e.what());
    }
  }
  void ProcessRaw(const RawRecord& raw, int64_t timestamp) override {
    const Record<K, V> record = Deserialize(raw, timestamp);
    context_->Forward(&record);
  }

 private:
  Record<K, V> Deserialize(const RawRecord& raw, int64_t timestamp) const {
    std::optional<K> key;
    try {
      key.emplace(key_serde_->deserialize(raw.topic, raw.key));
    } catch (const std::exception& e) {
      throw DeserializationFailure(std::string("key: ") + e.what());
    }
    try {
      return Record<K, V>(std::move(*key), value_serde_->deserialize(raw.topic, raw.value),
                          timestamp, raw.headers);
    } catch (const std::exception& e) {
      throw DeserializationFailure(std::string("value: ") + e.what());
    }
  }

  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  TimestampExtractor<K, V> extractor_;
};

template <typename K, typename V>
class SinkNode final : public NodeInstance {
 public:
  SinkNode(std::string name, std::string topic, TopicNameExtractor<K, V> extractor,
           SerdePtr<K> key_serde, SerdePtr<V> value_serde)
      : NodeInstance(std::move(name)),
        topic_(std::move(topic)),
        extractor_(std::move(extractor)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}

  void Process(const void* erased) override {
    const auto& record = *static_cast<const Record<K, V>*>(erased);
    TaskContext& task = context_->task();
    std::string extracted;
    std::string_view topic = topic_;
    if (extractor_) {
      const RecordMetadata* metadata = task.record_metadata();
      RecordContext record_context;
      if (metadata != nullptr) {
        record_context.topic = metadata->topic;
        record_context.partition = metadata->partition;
        record_context.offset = metadata->offset;
      }
      record_context.timestamp = record.timestamp();
      record_context.headers = &record.headers();
      extracted = extractor_(record.key(), record.value(), record_context);
      topic = extracted;
    }
    key_buffer_.clear();
    value_buffer_.clear();
    OutgoingRecord out;
    out.topic = topic;
    try {
      if (key_serde_->serialize(topic, record.key(), key_buffer_)) out.key = key_buffer_;
    } catch (const std::exception& e) {
      throw SerializationFailure(std::string(topic), "sink " + name() + " could not write a key for " +
                                 std::string(topic) + ": " + e.what());
    }
    try {
      if (value_serde_->serialize(topic, record.value(), value_buffer_)) out.value = value_buffer_;
    } catch (const std::exception& e) {
      throw SerializationFailure(std::string(topic), "sink " + name() + " could not write a value for " +
                                 std::string(topic) + ": " + e.what());
    }
    out.timestamp = record.timestamp();
    out.headers = &record.headers();
    task.Send(out);
  }

 private:
  std::string topic_;
  TopicNameExtractor<K, V> extractor_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  std::string key_buffer_;
  std::string value_buffer_;
};

// --- factories -------------------------------------------------------------------------------

template <typename KIn, typename VIn, typename KOut, typename VOut>
class ProcessorFactory final : public NodeFactory {
 public:
  ProcessorFactory(std::string name, std::vector<std::string> parents,
                   ProcessorSupplier<KIn, VIn, KOut, VOut> supplier)
      : NodeFactory(NodeKind::kProcessor, std::move(name), std::move(parents)),
        supplier_(std::move(supplier)) {}

  std::optional<RecordTypes> input_types() const override { return TypesOf<KIn, VIn>(); }
  std::optional<RecordTypes> output_types() const override { return TypesOf<KOut, VOut>(); }
  std::shared_ptr<NodeFactory> WithSerdes(const SerdeDefaults&) const override {
    return std::make_shared<ProcessorFactory>(*this);
  }
  std::unique_ptr<NodeInstance> Create(const std::string&) const override {
    auto processor = supplier_();
    if (!processor) {
      throw StreamsException("the processor supplier of " + name() + " returned no processor");
    }
    return std::make_unique<ProcessorNode<KIn, VIn, KOut, VOut>>(name(), std::move(processor));
  }

 private:
  ProcessorSupplier<KIn, VIn, KOut, VOut> supplier_;
};

template <typename K, typename VIn, typename VOut>
class FixedKeyProcessorFactory final : public NodeFactory {
 public:
  FixedKeyProcessorFactory(std::string name, std::vector<std::string> parents,
                           FixedKeyProcessorSupplier<K, VIn, VOut> supplier)
      : NodeFactory(NodeKind::kProcessor, std::move(name), std::move(parents)),
        supplier_(std::move(supplier)) {}

  std::optional<RecordTypes> input_types() const override { return TypesOf<K, VIn>(); }
  std::optional<RecordTypes> output_types() const override { return TypesOf<K, VOut>(); }
  std::shared_ptr<NodeFactory> WithSerdes(const SerdeDefaults&) const override {
    return std::make_shared<FixedKeyProcessorFactory>(*this);
  }
  std::unique_ptr<NodeInstance> Create(const std::string&) const override {
    auto processor = supplier_();
    if (!processor) {
      throw StreamsException("the processor supplier of " + name() + " returned no processor");
    }
    return std::make_unique<FixedKeyProcessorNode<K, VIn, VOut>>(name(), std::move(processor));
  }

 private:
  FixedKeyProcessorSupplier<K, VIn, VOut> supplier_;
};

template <typename K, typename V>
class SourceFactory final : public NodeFactory {
 public:
  SourceFactory(std::string name, SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                TimestampExtractor<K, V> extractor)
      : NodeFactory(NodeKind::kSource, std::move(name), {}),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        extractor_(std::move(extractor)) {}

  std::optional<RecordTypes> input_types() const override { return std::nullopt; }
  std::optional<RecordTypes> output_types() const override { return TypesOf<K, V>(); }
  std::shared_ptr<NodeFactory> WithSerdes(const SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<SourceFactory>(*this);
    copy->key_serde_ = ResolveSerde(key_serde_, defaults.key, name(), "key");
    copy->value_serde_ = ResolveSerde(value_serde_, defaults.value, name(), "value");
    return copy;
  }
  std::unique_ptr<NodeInstance> Create(const std::string&) const override {
    return std::make_unique<SourceNode<K, V>>(name(), key_serde_, value_serde_, extractor_);
  }

 private:
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  TimestampExtractor<K, V> extractor_;
};

template <typename K, typename V>
class SinkFactory final : public NodeFactory {
 public:
  SinkFactory(std::string name, std::vector<std::string> parents, std::string topic,
              TopicNameExtractor<K, V> extractor, SerdePtr<K> key_serde, SerdePtr<V> value_serde)
      : NodeFactory(NodeKind::kSink, std::move(name), std::move(parents)),
        extractor_(std::move(extractor)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {
    if (extractor_) {
      topic_extractor = true;
    } else {
      topics.push_back(std::move(topic));
    }
  }

  std::optional<RecordTypes> input_types() const override { return TypesOf<K, V>(); }
  std::optional<RecordTypes> output_types() const override { return std::nullopt; }
  std::shared_ptr<NodeFactory> WithSerdes(const SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<SinkFactory>(*this);
    copy->key_serde_ = ResolveSerde(key_serde_, defaults.key, name(), "key");
    copy->value_serde_ = ResolveSerde(value_serde_, defaults.value, name(), "value");
    return copy;
  }
  std::unique_ptr<NodeInstance> Create(const std::string& topic_prefix) const override {
    std::string topic = topics.empty() ? std::string() : topics.front();
    if (internal_topic) topic = topic_prefix + topic;
    return std::make_unique<SinkNode<K, V>>(name(), std::move(topic), extractor_, key_serde_,
                                            value_serde_);
  }

 private:
  TopicNameExtractor<K, V> extractor_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
};

}  // namespace brook::streams::detail
