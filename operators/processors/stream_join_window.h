#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "framework/api/processor.h"
#include "operators/processors/nullable.h"
#include "statestore/api/window_store.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamJoinWindow: one side of a KStream-KStream join keeps each record in its
// window store (which retains duplicates) under the record's timestamp, for the other side to
// find, then passes it on to its join processor. Records with a null key or value are not kept.
// A late record is handed to the store like any other: the store keeps it unless it is older
// than the store's retention (window size + grace) behind the latest time the store has seen,
// as Kafka's window stores do.
template <typename K, typename V>
class StreamJoinWindowProcessor final : public streams::ContextualFixedKeyProcessor<K, V, V> {
 public:
  using Store = streams::WindowStore<K, V>;

  explicit StreamJoinWindowProcessor(std::string store_name) : store_name_(std::move(store_name)) {}

  void init(streams::FixedKeyProcessorContext<K, V>& context) override {
    streams::ContextualFixedKeyProcessor<K, V, V>::init(context);
    store_ = &context.template getStateStore<Store>(store_name_);
  }

  void process(const streams::FixedKeyRecord<K, V>& record) override {
    if (!IsNull(record.key()) && !IsNull(record.value())) {
      store_->put(record.key(), record.value(), record.timestamp());
    }
    this->context().forward(record);
  }

 private:
  std::string store_name_;
  Store* store_ = nullptr;
};

template <typename K, typename V>
streams::FixedKeyProcessorSupplier<K, V, V> StreamJoinWindowSupplier(std::string store_name) {
  return [=] { return std::make_unique<StreamJoinWindowProcessor<K, V>>(store_name); };
}

}  // namespace brook::operators::processors
