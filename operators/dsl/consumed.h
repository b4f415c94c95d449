#pragma once

#include <optional>
#include <string>
#include <utility>

#include "framework/api/serde.h"
#include "framework/api/timestamp_extractor.h"
#include "operators/dsl/named.h"

namespace brook::streams {

// How StreamsBuilder::stream reads its topics (Kafka Streams' Consumed): key and value serdes
// (left null: StreamsConfig's default.key.serde / default.value.serde), a timestamp extractor
// (left empty: each record's own timestamp) and the source node's name.
//
//   builder.stream("orders", Consumed<std::string, Order>::with(Serdes::String(), order_serde)
//                                .withTimestampExtractor(order_time));
//
// Kafka's offset reset policy is not offered: sources read from the committed offset, else
// from the earliest one. Thread safety: a value type.
template <typename K, typename V>
class Consumed {
 public:
  Consumed() = default;

  static Consumed with(SerdePtr<K> key_serde, SerdePtr<V> value_serde) {
    return Consumed().withKeySerde(std::move(key_serde)).withValueSerde(std::move(value_serde));
  }
  static Consumed with(SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                       TimestampExtractor<K, V> extractor) {
    return with(std::move(key_serde), std::move(value_serde))
        .withTimestampExtractor(std::move(extractor));
  }
  static Consumed with(TimestampExtractor<K, V> extractor) {
    return Consumed().withTimestampExtractor(std::move(extractor));
  }
  // The source node's name (validated as Named::as).
  static Consumed as(std::string name) { return Consumed().withName(std::move(name)); }

  Consumed withKeySerde(SerdePtr<K> serde) const {
    Consumed copy = *this;
    copy.key_serde_ = std::move(serde);
    return copy;
  }
  Consumed withValueSerde(SerdePtr<V> serde) const {
    Consumed copy = *this;
    copy.value_serde_ = std::move(serde);
    return copy;
  }
  Consumed withTimestampExtractor(TimestampExtractor<K, V> extractor) const {
    Consumed copy = *this;
    copy.extractor_ = std::move(extractor);
    return copy;
  }
  Consumed withName(std::string name) const {
    Consumed copy = *this;
    copy.named_ = Named::as(std::move(name));
    return copy;
  }

  const SerdePtr<K>& keySerde() const { return key_serde_; }
  const SerdePtr<V>& valueSerde() const { return value_serde_; }
  const TimestampExtractor<K, V>& timestampExtractor() const { return extractor_; }
  const Named& named() const { return named_; }

 private:
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  TimestampExtractor<K, V> extractor_;
  Named named_;
};

}  // namespace brook::streams
