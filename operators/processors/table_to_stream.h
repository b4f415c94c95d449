#pragma once

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

}  // namespace brook::operators::processors
