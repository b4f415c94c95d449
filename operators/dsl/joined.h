#pragma once

#include <optional>
#include <string>
#include <utility>

#include "framework/api/serde.h"
#include "operators/dsl/named.h"

namespace brook::streams {

// Options of a KStream-KTable join (Kafka Streams' Joined<K, V, VO>): the join node's name
// (also the repartition topic's, "<name>-repartition", when the stream must be repartitioned
// first) and the serdes of that repartition: the key's and the stream value's (left null: the
// stream's, else the defaults). The other value serde is kept for Kafka's API; the table
// side is never repartitioned.
// Thread safety: a value type.
template <typename K, typename V, typename VO>
class Joined {
 public:
  Joined() = default;

  static Joined with(SerdePtr<K> key_serde, SerdePtr<V> value_serde,
                     SerdePtr<VO> other_value_serde = nullptr) {
    Joined joined;
    joined.key_serde_ = std::move(key_serde);
    joined.value_serde_ = std::move(value_serde);
    joined.other_value_serde_ = std::move(other_value_serde);
    return joined;
  }
  // Validated as Named::as.
  static Joined as(std::string name) { return Joined().withName(std::move(name)); }

  Joined withName(std::string name) const {
    Joined copy = *this;
    copy.name_ = Named::as(std::move(name)).name();
    return copy;
  }
  Joined withKeySerde(SerdePtr<K> serde) const {
    Joined copy = *this;
    copy.key_serde_ = std::move(serde);
    return copy;
  }
  Joined withValueSerde(SerdePtr<V> serde) const {
    Joined copy = *this;
    copy.value_serde_ = std::move(serde);
    return copy;
  }
  Joined withOtherValueSerde(SerdePtr<VO> serde) const {
    Joined copy = *this;
    copy.other_value_serde_ = std::move(serde);
    return copy;
  }

  const std::optional<std::string>& name() const { return name_; }
  const SerdePtr<K>& keySerde() const { return key_serde_; }
  const SerdePtr<V>& valueSerde() const { return value_serde_; }
  const SerdePtr<VO>& otherValueSerde() const { return other_value_serde_; }

 private:
  std::optional<std::string> name_;
  SerdePtr<K> key_serde_;
  SerdePtr<V> value_serde_;
  SerdePtr<VO> other_value_serde_;
};

}  // namespace brook::streams
