#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "framework/api/errors.h"
#include "framework/api/serde.h"
#include "statestore/api/big_endian.h"
#include "statestore/api/value_and_timestamp.h"

namespace brook::streams {

// The bytes of a ValueAndTimestamp<V> (Kafka's ValueAndTimestampSerde): the timestamp as 8
// big-endian bytes, then the value's bytes as `value_serde` writes them. A value that
// `value_serde` writes as a Kafka null makes the whole a null (a deleted entry in a store).
// Reading throws SerializationException for a null or fewer than 8 bytes, naming the topic and
// the length. Thread safety: as `value_serde`'s.
template <typename V>
class ValueAndTimestampSerde final : public Serde<ValueAndTimestamp<V>> {
 public:
  // Throws StreamsException if `value_serde` is null.
  explicit ValueAndTimestampSerde(SerdePtr<V> value_serde) : value_serde_(std::move(value_serde)) {
    if (!value_serde_) throw StreamsException("ValueAndTimestampSerde needs a value serde");
  }

  bool serialize(std::string_view topic, const ValueAndTimestamp<V>& data,
                 std::string& out) const override {
    std::string value;
    if (!value_serde_->serialize(topic, data.value, value)) return false;
    out.reserve(8 + value.size());
    detail::AppendInt64BigEndian(out, data.timestamp);
    out.append(value);
    return true;
  }

  ValueAndTimestamp<V> deserialize(std::string_view topic,
                                   std::optional<std::string_view> bytes) const override {
    if (!bytes || bytes->size() < 8) {
      throw SerializationException("ValueAndTimestamp: topic " + std::string(topic) +
                                   ": need at least 8 bytes, got " +
                                   (bytes ? std::to_string(bytes->size()) : std::string("a null")));
    }
    int64_t timestamp = detail::ReadInt64BigEndian(*bytes, 0);
    return ValueAndTimestamp<V>{value_serde_->deserialize(topic, bytes->substr(8)), timestamp};
  }

  std::string name() const override { return "ValueAndTimestamp<" + value_serde_->name() + ">"; }

  const SerdePtr<V>& valueSerde() const { return value_serde_; }

 private:
  SerdePtr<V> value_serde_;
};

template <typename V>
SerdePtr<ValueAndTimestamp<V>> MakeValueAndTimestampSerde(SerdePtr<V> value_serde) {
  return std::make_shared<const ValueAndTimestampSerde<V>>(std::move(value_serde));
}

}  // namespace brook::streams
