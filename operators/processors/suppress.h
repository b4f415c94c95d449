#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "framework/api/processor.h"
#include "operators/dsl/change.h"
#include "operators/processors/suppress_buffer.h"
#include "statestore/api/windowed.h"

namespace brook::operators::processors {

// Kafka Streams' KTableSuppressProcessor with untilWindowCloses: buffers each window's latest
// aggregate under its window end and forwards it once the largest record timestamp seen here
// reaches end + grace, so each window yields one final result. A delete (a session window
// that a merge removed) takes the window out of the buffer and is not forwarded: final results
// never retract (Kafka's safeToDropTombstones). For session windows `grace_ms` is the
// inactivity gap plus the grace.
template <typename K, typename V>
class SuppressFinalProcessor final
    : public streams::ContextualProcessor<streams::Windowed<K>, streams::Change<V>,
                                          streams::Windowed<K>, streams::Change<V>> {
 public:
  using Buffer = SuppressBuffer<streams::Windowed<K>, V>;

  SuppressFinalProcessor(std::string store_name, int64_t grace_ms)
      : store_name_(std::move(store_name)), grace_ms_(grace_ms) {}

  void init(streams::ProcessorContext<streams::Windowed<K>, streams::Change<V>>& context) override {
    streams::ContextualProcessor<streams::Windowed<K>, streams::Change<V>, streams::Windowed<K>,
                                 streams::Change<V>>::init(context);
    buffer_ = &context.template getStateStore<Buffer>(store_name_);
  }

  void process(const streams::Record<streams::Windowed<K>, streams::Change<V>>& record) override {
    if (record.value().newValue) {
      buffer_->Put(record.key(), *record.value().newValue, record.key().window().end(),
                   record.timestamp());
    } else {
      buffer_->Remove(record.key());
    }
    // Kafka's observedStreamTime: the largest timestamp of the records that reached this node,
    // not the task's stream time. With caching upstream, a commit flushes the cached updates in
    // the order they were last written; the task's stream time may already be past a window
    // whose last update is still queued behind another key's, and evicting on it would forward
    // the window's earlier value (and later a second result). A record's timestamp can only
    // close windows whose updates were all written (and so flushed) before it.
    observed_stream_time_ = std::max(observed_stream_time_, record.timestamp());
    const int64_t expiry = observed_stream_time_ - grace_ms_;
    buffer_->EvictWhile([expiry](int64_t window_end) { return window_end <= expiry; },
                        [this](const typename Buffer::Entry& entry) {
                          this->context().forward(
                              streams::Record<streams::Windowed<K>, streams::Change<V>>(
                                  entry.key, streams::Change<V>{entry.value, std::nullopt},
                                  entry.record_timestamp));
                        });
  }

 private:
  std::string store_name_;
  int64_t grace_ms_;
  Buffer* buffer_ = nullptr;
  // Starts unknown after a restart: the restored buffer then waits for new records, which can
  // only delay a window's result, never repeat it.
  int64_t observed_stream_time_ = -1;
};

template <typename K, typename V>
streams::ProcessorSupplier<streams::Windowed<K>, streams::Change<V>, streams::Windowed<K>,
                           streams::Change<V>>
SuppressFinalSupplier(std::string store_name, int64_t grace_ms) {
  return [=] { return std::make_unique<SuppressFinalProcessor<K, V>>(store_name, grace_ms); };
}

}  // namespace brook::operators::processors
