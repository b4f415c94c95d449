#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <utility>
#include <vector>

#include "framework/api/errors.h"
#include "framework/api/punctuation.h"
#include "framework/api/record.h"
#include "framework/api/task_id.h"

namespace brook::streams {
class StateStore;  // statestore/api/state_store.h
}  // namespace brook::streams

// The type-erased contract between the public templates (Processor, Topology, the DSL) and the
// runtime that runs them. Users never name these; they are in a public header only because the
// templates instantiate them.
namespace brook::streams::detail {

class NodeInstance;

// A record leaving a task through a sink: bytes, ready for the RecordCollector. Views are valid
// only during the call that receives it.
struct OutgoingRecord {
  std::string_view topic;
  int32_t partition = -1;  // -1: the producer's partitioner (murmur2 of the key bytes)
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  int64_t timestamp = 0;
  const Headers* headers = nullptr;
  // Changelog records: the collector keeps the offset the broker acknowledged for the
  // partition (RecordCollector::offsets), which the task checkpoints.
  bool track_offset = false;
};

// What a node can ask of the task that runs it. Implemented by the runtime's StreamTask (used
// by both KafkaStreams and TopologyTestDriver). Thread safety: one task is used by one thread.
class TaskContext {
 public:
  virtual ~TaskContext() = default;
  virtual const std::string& application_id() const = 0;
  virtual const TaskId& task_id() const = 0;
  // The input record being processed; nullptr while a punctuator runs.
  virtual const RecordMetadata* record_metadata() const = 0;
  virtual int64_t stream_time_ms() const = 0;
  virtual int64_t wall_clock_ms() const = 0;
  virtual Cancellable Schedule(NodeInstance* node, std::chrono::milliseconds interval,
                               PunctuationType type, Punctuator punctuator) = 0;
  virtual void RequestCommit() = 0;
  virtual void Send(const OutgoingRecord& record) = 0;
  // The task's instance of the store `name` (its outermost layer), for `node`. Throws
  // StreamsException when `node` is not connected to that store (Kafka's message).
  virtual StateStore& GetStateStore(const NodeInstance* node, const std::string& name) = 0;
  // True when GetStateStore(name) is a global store that this task only reads (a stream task's
  // view of it; the global task that keeps it up to date writes it).
  virtual bool IsReadOnlyGlobalStore(const std::string& /*name*/) const { return false; }
  // Counts one record dropped on purpose in the task's dropped-records metric.
  virtual void RecordDropped() = 0;
  // Processor metadata (Kafka's ProcessorMetadata): named values the task commits with its
  // input offsets and gets back when it starts again on them. Put marks the task for commit.
  // A task that commits no offsets (global state) keeps none.
  virtual void PutProcessorMetadata(const std::string& /*key*/, int64_t /*value*/) {}
  virtual std::optional<int64_t> GetProcessorMetadata(const std::string& /*key*/) const {
    return std::nullopt;
  }
  // StreamsConfig's settings as strings (StreamsConfig::values()); nullptr when the task has
  // none (then processors use their defaults).
  virtual const std::map<std::string, std::string>* app_configs() const { return nullptr; }

  // The node whose code runs now (for error reports). Set on every hop, so a plain field.
  NodeInstance* current_node = nullptr;
};

// One node's view of its task and children, handed to the node at Init.
class NodeContext {
 public:
  NodeContext(TaskContext* task, NodeInstance* self) : task_(task), self_(self) {}

  TaskContext& task() const { return *task_; }
  NodeInstance* self() const { return self_; }
  const std::vector<NodeInstance*>& children() const { return children_; }
  void AddChild(NodeInstance* child) { children_.push_back(child); }

  // Hands `record` (a Record<K, V> of this node's output types) to every child, in the order
  // they were added to the topology.
  inline void Forward(const void* record);
  // Hands `record` to the child named `child`; throws StreamsException for an unknown name.
  void ForwardTo(const void* record, std::string_view child);

  // The read-only Decorator (a subclass of S) of `store`, made on first use and kept as long as
  // the node (ProcessingContext::getStateStore of a global store).
  template <typename Decorator, typename S>
  S& ReadOnlyView(const std::string& name, S& store) {
    std::shared_ptr<StateStore>& view = read_only_views_[{name, std::type_index(typeid(S))}];
    if (!view) view = std::make_shared<Decorator>(store);
    return *static_cast<Decorator*>(view.get());
  }

 private:
  TaskContext* task_;
  NodeInstance* self_;
  std::vector<NodeInstance*> children_;
  std::map<std::pair<std::string, std::type_index>, std::shared_ptr<StateStore>> read_only_views_;
};

// A node of one task's topology: a source, a processor or a sink.
class NodeInstance {
 public:
  explicit NodeInstance(std::string name) : name_(std::move(name)) {}
  virtual ~NodeInstance() = default;
  NodeInstance(const NodeInstance&) = delete;
  NodeInstance& operator=(const NodeInstance&) = delete;

  const std::string& name() const { return name_; }
  NodeContext& context() { return *context_; }

  // Called once before the first record, with the context the node keeps.
  virtual void Init(std::unique_ptr<NodeContext> context) { context_ = std::move(context); }
  // `record` is a const Record<K, V>* of the node's input types (checked when the topology
  // was built).
  virtual void Process(const void* record) = 0;
  virtual void Close() {}

  // The records this node was handed (Kafka's processor-node process-total): counted by the
  // parent's Forward, and by the task for a source. Written by the task's thread; read by the
  // metrics under the stream thread's task lock.
  uint64_t processed() const { return processed_; }
  void CountProcessed() { ++processed_; }

 protected:
  std::unique_ptr<NodeContext> context_;

 private:
  std::string name_;
  uint64_t processed_ = 0;
};

inline void NodeContext::Forward(const void* record) {
  NodeInstance* self = task_->current_node;
  for (NodeInstance* child : children_) {
    task_->current_node = child;
    child->CountProcessed();
    child->Process(record);
  }
  task_->current_node = self;
}

inline void NodeContext::ForwardTo(const void* record, std::string_view child) {
  for (NodeInstance* node : children_) {
    if (node->name() != child) continue;
    NodeInstance* self = task_->current_node;
    task_->current_node = node;
    node->CountProcessed();
    node->Process(record);
    task_->current_node = self;
    return;
  }
  throw StreamsException("unknown downstream node " + std::string(child) + " of " +
                         self_->name());
}

// A source could not read a record's key or value, or its timestamp extractor failed: the task
// gives the record to the deserialization exception handler. `what()` is the serde's message.
class DeserializationFailure : public StreamsException {
 public:
  using StreamsException::StreamsException;
};

// A sink could not write a record's key or value: the task gives it to the production exception
// handler.
class SerializationFailure : public StreamsException {
 public:
  SerializationFailure(std::string topic, const std::string& message)
      : StreamsException(message), topic_(std::move(topic)) {}
  const std::string& topic() const { return topic_; }

 private:
  std::string topic_;
};

// An error no exception handler may skip (a fenced producer, a collector that already failed):
// the task passes it up to the stream thread unchanged.
class FatalTaskError : public StreamsException {
 public:
  using StreamsException::StreamsException;
};

// Record bytes as consumed, before deserialization. The views point into storage owned by
// `owner` (a librdkafka message, or the test driver's copy), released when the record dies.
struct RawRecord {
  using Owner = std::unique_ptr<void, void (*)(void*)>;

  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = 0;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  Headers headers;
  Owner owner{nullptr, [](void*) {}};
};

// A source node: reads raw records of its topics into typed records.
class SourceInstance : public NodeInstance {
 public:
  using NodeInstance::NodeInstance;
  // The record's event time (the source's timestamp extractor; by default the record's own
  // timestamp). `partition_time` is the largest timestamp seen on the partition so far.
  // Throws SerializationException when a custom extractor cannot read the record.
  virtual int64_t ExtractTimestamp(const RawRecord& record, int64_t partition_time) = 0;
  // Deserializes `record` with event time `timestamp` and forwards it to the children.
  // Throws SerializationException when the key or value cannot be read.
  virtual void ProcessRaw(const RawRecord& record, int64_t timestamp) = 0;
  void Process(const void*) final {}
};

}  // namespace brook::streams::detail
