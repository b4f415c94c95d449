#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "framework/api/errors.h"
#include "framework/api/serde.h"
#include "statestore/api/big_endian.h"
#include "statestore/api/windowed.h"

namespace brook::streams {

// The bytes of a time-windowed key (Kafka's TimeWindowedSerializer/Deserializer): the key's
// bytes as `key_serde` writes them, then the window start as 8 big-endian bytes. The end is not
// written; reading sets it to start + window_size_ms (at most INT64_MAX), as Kafka does with
// the window size given to the deserializer. What windowed aggregations write to their output
// topics. Writing throws SerializationException when `key_serde` writes a null; reading when
// there are fewer than 8 bytes. Thread safety: as `key_serde`'s.
template <typename K>
class TimeWindowedSerde final : public Serde<Windowed<K>> {
 public:
  // Throws StreamsException if `key_serde` is null or the window size is negative.
  TimeWindowedSerde(SerdePtr<K> key_serde, int64_t window_size_ms)
      : key_serde_(std::move(key_serde)), window_size_ms_(window_size_ms) {
    if (!key_serde_) throw StreamsException("TimeWindowedSerde needs a key serde");
    if (window_size_ms_ < 0) throw StreamsException("TimeWindowedSerde: negative window size");
  }

  bool serialize(std::string_view topic, const Windowed<K>& data, std::string& out) const override {
    if (!key_serde_->serialize(topic, data.key(), out)) {
      throw SerializationException("TimeWindowed: topic " + std::string(topic) +
                                   ": the key serde " + key_serde_->name() + " wrote a null");
    }
    detail::AppendInt64BigEndian(out, data.window().start());
    return true;
  }

  Windowed<K> deserialize(std::string_view topic,
                          std::optional<std::string_view> bytes) const override {
    if (!bytes || bytes->size() < 8) {
      throw SerializationException("TimeWindowed: topic " + std::string(topic) +
                                   ": need at least 8 bytes, got " +
                                   (bytes ? std::to_string(bytes->size()) : std::string("a null")));
    }
    size_t key_size = bytes->size() - 8;
    int64_t start = detail::ReadInt64BigEndian(*bytes, key_size);
    int64_t end = start > std::numeric_limits<int64_t>::max() - window_size_ms_
                      ? std::numeric_limits<int64_t>::max()
                      : start + window_size_ms_;
    return Windowed<K>(key_serde_->deserialize(topic, bytes->substr(0, key_size)),
                       Window(start, end));
  }

  std::string name() const override { return "TimeWindowed<" + key_serde_->name() + ">"; }

  int64_t windowSize() const { return window_size_ms_; }

 private:
  SerdePtr<K> key_serde_;
  int64_t window_size_ms_;
};

// The bytes of a session-windowed key (Kafka's SessionWindowedSerializer/Deserializer): the
// key's bytes, then the session end and start as 8 big-endian bytes each. Errors as
// TimeWindowedSerde's (16 bytes at least). Thread safety: as `key_serde`'s.
template <typename K>
class SessionWindowedSerde final : public Serde<Windowed<K>> {
 public:
  // Throws StreamsException if `key_serde` is null.
  explicit SessionWindowedSerde(SerdePtr<K> key_serde) : key_serde_(std::move(key_serde)) {
    if (!key_serde_) throw StreamsException("SessionWindowedSerde needs a key serde");
  }

  bool serialize(std::string_view topic, const Windowed<K>& data, std::string& out) const override {
    if (!key_serde_->serialize(topic, data.key(), out)) {
      throw SerializationException("SessionWindowed: topic " + std::string(topic) +
                                   ": the key serde " + key_serde_->name() + " wrote a null");
    }
    detail::AppendInt64BigEndian(out, data.window().end());
    detail::AppendInt64BigEndian(out, data.window().start());
    return true;
  }

  Windowed<K> deserialize(std::string_view topic,
                          std::optional<std::string_view> bytes) const override {
    if (!bytes || bytes->size() < 16) {
      throw SerializationException("SessionWindowed: topic " + std::string(topic) +
                                   ": need at least 16 bytes, got " +
                                   (bytes ? std::to_string(bytes->size()) : std::string("a null")));
    }
    size_t key_size = bytes->size() - 16;
    int64_t end = detail::ReadInt64BigEndian(*bytes, key_size);
    int64_t start = detail::ReadInt64BigEndian(*bytes, key_size + 8);
    return Windowed<K>(key_serde_->deserialize(topic, bytes->substr(0, key_size)),
                       Window(start, end));
  }

  std::string name() const override { return "SessionWindowed<" + key_serde_->name() + ">"; }

 private:
  SerdePtr<K> key_serde_;
};

// Kafka's WindowedSerdes factories.
struct WindowedSerdes {
  template <typename K>
  static SerdePtr<Windowed<K>> timeWindowedSerdeFrom(SerdePtr<K> key_serde,
                                                     int64_t window_size_ms) {
    return std::make_shared<const TimeWindowedSerde<K>>(std::move(key_serde), window_size_ms);
  }
  template <typename K>
  static SerdePtr<Windowed<K>> sessionWindowedSerdeFrom(SerdePtr<K> key_serde) {
    return std::make_shared<const SessionWindowedSerde<K>>(std::move(key_serde));
  }
};

}  // namespace brook::streams
