#pragma once

#include <memory>

#include "framework/api/processor.h"

namespace brook::operators::processors {

// Kafka Streams' PassThrough: forwards every record unchanged. It is the node of
// KStream::merge (one node with several parents) and of each branch of KStream::split (the
// named child the splitter forwards to).
template <typename K, typename V>
class PassThroughProcessor final : public streams::ContextualProcessor<K, V, K, V> {
 public:
  void process(const streams::Record<K, V>& record) override { this->context().forward(record); }
};

template <typename K, typename V>
streams::ProcessorSupplier<K, V, K, V> PassThroughSupplier() {
  return [] { return std::make_unique<PassThroughProcessor<K, V>>(); };
}

}  // namespace brook::operators::processors
