#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "framework/api/errors.h"
#include "framework/api/processor.h"
#include "operators/dsl/change.h"
#include "operators/dsl/sliding_windows.h"
#include "operators/processors/table_forwarder.h"
#include "statestore/api/value_and_timestamp.h"
#include "statestore/api/window_store.h"
#include "statestore/api/windowed.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamSlidingWindowAggregate (its in-order variant), behind
// SlidingWindowedKStream::count|reduce|aggregate. A window [start, start + difference] (both
// ends included) exists for a key only where its content differs from its neighbours': the left
// window [t - difference, t] of each record at t, and the right window [t + 1, t + 1 + difference]
// of a record when a later record of the key falls in it. A record at t:
//   - is added to every existing window that holds t (ending at t or later, starting at or before
//     t);
//   - creates its left window, starting from the aggregate of the latest window that ended
//     before t when the previous record is within the difference, else from the initializer;
//   - creates the previous record's right window if t falls in it and it does not exist yet;
//   - creates its own right window (a copy of the aggregate of the records after t) when a later
//     record is within the difference (out-of-order input).
// Records before the difference (t < difference) share the window [0, difference] instead of
// left windows with negative starts (Kafka's processEarly).
//
// The stream time is the task's; a window closes when it reaches the window's end + grace. A
// record whose own right window would already be closed is dropped, logged and counted, and so
// is each closed window it would have updated (droppedRecords and the task's
// dropped-records-total, once per window as Kafka's). Aggregates live in a timestamped
// window store (window size = the difference); an aggregate's timestamp is the largest of its
// records'. Updates are forwarded as TimeWindowedKStream's (TableForwarder: through the cache
// when the store has one), keyed by Windowed<K> [start, start + difference].
//
// With `emit_on_window_close` (EmitStrategy::onWindowClose, Kafka's emit-final for sliding
// windows) updates are not forwarded; whenever a record moves the close time forward, the
// windows that closed since the last emission (starts in [last close time - difference,
// close time - difference - 1], i.e. ends before the close time) are read from the store before
// the record's own puts and forwarded once each (timestamp: the aggregate's). The last close
// time is committed as processor metadata under the store's name, so a restart does not emit a
// window twice.
template <typename K, typename V, typename VAgg>
class SlidingWindowAggregateProcessor final
    : public streams::ContextualProcessor<K, V, streams::Windowed<K>, streams::Change<VAgg>> {
 public:
  // Empty for reduce (a window's first value starts the aggregate).
  using Initializer = std::function<std::optional<VAgg>()>;
  using Aggregator =
      std::function<VAgg(const K& key, const V& value, const std::optional<VAgg>& aggregate)>;
  using Store = streams::WindowStore<K, streams::ValueAndTimestamp<VAgg>>;
  using Context = streams::ProcessorContext<streams::Windowed<K>, streams::Change<VAgg>>;

  struct Functions {
    Initializer initializer;
    Aggregator aggregator;
  };

  SlidingWindowAggregateProcessor(std::string store_name, streams::SlidingWindows windows,
                                  std::shared_ptr<const Functions> functions,
                                  std::shared_ptr<const bool> send_old_values,
                                  bool emit_on_window_close = false)
      : store_name_(std::move(store_name)),
        windows_(windows),
        functions_(std::move(functions)),
        send_old_values_(std::move(send_old_values)),
        emit_on_window_close_(emit_on_window_close) {}

  void init(Context& context) override {
    streams::ContextualProcessor<K, V, streams::Windowed<K>, streams::Change<VAgg>>::init(context);
    store_ = &context.template getStateStore<Store>(store_name_);
    if (emit_on_window_close_) {
      last_emit_close_time_ = context.processorMetadataForKey(store_name_).value_or(-1);
    } else {
      forwarder_.emplace(*store_, context, *send_old_values_);
    }
  }

  void process(const streams::Record<K, V>& record) override {
    const int64_t timestamp = record.timestamp();
    const int64_t stream_time = std::max(this->context().currentStreamTimeMs(), timestamp);
    const int64_t close_time = stream_time - windows_.gracePeriodMs();
    if (emit_on_window_close_) EmitClosedWindows(record, close_time);
    if (timestamp + difference() < close_time) {
      SkipExpired(timestamp, timestamp + difference(), close_time);
      return;
    }
    if (timestamp < difference()) {
      ProcessEarly(record, close_time);
    } else {
      ProcessInOrder(record, close_time);
    }
  }

  // Closed windows a record was not added to (Kafka's dropped-records metric).
  int64_t droppedRecords() const { return dropped_; }

 private:
  // An aggregate so far: a stored window's, or the initializer's for a new window.
  struct Slot {
    std::optional<VAgg> value;
    int64_t timestamp;
  };
  using Stored = streams::ValueAndTimestamp<VAgg>;

  int64_t difference() const { return windows_.timeDifferenceMs(); }

  // Kafka's fetchAndEmit for sliding windows: windows starting in [lower, close - difference - 1].
  void EmitClosedWindows(const streams::Record<K, V>& record, int64_t close_time) {
    if (last_emit_close_time_ != -1 && close_time <= last_emit_close_time_) return;
    const int64_t upper = close_time - difference() - 1;
    const int64_t lower = last_emit_close_time_ == -1
                              ? 0
                              : std::max<int64_t>(0, last_emit_close_time_ - difference());
    if (upper < lower) return;
    ForwardFinalWindows(*store_, lower, upper, this->context(), record.headers());
    last_emit_close_time_ = close_time;
    this->context().addProcessorMetadataKeyValue(store_name_, close_time);
  }

  // `key`'s windows starting in [from, to], oldest first. Read whole before any put, so the
  // store's iterator never sees the updates.
  std::vector<std::pair<int64_t, Stored>> Windows(const K& key, int64_t from, int64_t to) {
    std::vector<std::pair<int64_t, Stored>> windows;
    auto it = store_->fetch(key, from, to);
    while (it->hasNext()) {
      auto kv = it->next();
      windows.emplace_back(kv.key, std::move(kv.value));
    }
    return windows;
  }

  [[noreturn]] void Unexpected(int64_t start, int64_t timestamp) {
    throw streams::StreamsException("sliding window aggregate " + store_name_ +
                                    ": unexpected window starting at " + std::to_string(start) +
                                    " while processing a record at " + std::to_string(timestamp));
  }

  void ProcessInOrder(const streams::Record<K, V>& record, int64_t close_time) {
    const int64_t timestamp = record.timestamp();
    std::set<int64_t> starts;
    std::optional<Stored> left_aggregate;
    std::optional<Stored> right_aggregate;
    bool left_exists = false;
    bool right_exists = false;
    std::optional<int64_t> previous_timestamp;
    // From 2 * difference back (the window whose aggregate the left window starts from) to
    // t + 1 (the record's right window, if it exists).
    for (auto& [start, stored] :
         Windows(record.key(), std::max<int64_t>(0, timestamp - 2 * difference()), timestamp + 1)) {
      starts.insert(start);
      const int64_t end = start + difference();
      if (end < timestamp) {
        left_aggregate = stored;
        previous_timestamp = stored.timestamp;
      } else if (end == timestamp) {
        left_exists = true;
        if (stored.timestamp < timestamp) previous_timestamp = stored.timestamp;
        Update(start, Slot{stored.value, stored.timestamp}, record, close_time);
      } else if (start <= timestamp) {
        right_aggregate = stored;
        Update(start, Slot{stored.value, stored.timestamp}, record, close_time);
      } else if (start == timestamp + 1) {
        right_exists = true;
      } else {
        Unexpected(start, timestamp);
      }
    }

    if (previous_timestamp) {
      const int64_t previous_right_start = *previous_timestamp + 1;
      if (!starts.count(previous_right_start) && previous_right_start + difference() >= timestamp) {
        Update(previous_right_start, Slot{functions_->initializer(), timestamp}, record,
               close_time);
      }
    }
    if (!left_exists) {
      const bool left_not_empty =
          previous_timestamp && left_aggregate && timestamp - difference() <= *previous_timestamp;
      Update(timestamp - difference(),
             left_not_empty ? Slot{left_aggregate->value, timestamp}
                            : Slot{functions_->initializer(), timestamp},
             record, close_time);
    }
    if (!right_exists && right_aggregate && right_aggregate->timestamp > timestamp) {
      CreateRightWindow(record, *right_aggregate);
    }
  }

  // Records at t < difference: one window [0, difference] holds them all.
  void ProcessEarly(const streams::Record<K, V>& record, int64_t close_time) {
    const int64_t timestamp = record.timestamp();
    std::set<int64_t> starts;
    std::optional<Stored> combined;
    std::optional<Stored> right_aggregate;
    bool right_exists = false;
    std::optional<int64_t> previous_timestamp;
    for (auto& [start, stored] : Windows(record.key(), 0, timestamp + 1)) {
      starts.insert(start);
      if (start == 0) {
        combined = stored;
        // Otherwise the previous record's right window was made by a later record already.
        if (stored.timestamp < timestamp) previous_timestamp = stored.timestamp;
      } else if (start <= timestamp) {
        right_aggregate = stored;
        Update(start, Slot{stored.value, stored.timestamp}, record, close_time);
      } else if (start == timestamp + 1) {
        right_exists = true;
      } else {
        Unexpected(start, timestamp);
      }
    }
    // Without a right window found, the combined window holds only records after t when its
    // latest record is after t (records on both sides would have made a right window).
    if (!right_aggregate && combined && combined->timestamp > timestamp) right_aggregate = combined;
    if (!right_exists && right_aggregate && right_aggregate->timestamp > timestamp) {
      CreateRightWindow(record, *right_aggregate);
    }
    if (previous_timestamp && !starts.count(*previous_timestamp + 1)) {
      Update(*previous_timestamp + 1, Slot{functions_->initializer(), timestamp}, record,
             close_time);
    }
    Update(0,
           combined ? Slot{combined->value, combined->timestamp}
                    : Slot{functions_->initializer(), timestamp},
           record, close_time);
  }

  // The record's right window [t + 1, t + 1 + difference]: the aggregate of the later records.
  void CreateRightWindow(const streams::Record<K, V>& record, const Stored& aggregate) {
    const int64_t start = record.timestamp() + 1;
    store_->put(record.key(), aggregate, start);
    if (forwarder_)
      forwarder_->MaybeForward(
          streams::Windowed<K>(record.key(), streams::Window(start, start + difference())),
          aggregate.value, std::nullopt, aggregate.timestamp, record.headers());
  }

  // Adds the record to the window starting at `start` (Kafka's updateWindowAndForward), unless
  // the window has closed.
  void Update(int64_t start, Slot slot, const streams::Record<K, V>& record, int64_t close_time) {
    const int64_t end = start + difference();
    if (end < close_time) {
      SkipExpired(record.timestamp(), end, close_time, start);
      return;
    }
    VAgg aggregate = functions_->aggregator(record.key(), record.value(), slot.value);
    const int64_t timestamp =
        slot.value ? std::max(record.timestamp(), slot.timestamp) : record.timestamp();
    store_->put(record.key(), Stored{aggregate, timestamp}, start);
    if (forwarder_)
      forwarder_->MaybeForward(streams::Windowed<K>(record.key(), streams::Window(start, end)),
                               std::move(aggregate), std::move(slot.value), timestamp,
                               record.headers());
  }

  void SkipExpired(int64_t timestamp, int64_t end, int64_t close_time,
                   std::optional<int64_t> start = std::nullopt) {
    ++dropped_;
    this->context().recordDroppedRecord();  // per window, as Kafka's
    if (dropped_ == 1 || dropped_ % 1000 == 0) {
      brook::GetLogger("operators")
          ->warn(
              "[task {}] skipping a record for the expired sliding window [{},{}]: record "
              "timestamp {}, window close time {} ({} dropped so far)",
              this->context().taskId().toString(), start.value_or(timestamp), end, timestamp,
              close_time, dropped_);
    }
  }

  std::string store_name_;
  streams::SlidingWindows windows_;
  std::shared_ptr<const Functions> functions_;
  std::shared_ptr<const bool> send_old_values_;
  Store* store_ = nullptr;
  std::optional<TableForwarder<streams::Windowed<K>, VAgg>> forwarder_;  // none: emit on close
  int64_t dropped_ = 0;
  bool emit_on_window_close_;
  int64_t last_emit_close_time_ = -1;
};

template <typename K, typename V, typename VAgg>
streams::ProcessorSupplier<K, V, streams::Windowed<K>, streams::Change<VAgg>>
SlidingWindowAggregateSupplier(
    std::string store_name, streams::SlidingWindows windows,
    typename SlidingWindowAggregateProcessor<K, V, VAgg>::Functions functions,
    std::shared_ptr<const bool> send_old_values, bool emit_on_window_close = false) {
  using P = SlidingWindowAggregateProcessor<K, V, VAgg>;
  auto shared = std::make_shared<const typename P::Functions>(std::move(functions));
  return [=] {
    return std::make_unique<P>(store_name, windows, shared, send_old_values, emit_on_window_close);
  };
}

}  // namespace brook::operators::processors
