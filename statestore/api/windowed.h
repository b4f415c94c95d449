#pragma once

#include <compare>
#include <cstdint>

namespace brook::streams {

// A time window [start, end) in milliseconds since the epoch (Kafka's Window). Session windows
// include their end: [start, end].
class Window {
 public:
  Window(int64_t start_ms, int64_t end_ms) : start_(start_ms), end_(end_ms) {}
  int64_t start() const { return start_; }
  int64_t end() const { return end_; }
  // Kafka's TimeWindow.overlap: two [start, end) windows share a millisecond.
  bool overlap(const Window& other) const { return start_ < other.end_ && other.start_ < end_; }
  auto operator<=>(const Window&) const = default;

 private:
  int64_t start_;
  int64_t end_;
};

// A key of a windowed aggregation or window store: the record key and its window (Kafka's
// Windowed<K>). Ordered by key, then window start, then end.
template <typename K>
class Windowed {
 public:
  Windowed(K key, Window window) : key_(std::move(key)), window_(window) {}
  const K& key() const { return key_; }
  const Window& window() const { return window_; }
  auto operator<=>(const Windowed&) const = default;
  bool operator==(const Windowed&) const = default;

 private:
  K key_;
  Window window_;
};

}  // namespace brook::streams
