#pragma once

#include <memory>
#include <string>

#include "framework/api/processor.h"
#include "framework/api/serdes.h"

// Small pieces for topology tests: the string serde and a processor that forwards what it gets.
namespace brook::framework::topology::testing {

inline streams::SerdePtr<std::string> StringSerde() { return streams::Serdes::String(); }

template <typename K, typename V>
class PassThrough final : public streams::ContextualProcessor<K, V, K, V> {
 public:
  void process(const streams::Record<K, V>& record) override { this->context().forward(record); }
};

template <typename K, typename V>
streams::ProcessorSupplier<K, V, K, V> PassThroughSupplier() {
  return [] { return std::make_unique<PassThrough<K, V>>(); };
}

}  // namespace brook::framework::topology::testing
