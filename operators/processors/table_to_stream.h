#pragma once

#include <optional>

#include "framework/api/processor.h"
#include "operators/dsl/change.h"

namespace brook::operators::processors {

// Kafka Streams' KTable#toStream mapper: each table update as a plain record of its new value.
// A delete (a change without a new value) has no value of type V to forward, so it is not
// forwarded (Kafka forwards a null value; see KTable::toStream).
template <typename K, typename V>
class TableToStreamProcessor final
    : public streams::ContextualFixedKeyProcessor<K, streams::Change<V>, V> {
 public:
  void process(const streams::FixedKeyRecord<K, streams::Change<V>>& record) override {
    if (!record.value().newValue) return;
    this->context().forward(record.withValue(*record.value().newValue));
  }
};

template <typename K, typename V>
streams::FixedKeyProcessorSupplier<K, streams::Change<V>, V> TableToStreamSupplier() {
  return [] { return std::make_unique<TableToStreamProcessor<K, V>>(); };
}

// Kafka Streams' KTable#toStream with its deletes: each update as a record of its new value,
// a delete as a record of nullopt (Kafka's null value; a sink writes a tombstone).
template <typename K, typename V>
class TableToStreamWithDeletesProcessor final
    : public streams::ContextualFixedKeyProcessor<K, streams::Change<V>, std::optional<V>> {
 public:
  void process(const streams::FixedKeyRecord<K, streams::Change<V>>& record) override {
    this->context().forward(record.withValue(record.value().newValue));
  }
};

template <typename K, typename V>
streams::FixedKeyProcessorSupplier<K, streams::Change<V>, std::optional<V>>
TableToStreamWithDeletesSupplier() {
  return [] { return std::make_unique<TableToStreamWithDeletesProcessor<K, V>>(); };
}

}  // namespace brook::operators::processors
