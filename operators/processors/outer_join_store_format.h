#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "framework/api/errors.h"
#include "framework/api/serde.h"
#include "statestore/api/big_endian.h"

// The key and value layout of a left/outer KStream-KStream join's "outer shared" store (Kafka's
// TimestampedKeyAndJoinSide, LeftOrRightValue and the ListValueStore's list of values), byte for
// byte Kafka's, so the store's changelog is Kafka's too:
//
//   key:   [timestamp int64 BE][side: 1 = left, 0 = right][key serde bytes]
//   value: [0x01 (Kafka ListSerde VARIABLE_SIZE)][count int32 BE]
//          count x ([length int32 BE][side: 1 = left, 0 = right][value serde bytes])
//
// Keys sort by timestamp first (non-negative timestamps: big-endian bytes sort as numbers), then
// right before left, then by key: the emit scan of StreamStreamJoinProcessor relies on it.
namespace brook::operators::processors {

// An unjoined record's key in the outer store (Kafka's TimestampedKeyAndJoinSide).
template <typename K>
struct TimestampedKeyAndJoinSide {
  K key;
  int64_t timestamp = 0;
  bool left_side = true;

  bool operator==(const TimestampedKeyAndJoinSide&) const = default;
};

// An unjoined record's value: the left or the right one (Kafka's LeftOrRightValue).
template <typename VLeft, typename VRight>
struct LeftOrRightValue {
  std::optional<VLeft> left;
  std::optional<VRight> right;
};

// Kafka's TimestampedKeyAndJoinSideSerde over the join's key serde. Thread safety: immutable.
template <typename K>
class TimestampedKeyAndJoinSideSerde final : public streams::Serde<TimestampedKeyAndJoinSide<K>> {
 public:
  explicit TimestampedKeyAndJoinSideSerde(streams::SerdePtr<K> key_serde)
      : key_serde_(std::move(key_serde)) {}

  bool serialize(std::string_view topic, const TimestampedKeyAndJoinSide<K>& data,
                 std::string& out) const override {
    streams::detail::AppendInt64BigEndian(out, data.timestamp);
    out.push_back(data.left_side ? 1 : 0);
    std::string key;
    key_serde_->serialize(topic, data.key, key);
    out += key;
    return true;
  }
  TimestampedKeyAndJoinSide<K> deserialize(std::string_view topic,
                                           std::optional<std::string_view> bytes) const override {
    if (!bytes || bytes->size() < 9) {
      throw streams::SerializationException("TimestampedKeyAndJoinSide: fewer than 9 bytes");
    }
    return {key_serde_->deserialize(topic, bytes->substr(9)),
            streams::detail::ReadInt64BigEndian(*bytes, 0), (*bytes)[8] == 1};
  }
  std::string name() const override {
    return "TimestampedKeyAndJoinSide<" + key_serde_->name() + ">";
  }

 private:
  streams::SerdePtr<K> key_serde_;
};

// Kafka's ListSerde(ArrayList, ByteArray) over LeftOrRightValueSerde (the side byte, then the
// left or right value serde's bytes): what the ListValueStore keeps per key.
template <typename VLeft, typename VRight>
class LeftOrRightValueListSerde final
    : public streams::Serde<std::vector<LeftOrRightValue<VLeft, VRight>>> {
 public:
  using List = std::vector<LeftOrRightValue<VLeft, VRight>>;

  LeftOrRightValueListSerde(streams::SerdePtr<VLeft> left_serde,
                            streams::SerdePtr<VRight> right_serde)
      : left_serde_(std::move(left_serde)), right_serde_(std::move(right_serde)) {}

  bool serialize(std::string_view topic, const List& data, std::string& out) const override {
    out.push_back(1);
    streams::detail::AppendInt32BigEndian(out, static_cast<int32_t>(data.size()));
    std::string entry;
    for (const auto& value : data) {
      entry.clear();
      entry.push_back(value.left ? 1 : 0);
      std::string bytes;
      if (value.left) {
        left_serde_->serialize(topic, *value.left, bytes);
      } else {
        right_serde_->serialize(topic, *value.right, bytes);
      }
      entry += bytes;
      streams::detail::AppendInt32BigEndian(out, static_cast<int32_t>(entry.size()));
      out += entry;
    }
    return true;
  }
  List deserialize(std::string_view topic, std::optional<std::string_view> bytes) const override {
    List list;
    if (!bytes) return list;
    std::string_view in = *bytes;
    if (in.size() < 5 || in[0] != 1) {
      throw streams::SerializationException("LeftOrRightValue list: bad header");
    }
    const int32_t count = streams::detail::ReadInt32BigEndian(in, 1);
    size_t at = 5;
    for (int32_t i = 0; i < count; ++i) {
      if (in.size() < at + 4) throw streams::SerializationException("LeftOrRightValue list: cut");
      const int32_t length = streams::detail::ReadInt32BigEndian(in, at);
      at += 4;
      if (length < 1 || in.size() < at + static_cast<size_t>(length)) {
        throw streams::SerializationException("LeftOrRightValue list: bad entry length");
      }
      const std::string_view entry = in.substr(at + 1, static_cast<size_t>(length) - 1);
      LeftOrRightValue<VLeft, VRight> value;
      if (in[at] == 1) {
        value.left = left_serde_->deserialize(topic, entry);
      } else {
        value.right = right_serde_->deserialize(topic, entry);
      }
      list.push_back(std::move(value));
      at += static_cast<size_t>(length);
    }
    return list;
  }
  std::string name() const override {
    return "List<LeftOrRightValue<" + left_serde_->name() + ", " + right_serde_->name() + ">>";
  }

 private:
  streams::SerdePtr<VLeft> left_serde_;
  streams::SerdePtr<VRight> right_serde_;
};

}  // namespace brook::operators::processors
