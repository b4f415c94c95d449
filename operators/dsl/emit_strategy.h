#pragma once

namespace brook::streams {

// When a windowed aggregation forwards its results (Kafka Streams' EmitStrategy, KIP-825):
// onWindowUpdate (the default) forwards every update of a window as it happens (through the
// store's cache when it has one); onWindowClose forwards each window once, when the stream time
// passes its end plus the grace, with the window's final aggregate, like
// suppress(untilWindowCloses) but without a separate buffer (the window store is the buffer,
// and its cache is turned off). Offered by TimeWindowedKStream::emitStrategy,
// SessionWindowedKStream::emitStrategy and SlidingWindowedKStream::emitStrategy.
//
//   .windowedBy(TimeWindows::ofSizeAndGrace(1min, 10s))
//   .emitStrategy(EmitStrategy::onWindowClose())
//   .count()
//
// Thread safety: a value type.
class EmitStrategy {
 public:
  static EmitStrategy onWindowUpdate() { return EmitStrategy(false); }
  static EmitStrategy onWindowClose() { return EmitStrategy(true); }

  bool isOnWindowClose() const { return on_window_close_; }

 private:
  explicit EmitStrategy(bool on_window_close) : on_window_close_(on_window_close) {}

  bool on_window_close_;
};

}  // namespace brook::streams
