#pragma once

#include <memory>
#include <string>

#include "framework/api/processor.h"
#include "framework/api/serdes.h"
#include "tests/framework/test_store_builder.h"

// Small pieces for topology tests: the string serde and a processor that forwards what it gets.
namespace brook::framework::topology::testing {

inline streams::SerdePtr<std::string> StringSerde() { return streams::Serdes::String(); }

// A key-value store of strings named `name`, for topologies that only need a store to exist.
inline framework::testing::TestKeyValueStoreBuilder<std::string, std::string> Store(
    const std::string& name) {
  return framework::testing::TestKeyValueStoreBuilder<std::string, std::string>(
      name, StringSerde(), StringSerde());
}

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
