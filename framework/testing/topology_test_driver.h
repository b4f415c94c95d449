#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "framework/api/errors.h"
#include "framework/api/metrics.h"
#include "framework/api/serde.h"
#include "framework/api/streams_config.h"
#include "framework/api/topology.h"
#include "framework/testing/key_value_store_facade.h"
#include "framework/testing/test_record.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/session_store.h"
#include "statestore/api/value_and_timestamp.h"
#include "statestore/api/window_store.h"

namespace brook::streams {

template <typename K, typename V>
class TestInputTopic;
template <typename K, typename V>
class TestOutputTopic;

// Runs a topology without a broker (Kafka Streams' TopologyTestDriver): records piped into
// input topics are processed at once, one at a time, by the same StreamTask code KafkaStreams
// runs (the same operators, timestamp order and punctuation); what sinks write is kept per topic
// for TestOutputTopic to read. Records written to the topology's repartition topics are fed
// back to the sub-topology that reads them before pipeInput returns.
//
// Each topic has one partition; each sub-topology one task (<sub>_0). Wall-clock time is mock
// time that only advanceWallClockTime moves; max.task.idle.ms does not apply. An exception
// handler that says fail makes pipeInput throw StreamsException. Deterministic.
//
// State stores live in a temporary state directory (removed by the destructor), one instance
// per task as under KafkaStreams. After each piped record (and each wall-clock advance) the
// driver commits as Kafka's does: the stores flush, so caches forward and log what they hold.
// What a store logs goes to its changelog topic "<application.id>-<store>-changelog", which a
// TestOutputTopic reads like any other. get*Store give the stores themselves, to read what the
// topology wrote or to prepare state before piping.
//
//   TopologyTestDriver driver(builder.build(), config);
//   auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
//   auto out = driver.createOutputTopic("out", Serdes::String(), Serdes::Int64());
//   in.pipeInput("k", "hello", 1000);
//   EXPECT_EQ(out.readKeyValue(), (KeyValue<std::string, int64_t>{"k", 5}));
//
// Thread safety: not thread-safe.
class TopologyTestDriver {
 public:
  // application.id defaults to "topology-test-driver". Throws TopologyException for a topology
  // that does not build, StreamsException when a processor's init throws.
  explicit TopologyTestDriver(const Topology& topology, const StreamsConfig& config = {},
                              int64_t initial_wall_clock_ms = 0);
  ~TopologyTestDriver();
  TopologyTestDriver(const TopologyTestDriver&) = delete;
  TopologyTestDriver& operator=(const TopologyTestDriver&) = delete;

  template <typename K, typename V>
  TestInputTopic<K, V> createInputTopic(const std::string& topic, SerdePtr<K> key_serde,
                                        SerdePtr<V> value_serde, int64_t start_timestamp_ms = 0,
                                        std::chrono::milliseconds auto_advance = {});
  template <typename K, typename V>
  TestOutputTopic<K, V> createOutputTopic(const std::string& topic, SerdePtr<K> key_serde,
                                          SerdePtr<V> value_serde);

  // Moves mock wall-clock time and runs the wall-clock punctuators that became due.
  void advanceWallClockTime(std::chrono::milliseconds advance);
  int64_t wallClockTimeMs() const;
  // Every topic something was written to (decorated internal topics included).
  std::set<std::string> producedTopicNames() const;

  // The temporary state directory holding the stores (empty when the topology has none).
  std::string stateDirectory() const;

  // The metrics of the driver's tasks (Kafka's TopologyTestDriver.metrics()), as
  // KafkaStreams::metrics() names them; the thread-id tag is "main".
  std::vector<Metric> metrics() const;

  // The store named `name` (its outermost layer), or nullptr when no task has one (Kafka's
  // getStateStore). Valid until the driver is destroyed.
  StateStore* getStateStore(const std::string& name);
  // The key-value store `name` as a KeyValueStore<K, V>; nullptr when there is none or it has
  // other types. A timestamped store (KeyValueStore<K, ValueAndTimestamp<V>>, what the DSL's
  // tables use) is given through a facade that reads plain values and writes them with
  // timestamp -1, as Kafka's driver does.
  template <typename K, typename V>
  KeyValueStore<K, V>* getKeyValueStore(const std::string& name);
  template <typename K, typename V>
  KeyValueStore<K, ValueAndTimestamp<V>>* getTimestampedKeyValueStore(const std::string& name) {
    return dynamic_cast<KeyValueStore<K, ValueAndTimestamp<V>>*>(getStateStore(name));
  }
  template <typename K, typename V>
  WindowStore<K, V>* getWindowStore(const std::string& name) {
    return dynamic_cast<WindowStore<K, V>*>(getStateStore(name));
  }
  template <typename K, typename V>
  WindowStore<K, ValueAndTimestamp<V>>* getTimestampedWindowStore(const std::string& name) {
    return dynamic_cast<WindowStore<K, ValueAndTimestamp<V>>*>(getStateStore(name));
  }
  template <typename K, typename V>
  SessionStore<K, V>* getSessionStore(const std::string& name) {
    return dynamic_cast<SessionStore<K, V>*>(getStateStore(name));
  }

  // The byte-level calls the typed topics use. PipeRaw and PipeBytes throw StreamsException
  // for a topic no source reads and for a handler that said fail; PipeBytes copies the bytes
  // the views show before it returns. ReadRaw returns nothing for an empty topic; FrontRaw
  // shows the oldest record of a topic (null when empty) until the next call that writes to
  // or reads from the driver, and DropFront removes it.
  void PipeRaw(const std::string& topic, std::optional<std::string> key,
               std::optional<std::string> value, int64_t timestamp, Headers headers);
  void PipeBytes(const std::string& topic, std::optional<std::string_view> key,
                 std::optional<std::string_view> value, int64_t timestamp, const Headers& headers);
  std::optional<ProducedRecord> ReadRaw(const std::string& topic);
  const ProducedRecord* FrontRaw(const std::string& topic);
  void DropFront(const std::string& topic);
  size_t QueueSize(const std::string& topic) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  std::map<std::string, std::unique_ptr<StateStore>> facades_;  // by store name
};

// Pipes typed records into one input topic (Kafka's TestInputTopic). Without a timestamp a
// record gets the topic's current time, which then moves by the auto-advance step.
template <typename K, typename V>
class TestInputTopic {
 public:
  TestInputTopic(TopologyTestDriver* driver, std::string topic, SerdePtr<K> key_serde,
                 SerdePtr<V> value_serde, int64_t start_ms, std::chrono::milliseconds advance)
      : driver_(driver),
        topic_(std::move(topic)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        current_ms_(start_ms),
        advance_ms_(advance.count()) {}

  void pipeInput(const K& key, const V& value, int64_t timestamp_ms) {
    Pipe(&key, &value, timestamp_ms, {});
  }
  void pipeInput(const K& key, const V& value) { Pipe(&key, &value, NextTime(), {}); }
  // A record with a null key.
  void pipeInput(const V& value) { Pipe(nullptr, &value, NextTime(), {}); }
  void pipeInput(const TestRecord<K, V>& record) {
    Pipe(&record.key, &record.value, record.timestamp, record.headers);
  }
  void pipeKeyValueList(const std::vector<KeyValue<K, V>>& records) {
    for (const auto& kv : records) pipeInput(kv.key, kv.value);
  }
  void pipeValueList(const std::vector<V>& values) {
    for (const auto& value : values) pipeInput(value);
  }
  // Bytes as they are, for records no serde would write (a poison pill).
  void pipeRawInput(std::optional<std::string> key, std::optional<std::string> value,
                    int64_t timestamp_ms, Headers headers = {}) {
    driver_->PipeRaw(topic_, std::move(key), std::move(value), timestamp_ms, std::move(headers));
  }
  void advanceTime(std::chrono::milliseconds advance) { current_ms_ += advance.count(); }

 private:
  int64_t NextTime() {
    int64_t now = current_ms_;
    current_ms_ += advance_ms_;
    return now;
  }
  // Serializes into buffers kept from record to record; the driver copies the bytes.
  void Pipe(const K* key, const V* value, int64_t timestamp, const Headers& headers) {
    std::optional<std::string_view> key_bytes;
    std::optional<std::string_view> value_bytes;
    if (key != nullptr) {
      key_buffer_.clear();
      if (key_serde_->serialize(topic_, *key, key_buffer_)) key_bytes = key_buffer_;
    }
    if (value != nullptr) {
      value_buffer_.clear();
      if (value_serde_->serialize(topic_, *value, value_buffer_)) value_bytes = value_buffer_;
    }
    driver_->PipeBytes(topic_, key_bytes, value_bytes, timestamp, headers);
  }

  TopologyTestDriver* driver_;
  std::string topic_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  int64_t current_ms_;
  int64_t advance_ms_;
  std::string key_buffer_;
  std::string value_buffer_;
};

// Reads what the topology wrote to one topic, oldest first (Kafka's TestOutputTopic). Reading
// an empty topic throws StreamsException ("no more records in topic X").
template <typename K, typename V>
class TestOutputTopic {
 public:
  TestOutputTopic(TopologyTestDriver* driver, std::string topic, SerdePtr<K> key_serde,
                  SerdePtr<V> value_serde)
      : driver_(driver),
        topic_(std::move(topic)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}

  TestRecord<K, V> readRecord() {
    const ProducedRecord* raw = driver_->FrontRaw(topic_);
    if (raw == nullptr) throw StreamsException("no more records in topic " + topic_);
    TestRecord<K, V> record{key_serde_->deserialize(topic_, raw->key),
                            value_serde_->deserialize(topic_, raw->value), raw->timestamp,
                            raw->headers};
    driver_->DropFront(topic_);
    return record;
  }
  V readValue() { return readRecord().value; }
  KeyValue<K, V> readKeyValue() {
    TestRecord<K, V> record = readRecord();
    return KeyValue<K, V>{std::move(record.key), std::move(record.value)};
  }
  std::vector<TestRecord<K, V>> readRecordsToList() {
    std::vector<TestRecord<K, V>> records;
    while (!isEmpty()) records.push_back(readRecord());
    return records;
  }
  std::vector<V> readValuesToList() {
    std::vector<V> values;
    while (!isEmpty()) values.push_back(readValue());
    return values;
  }
  std::vector<KeyValue<K, V>> readKeyValuesToList() {
    std::vector<KeyValue<K, V>> records;
    while (!isEmpty()) records.push_back(readKeyValue());
    return records;
  }
  // The last value of each key (Kafka's readKeyValuesToMap).
  std::map<K, V> readKeyValuesToMap() {
    std::map<K, V> latest;
    while (!isEmpty()) {
      KeyValue<K, V> kv = readKeyValue();
      latest.insert_or_assign(std::move(kv.key), std::move(kv.value));
    }
    return latest;
  }
  bool isEmpty() const { return driver_->QueueSize(topic_) == 0; }
  size_t getQueueSize() const { return driver_->QueueSize(topic_); }

 private:
  TopologyTestDriver* driver_;
  std::string topic_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
};

template <typename K, typename V>
KeyValueStore<K, V>* TopologyTestDriver::getKeyValueStore(const std::string& name) {
  StateStore* store = getStateStore(name);
  if (auto* plain = dynamic_cast<KeyValueStore<K, V>*>(store)) return plain;
  auto* timestamped = dynamic_cast<KeyValueStore<K, ValueAndTimestamp<V>>*>(store);
  if (timestamped == nullptr) return nullptr;
  auto& facade = facades_[name];
  if (dynamic_cast<KeyValueStoreFacade<K, V>*>(facade.get()) == nullptr) {
    facade = std::make_unique<KeyValueStoreFacade<K, V>>(timestamped);
  }
  return static_cast<KeyValueStoreFacade<K, V>*>(facade.get());
}

template <typename K, typename V>
TestInputTopic<K, V> TopologyTestDriver::createInputTopic(const std::string& topic,
                                                          SerdePtr<K> key_serde,
                                                          SerdePtr<V> value_serde,
                                                          int64_t start_timestamp_ms,
                                                          std::chrono::milliseconds auto_advance) {
  return TestInputTopic<K, V>(this, topic, std::move(key_serde), std::move(value_serde),
                              start_timestamp_ms, auto_advance);
}

template <typename K, typename V>
TestOutputTopic<K, V> TopologyTestDriver::createOutputTopic(const std::string& topic,
                                                            SerdePtr<K> key_serde,
                                                            SerdePtr<V> value_serde) {
  return TestOutputTopic<K, V>(this, topic, std::move(key_serde), std::move(value_serde));
}

}  // namespace brook::streams
