#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "operators/dsl/internal_streams_builder.h"
#include "operators/processors/global_store_value_getter.h"

namespace brook::streams {

// A table every instance of the application holds in full (Kafka Streams' GlobalKTable), made
// by StreamsBuilder::globalTable: its store is fed with every partition of its topic, so a
// stream joins it (KStream::join / leftJoin with a key selector) on any key it computes, without
// co-partitioning and without repartitioning. A GlobalKTable has no operators of its own.
//
// Lifetime: refers to its StreamsBuilder, which must outlive it. Thread safety: a value type;
// build a program on one thread.
template <typename K, typename V>
class GlobalKTable {
 public:
  using Key = K;
  using Value = V;

  // Made by StreamsBuilder::globalTable; applications do not call it.
  GlobalKTable(detail::InternalStreamsBuilder* builder, std::string store,
               std::optional<std::string> queryable_store_name)
      : builder_(builder),
        store_(std::move(store)),
        queryable_store_name_(std::move(queryable_store_name)),
        getter_(operators::processors::GlobalStoreValueGetterSupplier<K, V>(store_)) {}

  // The store's name when Materialized named it (KafkaStreams::store and the test driver find
  // it by that name), else nullopt (Kafka's queryableStoreName).
  const std::optional<std::string>& queryableStoreName() const { return queryable_store_name_; }

  // For the DSL's own classes.
  detail::InternalStreamsBuilder* builder() const { return builder_; }
  const std::string& storeName() const { return store_; }
  // Reads the global store; names no store, since a processor reads a global store without
  // being connected to it (Kafka's KTableSourceValueGetterSupplier of a global table).
  std::shared_ptr<const operators::processors::TableValueGetterSupplier<K, V>> valueGetterSupplier()
      const {
    return getter_;
  }

 private:
  detail::InternalStreamsBuilder* builder_;
  std::string store_;
  std::optional<std::string> queryable_store_name_;
  std::shared_ptr<const operators::processors::TableValueGetterSupplier<K, V>> getter_;
};

}  // namespace brook::streams
