#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/varint.h"
#include "framework/api/errors.h"
#include "framework/api/serde.h"
#include "operators/dsl/change.h"

namespace brook::streams::detail {

// The value serde of KTable::groupBy's repartition topic (Kafka Streams' ChangedSerializer and
// ChangedDeserializer): a Change<V> with its new value, its old value or both, in Kafka's byte
// layout, so a Kafka Streams application could read Brook's topic and the other way round.
// The last byte says which form a record has:
//
//   {old value bytes}{0}                                      only the old value (a subtract)
//   {new value bytes}{1}                                      only the new value (an add)
//   {varint new length}{new value bytes}{old value bytes}{2}  both (the grouping key stayed)
//
// The varint is Kafka's zigzag varint. Kafka's forms 3 to 5 (1 to 3 plus an is-latest byte,
// written for versioned tables) are read; Brook never writes them. A change with neither value,
// or an inner serde writing a Kafka null for a present value, throws SerializationException.
// Thread safety: stateless, as Serde requires.
template <typename V>
class ChangedSerde final : public Serde<Change<V>> {
 public:
  explicit ChangedSerde(SerdePtr<V> inner) : inner_(std::move(inner)) {}

  bool serialize(std::string_view topic, const Change<V>& data, std::string& out) const override {
    std::string new_bytes;
    std::string old_bytes;
    if (data.newValue) Write(topic, *data.newValue, new_bytes);
    if (data.oldValue) Write(topic, *data.oldValue, old_bytes);
    const bool has_new = data.newValue.has_value();
    const bool has_old = data.oldValue.has_value();
    if (has_new && has_old) {
      uint8_t length[kMaxVarintBytes];
      const size_t n =
          EncodeUnsignedVarlong(length, ZigZagEncode32(static_cast<int32_t>(new_bytes.size())));
      out.append(reinterpret_cast<const char*>(length), n);
      out += new_bytes;
      out += old_bytes;
      out.push_back(2);
    } else if (has_new) {
      out = std::move(new_bytes);
      out.push_back(1);
    } else if (has_old) {
      out = std::move(old_bytes);
      out.push_back(0);
    } else {
      throw SerializationException(
          "ChangedSerde: a change with neither a new nor an old value cannot be written");
    }
    return true;
  }

  Change<V> deserialize(std::string_view topic,
                        std::optional<std::string_view> bytes) const override {
    if (!bytes || bytes->empty()) {
      throw SerializationException("ChangedSerde: a change record has no bytes");
    }
    std::string_view data = *bytes;
    const uint8_t flag = static_cast<uint8_t>(data.back());
    data.remove_suffix(1);
    if (flag > 5) {
      throw SerializationException("ChangedSerde: unknown encoding flag " + std::to_string(flag));
    }
    if (flag >= 3 && flag <= 5) {
      if (data.empty()) throw SerializationException("ChangedSerde: no is-latest byte");
      data.remove_suffix(1);  // Kafka's is-latest byte: every record of a plain table is latest.
    }
    Change<V> change;
    switch (flag % 3) {
      case 0:
        change.oldValue = inner_->deserialize(topic, data);
        break;
      case 1:
        change.newValue = inner_->deserialize(topic, data);
        break;
      default: {
        const auto* begin = reinterpret_cast<const uint8_t*>(data.data());
        int32_t length = 0;
        const size_t n = DecodeVarint(begin, begin + data.size(), &length);
        if (n == 0 || length < 0 || static_cast<size_t>(length) > data.size() - n) {
          throw SerializationException("ChangedSerde: bad new-value length");
        }
        change.newValue = inner_->deserialize(topic, data.substr(n, length));
        change.oldValue = inner_->deserialize(topic, data.substr(n + length));
      }
    }
    return change;
  }

  std::string name() const override { return "Changed(" + inner_->name() + ")"; }

 private:
  void Write(std::string_view topic, const V& value, std::string& out) const {
    if (!inner_->serialize(topic, value, out)) {
      throw SerializationException("ChangedSerde: " + inner_->name() +
                                   " wrote a Kafka null for a table value");
    }
  }

  SerdePtr<V> inner_;
};

}  // namespace brook::streams::detail
