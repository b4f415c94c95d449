#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "framework/api/detail/node.h"
#include "framework/api/detail/node_factory.h"
#include "framework/api/detail/read_only_store.h"
#include "framework/api/punctuation.h"
#include "framework/api/record.h"
#include "framework/api/task_id.h"
#include "statestore/api/state_store.h"

namespace brook::streams {

// What every processor context offers besides forwarding (Kafka's ProcessingContext).
// Thread safety: a context belongs to one task, which one stream thread runs; do not use it from
// other threads or keep it past close().
class ProcessingContext {
 public:
  explicit ProcessingContext(detail::NodeContext* node) : node_(node) {}

  const std::string& applicationId() const { return node_->task().application_id(); }
  const TaskId& taskId() const { return node_->task().task_id(); }
  // Topic, partition and offset of the input record being processed; empty while a
  // punctuator runs (Kafka's recordMetadata()).
  std::optional<RecordMetadata> recordMetadata() const {
    const RecordMetadata* metadata = node_->task().record_metadata();
    if (metadata == nullptr) return std::nullopt;
    return *metadata;
  }
  // The task's stream time: the largest timestamp of the records it has processed.
  int64_t currentStreamTimeMs() const { return node_->task().stream_time_ms(); }
  // Wall-clock time in ms since the epoch (the test driver's mock time under test).
  int64_t currentSystemTimeMs() const { return node_->task().wall_clock_ms(); }

  // StreamsConfig's settings as strings, every key with its value (Kafka's appConfigs()); empty
  // when the task has no state (a stateless task).
  const std::map<std::string, std::string>& appConfigs() const {
    static const std::map<std::string, std::string> kNone;
    const std::map<std::string, std::string>* configs = node_->task().app_configs();
    return configs != nullptr ? *configs : kNone;
  }

  // Calls `punctuator` every `interval` of stream time or wall-clock time (see
  // PunctuationType). The interval must be at least 1 ms. Punctuators run on the task's thread
  // between records; records they forward have no input metadata.
  Cancellable schedule(std::chrono::milliseconds interval, PunctuationType type,
                       Punctuator punctuator) {
    return node_->task().Schedule(node_->self(), interval, type, std::move(punctuator));
  }
  // Asks for a commit as soon as the current record is done (Kafka's commit()).
  void commit() { node_->task().RequestCommit(); }
  // Counts a record the processor drops on purpose (a record for a window past its grace, a
  // join input too late to join) in the task's `dropped-records-total` metric, where the
  // records the deserialization handler skipped are counted too (Kafka's
  // TaskMetrics.droppedRecordsSensor). See KafkaStreams::metrics().
  void recordDroppedRecord() { node_->task().RecordDropped(); }
  // Processor metadata (Kafka's InternalProcessorContext): a named int64 the task commits with
  // its input offsets (in the offset commit metadata, Kafka's layout) and hands back to the
  // task that starts on those offsets, after a restart or on another instance. For progress
  // markers that must move with the committed offsets, e.g. the last window close time an
  // emit-on-window-close aggregation emitted. Setting a key asks for a commit.
  void addProcessorMetadataKeyValue(const std::string& key, int64_t value) {
    node_->task().PutProcessorMetadata(key, value);
  }
  std::optional<int64_t> processorMetadataForKey(const std::string& key) const {
    return node_->task().GetProcessorMetadata(key);
  }

  // The task's instance of the state store `name` (Kafka's getStateStore), as the store type S
  // the processor uses (e.g. KeyValueStore<std::string, int64_t>). Valid from init() until
  // close(); the runtime opened (and restored) it before init(). Throws StreamsException when
  // the processor is not connected to the store (Topology::addStateStore's processor names,
  // connectProcessorAndStateStores, or the stores given to KStream::process) or when the store
  // is not an S. A global store comes back read-only (as in Kafka): its writes, init, flush
  // and close throw StreamsException("Global store is read only: <name>"); only the global
  // store's own processor writes it.
  template <typename S>
  S& getStateStore(const std::string& name) const {
    StateStore& store = node_->task().GetStateStore(node_->self(), name);
    S* typed = dynamic_cast<S*>(&store);
    if (typed == nullptr) {
      throw StreamsException("Processor " + node_->self()->name() + " asked for StateStore " +
                             name + " as " + detail::TypeName(typeid(S)) + ", but it is a " +
                             detail::TypeName(typeid(store)));
    }
    using ReadOnly = typename detail::ReadOnlyView<S>::Decorator;
    if constexpr (!std::is_void_v<ReadOnly>) {
      if (node_->task().IsReadOnlyGlobalStore(name)) {
        return node_->ReadOnlyView<ReadOnly>(name, *typed);
      }
    }
    return *typed;
  }

 protected:
  detail::NodeContext* node_;
};

// The context of a Processor<KIn, VIn, KOut, VOut> (Kafka's api.ProcessorContext).
template <typename KOut, typename VOut>
class ProcessorContext : public ProcessingContext {
 public:
  using ProcessingContext::ProcessingContext;

  // Passes `record` to every child node, in the order they were added.
  void forward(const Record<KOut, VOut>& record) { node_->Forward(&record); }
  // Passes `record` to the child named `child` only (a named branch); throws StreamsException
  // when there is no such child.
  void forward(const Record<KOut, VOut>& record, std::string_view child) {
    node_->ForwardTo(&record, child);
  }
};

// A record whose key a processor may not change (Kafka's FixedKeyRecord): processValues()
// keeps the key, so no repartition is ever needed downstream.
//
// The record a fixed-key processor receives refers to the record its parent forwarded (no copy:
// a copy per fixed-key node was a few percent of a stream thread's time) and is valid during the
// process() call. A copy of it (or a record made with the with* methods) owns its data and may
// be kept as long as wanted.
template <typename K, typename V>
class FixedKeyRecord {
 public:
  FixedKeyRecord(const FixedKeyRecord& other) : owned_(*other.record_), record_(&*owned_) {}
  FixedKeyRecord(FixedKeyRecord&& other)
      : owned_(other.owned_ ? std::move(*other.owned_) : *other.record_), record_(&*owned_) {}
  FixedKeyRecord& operator=(const FixedKeyRecord& other) {
    if (this != &other) {
      owned_.emplace(*other.record_);
      record_ = &*owned_;
    }
    return *this;
  }
  FixedKeyRecord& operator=(FixedKeyRecord&& other) {
    if (this != &other) {
      if (other.owned_) {
        owned_.emplace(std::move(*other.owned_));
      } else {
        owned_.emplace(*other.record_);
      }
      record_ = &*owned_;
    }
    return *this;
  }

  const K& key() const { return record_->key(); }
  const V& value() const { return record_->value(); }
  int64_t timestamp() const { return record_->timestamp(); }
  const Headers& headers() const { return record_->headers(); }

  template <typename NewV>
  FixedKeyRecord<K, NewV> withValue(NewV value) const {
    return FixedKeyRecord<K, NewV>(record_->withValue(std::move(value)));
  }
  FixedKeyRecord withTimestamp(int64_t timestamp) const {
    return FixedKeyRecord(record_->withTimestamp(timestamp));
  }
  FixedKeyRecord withHeaders(Headers headers) const {
    return FixedKeyRecord(record_->withHeaders(std::move(headers)));
  }
  const Record<K, V>& record() const { return *record_; }

  // Only the runtime makes fixed-key records out of records. The result refers to `record`,
  // which must outlive it.
  static FixedKeyRecord FromRecord(const Record<K, V>& record) { return FixedKeyRecord(&record); }

 private:
  template <typename, typename>
  friend class FixedKeyRecord;
  explicit FixedKeyRecord(Record<K, V> record)
      : owned_(std::move(record)), record_(&*owned_) {}
  explicit FixedKeyRecord(const Record<K, V>* borrowed) : record_(borrowed) {}

  std::optional<Record<K, V>> owned_;  // empty when the record is borrowed
  const Record<K, V>* record_;         // &*owned_, or the borrowed record
};

// The context of a FixedKeyProcessor<KIn, VIn, VOut>.
template <typename K, typename VOut>
class FixedKeyProcessorContext : public ProcessingContext {
 public:
  using ProcessingContext::ProcessingContext;
  void forward(const FixedKeyRecord<K, VOut>& record) { node_->Forward(&record.record()); }
  void forward(const FixedKeyRecord<K, VOut>& record, std::string_view child) {
    node_->ForwardTo(&record.record(), child);
  }
};

}  // namespace brook::streams
