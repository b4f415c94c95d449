#pragma once

#include <string>
#include <utility>

#include "framework/api/serde.h"
#include "operators/dsl/named.h"

namespace brook::streams {

// How KStream::to writes (Kafka Streams' Produced): key and value serdes and the sink node's
// name. A serde left null is the stream's own (the one it was read or repartitioned with, while
// no operator changed that type), else StreamsConfig's default.
//
//   stream.to("totals", Produced<std::string, int64_t>::with(Serdes::String(), Serdes::Int64()));
//
// Kafka's StreamPartitioner is not offered yet: records go to the producer's partitioner
// (murmur2 of the key bytes, as Kafka's default). Thread safety: a value type.
template <typename K, typename V>
class Produced {
 public:
  Produced() = default;

  static Produced with(SerdePtr<K> key_serde, SerdePtr<V> value_serde) {
    return Produced().withKeySerde(std::move(key_serde)).withValueSerde(std::move(value_serde));
  }
  static Produced keySerde(SerdePtr<K> serde) { return Produced().withKeySerde(std::move(serde)); }
  static Produced valueSerde(SerdePtr<V> serde) {
    return Produced().withValueSerde(std::move(serde));
  }
  // The sink node's name (validated as Named::as).
  static Produced as(std::string name) { return Produced().withName(std::move(name)); }

  Produced withKeySerde(SerdePtr<K> serde) const {
    Produced copy = *this;
    copy.key_serde_ = std::move(serde);
    return copy;
  }
  Produced withValueSerde(SerdePtr<V> serde) const {
    Produced copy = *this;
    copy.value_serde_ = std::move(serde);
    return copy;
  }
  Produced withName(std::string name) const {
    Produced copy = *this;
    copy.named_ = Named::as(std::move(name));
    return copy;
  }

  const SerdePtr<K>& keySerde() const { return key_serde_; }
  const SerdePtr<V>& valueSerde() const { return value_serde_; }
  const Named& named() const { return named_; }

 private:
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  Named named_;
};

}  // namespace brook::streams
