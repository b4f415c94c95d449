#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace brook::streams {

// One Kafka record header. A header value may be null (absent), as in Kafka.
struct Header {
  std::string key;
  std::optional<std::string> value;

  bool operator==(const Header&) const = default;
};

// The headers of a record, in order; keys may repeat (Kafka's Headers).
// Thread safety: a value type.
class Headers {
 public:
  Headers() = default;
  Headers(std::initializer_list<Header> headers) : headers_(headers) {}
  // Copying the (usual) empty list does not call std::vector's out-of-line copy: records are
  // copied with their headers at most operators, and that call was 4% of TopologyTestDriver's
  // time through a chain of five operators.
  Headers(const Headers& other)
      : headers_(other.headers_.empty() ? std::vector<Header>() : other.headers_) {}
  Headers& operator=(const Headers& other) {
    if (other.headers_.empty()) {
      headers_.clear();
    } else if (this != &other) {
      headers_ = other.headers_;
    }
    return *this;
  }
  Headers(Headers&&) noexcept = default;
  Headers& operator=(Headers&&) noexcept = default;

  Headers& add(std::string key, std::optional<std::string> value) {
    headers_.push_back({std::move(key), std::move(value)});
    return *this;
  }
  // Removes every header with `key`.
  Headers& remove(std::string_view key) {
    std::erase_if(headers_, [&](const Header& h) { return h.key == key; });
    return *this;
  }
  // The last header with `key`, or null (Kafka's lastHeader).
  const Header* lastHeader(std::string_view key) const {
    for (auto it = headers_.rbegin(); it != headers_.rend(); ++it) {
      if (it->key == key) return &*it;
    }
    return nullptr;
  }
  bool empty() const { return headers_.empty(); }
  size_t size() const { return headers_.size(); }
  auto begin() const { return headers_.begin(); }
  auto end() const { return headers_.end(); }

  bool operator==(const Headers&) const = default;

 private:
  std::vector<Header> headers_;
};

// Where the record being processed came from (Kafka's RecordMetadata): absent while a
// punctuator runs.
struct RecordMetadata {
  std::string_view topic;
  int32_t partition = -1;
  int64_t offset = -1;
};

// A record flowing through a topology (Kafka Streams' api.Record): key, value, timestamp in
// milliseconds and headers. Immutable in spirit: the with* methods return a new record;
// called on an rvalue they move the unchanged parts instead of copying them.
template <typename K, typename V>
class Record {
 public:
  using Key = K;
  using Value = V;

  Record(K key, V value, int64_t timestamp, Headers headers = {})
      : key_(std::move(key)),
        value_(std::move(value)),
        timestamp_(timestamp),
        headers_(std::move(headers)) {}

  const K& key() const { return key_; }
  const V& value() const { return value_; }
  int64_t timestamp() const { return timestamp_; }
  const Headers& headers() const { return headers_; }
  Headers& headers() { return headers_; }

  template <typename NewK>
  Record<NewK, V> withKey(NewK key) const& {
    return Record<NewK, V>(std::move(key), value_, timestamp_, headers_);
  }
  template <typename NewK>
  Record<NewK, V> withKey(NewK key) && {
    return Record<NewK, V>(std::move(key), std::move(value_), timestamp_, std::move(headers_));
  }
  template <typename NewV>
  Record<K, NewV> withValue(NewV value) const& {
    return Record<K, NewV>(key_, std::move(value), timestamp_, headers_);
  }
  template <typename NewV>
  Record<K, NewV> withValue(NewV value) && {
    return Record<K, NewV>(std::move(key_), std::move(value), timestamp_, std::move(headers_));
  }
  Record withTimestamp(int64_t timestamp) const& {
    return Record(key_, value_, timestamp, headers_);
  }
  Record withTimestamp(int64_t timestamp) && {
    return Record(std::move(key_), std::move(value_), timestamp, std::move(headers_));
  }
  Record withHeaders(Headers headers) const& { return Record(key_, value_, timestamp_, headers); }
  Record withHeaders(Headers headers) && {
    return Record(std::move(key_), std::move(value_), timestamp_, std::move(headers));
  }

  bool operator==(const Record&) const = default;

 private:
  K key_;
  V value_;
  int64_t timestamp_;
  Headers headers_;
};

// The type of a key or value that is always absent (Kafka's Void): Processor<K, V, Void, Void>
// forwards nothing; Serdes::Void() reads and writes Kafka nulls.
struct Void {
  bool operator==(const Void&) const = default;
};

// Kafka Streams' KeyValue, for the DSL's map/flatMap results and the test driver's reads.
template <typename K, typename V>
struct KeyValue {
  K key;
  V value;

  bool operator==(const KeyValue&) const = default;
};

}  // namespace brook::streams
