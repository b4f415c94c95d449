#pragma once

#include <optional>
#include <string>
#include <utility>

#include "framework/api/serde.h"
#include "operators/dsl/named.h"

namespace brook::streams {

// How KStream::groupBy / groupByKey groups records (Kafka Streams' Grouped): the serdes of the
// grouped stream (left null: the stream's own, else StreamsConfig's defaults) and the name of
// the repartition topic, "<application.id>-<name>-repartition", when one is needed (left empty:
// the aggregation's store name).
//
//   stream.groupBy(by_region, Grouped<std::string, Order>::as("by-region"));
//
// Thread safety: a value type.
template <typename K, typename V>
class Grouped {
 public:
  Grouped() = default;

  // Validated as Named::as.
  static Grouped as(std::string name) { return Grouped().withName(std::move(name)); }
  static Grouped with(SerdePtr<K> key_serde, SerdePtr<V> value_serde) {
    return Grouped().withKeySerde(std::move(key_serde)).withValueSerde(std::move(value_serde));
  }
  static Grouped keySerde(SerdePtr<K> serde) { return Grouped().withKeySerde(std::move(serde)); }
  static Grouped valueSerde(SerdePtr<V> serde) {
    return Grouped().withValueSerde(std::move(serde));
  }

  Grouped withName(std::string name) const {
    Grouped copy = *this;
    copy.name_ = Named::as(std::move(name)).name();
    return copy;
  }
  Grouped withKeySerde(SerdePtr<K> serde) const {
    Grouped copy = *this;
    copy.key_serde_ = std::move(serde);
    return copy;
  }
  Grouped withValueSerde(SerdePtr<V> serde) const {
    Grouped copy = *this;
    copy.value_serde_ = std::move(serde);
    return copy;
  }

  const std::optional<std::string>& name() const { return name_; }
  const SerdePtr<K>& keySerdeOrNull() const { return key_serde_; }
  const SerdePtr<V>& valueSerdeOrNull() const { return value_serde_; }

 private:
  std::optional<std::string> name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
};

}  // namespace brook::streams
