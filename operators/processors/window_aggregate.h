#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

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
                           std::shared_ptr<const bool> send_old_values)
      : store_name_(std::move(store_name)),
        windows_(windows),
        aggregator_(std::move(aggregator)),
        send_old_values_(std::move(send_old_values)) {}

  void init(Context& context) override {
    streams::ContextualProcessor<K, V, streams::Windowed<K>, streams::Change<VAgg>>::init(context);
    store_ = &context.template getStateStore<Store>(store_name_);
    forwarder_.emplace(*store_, context, *send_old_values_);
  }

  void process(const streams::Record<K, V>& record) override {
    const int64_t timestamp = record.timestamp();
    // The task's stream time already includes this record (and survives restarts with the
    // committed offsets), so a window closed before a crash stays closed after it.
    const int64_t stream_time = std::max(this->context().currentStreamTimeMs(), timestamp);
    const int64_t close_time = stream_time - windows_.gracePeriodMs();
    for (const streams::Window& window : windows_.windowsFor(timestamp)) {
      if (window.end() <= close_time) {
        ++dropped_;
        this->context().recordDroppedRecord();  // per window, as Kafka's
        if (dropped_ == 1 || dropped_ % 1000 == 0) {
          brook::GetLogger("operators")->warn(
              "[task {}] skipping a record for the expired window [{},{}): record timestamp {}, "
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
      forwarder_->MaybeForward(streams::Windowed<K>(record.key(), window), std::move(aggregate),
                               std::move(old_value), new_timestamp, record.headers());
    }
  }

  // Records dropped because their windows had closed (Kafka's dropped-records metric).
  int64_t droppedRecords() const { return dropped_; }

 private:
  std::string store_name_;
  streams::TimeWindows windows_;
  std::shared_ptr<const Aggregator> aggregator_;
  std::shared_ptr<const bool> send_old_values_;
  Store* store_ = nullptr;
  std::optional<TableForwarder<streams::Windowed<K>, VAgg>> forwarder_;
  int64_t dropped_ = 0;
};

template <typename K, typename V, typename VAgg>
streams::ProcessorSupplier<K, V, streams::Windowed<K>, streams::Change<VAgg>>
WindowAggregateSupplier(std::string store_name, streams::TimeWindows windows,
                        typename WindowAggregateProcessor<K, V, VAgg>::Aggregator aggregator,
                        std::shared_ptr<const bool> send_old_values) {
  using P = WindowAggregateProcessor<K, V, VAgg>;
  auto shared = std::make_shared<const typename P::Aggregator>(std::move(aggregator));
  return [=] { return std::make_unique<P>(store_name, windows, shared, send_old_values); };
}

}  // namespace brook::operators::processors
