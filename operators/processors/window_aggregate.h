#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "framework/api/processor.h"
#include "operators/dsl/change.h"
#include "operators/dsl/time_windows.h"
#include "operators/processors/table_forwarder.h"
#include "statestore/api/value_and_timestamp.h"
#include "statestore/api/window_store.h"
#include "statestore/api/windowed.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamWindowAggregate, behind TimeWindowedKStream::count|reduce|aggregate:
// adds each record to every window it falls in (one for tumbling windows) and forwards each
// window's new aggregate keyed by Windowed<K>. A window closes when the stream time reaches
// its end plus the grace period; a record for a closed window is dropped, logged and counted
// (droppedRecords). Aggregates live in a timestamped window store; an aggregate's timestamp is
// the largest of its records'. Reduce is an aggregate whose initializer gives nothing: the first
// value starts it.
//
// With `emit_on_window_close` (EmitStrategy::onWindowClose, Kafka's emit-final) updates are not
// forwarded; whenever a record moves the close time forward, the windows that closed since the
// last emission (ends in (last close time, close time]) are read from the store and forwarded
// once each with their final aggregate (timestamp: the aggregate's). They are read before the
// record's own puts, which may expire them from the store. The last close time is committed
// with the task's offsets as processor metadata under the store's name (as Kafka), so a task
// starting again on those offsets does not emit a window twice. Unlike Kafka, the emissions are
// not throttled by wall-clock time.
template <typename K, typename V, typename VAgg>
class WindowAggregateProcessor final
    : public streams::ContextualProcessor<K, V, streams::Windowed<K>, streams::Change<VAgg>> {
 public:
  // Returns the aggregate after `value`; `aggregate` is empty for a window's first record.
  using Aggregator =
      std::function<VAgg(const K& key, const V& value, const std::optional<VAgg>& aggregate)>;
  using Store = streams::WindowStore<K, streams::ValueAndTimestamp<VAgg>>;
  using Context = streams::ProcessorContext<streams::Windowed<K>, streams::Change<VAgg>>;

  WindowAggregateProcessor(std::string store_name, streams::TimeWindows windows,
                           std::shared_ptr<const Aggregator> aggregator,
                           std::shared_ptr<const bool> send_old_values,
                           bool emit_on_window_close = false)
      : store_name_(std::move(store_name)),
        windows_(windows),
        aggregator_(std::move(aggregator)),
        send_old_values_(std::move(send_old_values)),
        emit_on_window_close_(emit_on_window_close) {}

  void init(Context& context) override {
    streams::ContextualProcessor<K, V, streams::Windowed<K>, streams::Change<VAgg>>::init(context);
    store_ = &context.template getStateStore<Store>(store_name_);
    forwarder_.emplace(*store_, context, *send_old_values_);
    if (emit_on_window_close_) {
      last_emit_close_time_ = context.processorMetadataForKey(store_name_).value_or(-1);
    }
  }

  void process(const streams::Record<K, V>& record) override {
    const int64_t timestamp = record.timestamp();
    // The task's stream time already includes this record (and survives restarts with the
    // committed offsets), so a window closed before a crash stays closed after it.
    const int64_t stream_time = std::max(this->context().currentStreamTimeMs(), timestamp);
    const int64_t close_time = stream_time - windows_.gracePeriodMs();
    if (emit_on_window_close_) EmitClosedWindows(record, close_time);
    for (const streams::Window& window : windows_.windowsFor(timestamp)) {
      if (window.end() <= close_time) {
        ++dropped_;
        this->context().recordDroppedRecord();  // per window, as Kafka's
        if (dropped_ == 1 || dropped_ % 1000 == 0) {
          brook::GetLogger("operators")
              ->warn(
                  "[task {}] skipping a record for the expired window [{},{}): record timestamp "
                  "{}, "
                  "window close time {} ({} dropped so far)",
                  this->context().taskId().toString(), window.start(), window.end(), timestamp,
                  close_time, dropped_);
        }
        continue;
      }
      std::optional<streams::ValueAndTimestamp<VAgg>> old =
          store_->fetch(record.key(), window.start());
      std::optional<VAgg> old_value;
      int64_t new_timestamp = timestamp;
      if (old) {
        new_timestamp = std::max(timestamp, old->timestamp);
        old_value = std::move(old->value);
      }
      VAgg aggregate = (*aggregator_)(record.key(), record.value(), old_value);
      store_->put(record.key(), streams::ValueAndTimestamp<VAgg>{aggregate, new_timestamp},
                  window.start());
      if (emit_on_window_close_) continue;
      forwarder_->MaybeForward(streams::Windowed<K>(record.key(), window), std::move(aggregate),
                               std::move(old_value), new_timestamp, record.headers());
    }
  }

  // Records dropped because their windows had closed (Kafka's dropped-records metric).
  int64_t droppedRecords() const { return dropped_; }

 private:
  // Kafka's maybeForwardFinalResult / fetchAndEmit for time windows: windows whose end is in
  // (last close time, close time], i.e. starts in (last - size, close - size].
  void EmitClosedWindows(const streams::Record<K, V>& record, int64_t close_time) {
    if (last_emit_close_time_ != -1 && close_time <= last_emit_close_time_) return;
    const int64_t upper = close_time - windows_.size();
    if (upper < 0) return;
    const int64_t lower = last_emit_close_time_ == -1
                              ? 0
                              : std::max<int64_t>(0, last_emit_close_time_ - windows_.size()) + 1;
    ForwardFinalWindows(*store_, lower, upper, this->context(), record.headers());
    last_emit_close_time_ = close_time;
    this->context().addProcessorMetadataKeyValue(store_name_, close_time);
  }

  std::string store_name_;
  streams::TimeWindows windows_;
  std::shared_ptr<const Aggregator> aggregator_;
  std::shared_ptr<const bool> send_old_values_;
  bool emit_on_window_close_;
  int64_t last_emit_close_time_ = -1;
  Store* store_ = nullptr;
  std::optional<TableForwarder<streams::Windowed<K>, VAgg>> forwarder_;
  int64_t dropped_ = 0;
};

template <typename K, typename V, typename VAgg>
streams::ProcessorSupplier<K, V, streams::Windowed<K>, streams::Change<VAgg>>
WindowAggregateSupplier(std::string store_name, streams::TimeWindows windows,
                        typename WindowAggregateProcessor<K, V, VAgg>::Aggregator aggregator,
                        std::shared_ptr<const bool> send_old_values,
                        bool emit_on_window_close = false) {
  using P = WindowAggregateProcessor<K, V, VAgg>;
  auto shared = std::make_shared<const typename P::Aggregator>(std::move(aggregator));
  return [=] {
    return std::make_unique<P>(store_name, windows, shared, send_old_values, emit_on_window_close);
  };
}

}  // namespace brook::operators::processors
