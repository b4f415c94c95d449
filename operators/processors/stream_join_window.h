#pragma once

#include <algorithm>
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
// find, then passes it on to its join processor. Records with a null key or value are not kept,
// nor late ones (timestamp + after + grace before the task's stream time), which the join
// processor drops: a dropped record joins with nothing, later records included.
template <typename K, typename V>
class StreamJoinWindowProcessor final : public streams::ContextualFixedKeyProcessor<K, V, V> {
 public:
  using Store = streams::WindowStore<K, V>;

  StreamJoinWindowProcessor(std::string store_name, int64_t after_ms, int64_t grace_ms)
      : store_name_(std::move(store_name)), after_ms_(after_ms), grace_ms_(grace_ms) {}

  void init(streams::FixedKeyProcessorContext<K, V>& context) override {
    streams::ContextualFixedKeyProcessor<K, V, V>::init(context);
    store_ = &context.template getStateStore<Store>(store_name_);
  }

  void process(const streams::FixedKeyRecord<K, V>& record) override {
    const int64_t timestamp = record.timestamp();
    const bool late = timestamp + after_ms_ + grace_ms_ <
                      std::max(this->context().currentStreamTimeMs(), timestamp);
    if (!late && !IsNull(record.key()) && !IsNull(record.value())) {
      store_->put(record.key(), record.value(), record.timestamp());
    }
    this->context().forward(record);
  }

 private:
  std::string store_name_;
  int64_t after_ms_;
  int64_t grace_ms_;
  Store* store_ = nullptr;
};

template <typename K, typename V>
streams::FixedKeyProcessorSupplier<K, V, V> StreamJoinWindowSupplier(std::string store_name,
                                                                     int64_t after_ms,
                                                                     int64_t grace_ms) {
  return [=] {
    return std::make_unique<StreamJoinWindowProcessor<K, V>>(store_name, after_ms, grace_ms);
  };
}

}  // namespace brook::operators::processors
