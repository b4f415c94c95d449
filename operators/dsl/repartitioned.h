#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/errors.h"
#include "framework/api/serde.h"
#include "operators/dsl/named.h"

namespace brook::streams {

// How KStream::repartition writes and reads its internal topic (Kafka Streams' Repartitioned):
// the name, which gives the topic "<application.id>-<name>-repartition" and the nodes
// "<name>-repartition-sink", "-filter" and "-source"; key and value serdes (left null: the
// stream's own, else StreamsConfig's default); and the topic's partition count (left empty: as
// many as the topics the stream was read from).
//
//   stream.repartition(Repartitioned<std::string, Order>::as("by-customer")
//                          .withNumberOfPartitions(12));
//
// Kafka's StreamPartitioner is not offered yet. Thread safety: a value type.
template <typename K, typename V>
class Repartitioned {
 public:
  Repartitioned() = default;

  // Validated as Named::as.
  static Repartitioned as(std::string name) { return Repartitioned().withName(std::move(name)); }
  static Repartitioned with(SerdePtr<K> key_serde, SerdePtr<V> value_serde) {
    return Repartitioned()
        .withKeySerde(std::move(key_serde))
        .withValueSerde(std::move(value_serde));
  }
  static Repartitioned numberOfPartitions(int32_t partitions) {
    return Repartitioned().withNumberOfPartitions(partitions);
  }

  Repartitioned withName(std::string name) const {
    Repartitioned copy = *this;
    copy.name_ = Named::as(std::move(name)).name();
    return copy;
  }
  Repartitioned withKeySerde(SerdePtr<K> serde) const {
    Repartitioned copy = *this;
    copy.key_serde_ = std::move(serde);
    return copy;
  }
  Repartitioned withValueSerde(SerdePtr<V> serde) const {
    Repartitioned copy = *this;
    copy.value_serde_ = std::move(serde);
    return copy;
  }
  // Throws TopologyException for a count below 1.
  Repartitioned withNumberOfPartitions(int32_t partitions) const {
    if (partitions < 1) {
      throw TopologyException(
          "the number of partitions of a repartition topic must be at least "
          "1, got " +
          std::to_string(partitions));
    }
    Repartitioned copy = *this;
    copy.partitions_ = partitions;
    return copy;
  }

  const std::optional<std::string>& name() const { return name_; }
  const SerdePtr<K>& keySerde() const { return key_serde_; }
  const SerdePtr<V>& valueSerde() const { return value_serde_; }
  const std::optional<int32_t>& numberOfPartitions() const { return partitions_; }

 private:
  std::optional<std::string> name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  std::optional<int32_t> partitions_;
};

}  // namespace brook::streams
