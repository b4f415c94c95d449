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
#include "operators/dsl/session_windows.h"
#include "statestore/api/cached_state_store.h"
#include "statestore/api/session_store.h"
#include "statestore/api/windowed.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamSessionWindowAggregate, behind SessionWindowedKStream::count|reduce|
// aggregate. A record at t joins every session of its key that ends at or after t - gap and
// starts at or before t + gap; those sessions and the record become one session [min start,
// max end] whose aggregate is initializer(), merged with each old session's aggregate in start
// order (merger(key, aggregate, session)), then aggregator(key, value, aggregate).
//
// When the new session differs from [t, t], every merged session is removed from the store and
// a tombstone forwarded for it (old value = its aggregate when old values are sent), then the
// new session's aggregate is put and forwarded (old value none), as Kafka does. Each update's
// timestamp is its session's end. With a caching store the cache's flush forwards instead (one
// update per session per commit; a session removed and put again between flushes is one update).
//
// Late records: a record whose merged session ends before stream time - grace is dropped,
// logged and counted (droppedRecords and the task's dropped-records-total), and the store is
// left alone. That is Kafka's rule until
// 3.2; Kafka 3.3 (KIP-825, emit-final) also subtracts the gap, which lets a record up to
// gap + grace late still start or extend a session, so a session that suppress(untilWindowCloses)
// already forwarded as final could still be merged. With this rule a session [s, e] is final once
// stream time passes e + gap + grace: a record that could still join it alone (t <= e + gap)
// then has t < stream time - grace and is dropped. The DSL's suppress waits exactly that long.
// (A late record can still bridge a closed session and an open one, in Kafka as here: the
// merged session ends in the open one's, so it is not dropped.)
//
// With `emit_on_window_close` (EmitStrategy::onWindowClose, Kafka's emit-final for sessions)
// nothing is forwarded per update (no tombstones either); whenever a record moves the stream
// time forward, the sessions that closed since the last emission (ends in [last close time,
// close time - 1], close time = stream time - grace - gap: the sessions no later record can join)
// are read from the store and forwarded once each (timestamp: the session's end). They are read
// before the record's own changes. The last close time is committed as processor metadata under
// the store's name, so a restart does not emit a session twice.
//
// Reduce is an aggregate whose initializer gives nothing (aggregate empty until a first value).
template <typename K, typename V, typename VAgg>
class SessionWindowAggregateProcessor final
    : public streams::ContextualProcessor<K, V, streams::Windowed<K>, streams::Change<VAgg>> {
 public:
  using Initializer = std::function<std::optional<VAgg>()>;
  // Returns the aggregate after `value`.
  using Aggregator =
      std::function<VAgg(const K& key, const V& value, const std::optional<VAgg>& aggregate)>;
  // Combines the aggregate so far with the aggregate of a session being merged into it.
  using Merger =
      std::function<VAgg(const K& key, const std::optional<VAgg>& aggregate, const VAgg& session)>;
  using Store = streams::SessionStore<K, VAgg>;
  using Context = streams::ProcessorContext<streams::Windowed<K>, streams::Change<VAgg>>;

  struct Functions {
    Initializer initializer;
    Aggregator aggregator;
    Merger merger;
  };

  SessionWindowAggregateProcessor(std::string store_name, streams::SessionWindows windows,
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
    send_old_ = *send_old_values_;
    if (emit_on_window_close_) {
      last_emit_close_time_ = context.processorMetadataForKey(store_name_).value_or(-1);
    }
    auto* cached = dynamic_cast<streams::CachedStateStore<streams::Windowed<K>, VAgg>*>(store_);
    if (cached != nullptr) {
      // Kafka's SessionCacheFlushListener: the update's timestamp is the session's end.
      cached_ = cached->setFlushListener(
          [this](const streams::Windowed<K>& key, const std::optional<VAgg>& new_value,
                 const std::optional<VAgg>& old_value,
                 int64_t) { Forward(key, new_value, old_value, streams::Headers()); },
          send_old_);
    }
  }

  void process(const streams::Record<K, V>& record) override {
    const int64_t timestamp = record.timestamp();
    // The task's stream time (it includes this record and survives restarts), as the time-window
    // aggregate uses.
    const int64_t stream_time = std::max(this->context().currentStreamTimeMs(), timestamp);
    const int64_t close_time = stream_time - windows_.gracePeriodMs();
    if (emit_on_window_close_) {
      EmitClosedSessions(record, close_time - windows_.inactivityGap());
    }

    std::vector<streams::KeyValue<streams::Windowed<K>, VAgg>> merged;
    int64_t start = timestamp;
    int64_t end = timestamp;
    std::optional<VAgg> aggregate = functions_->initializer();
    {
      auto sessions = store_->findSessions(record.key(), timestamp - windows_.inactivityGap(),
                                           timestamp + windows_.inactivityGap());
      while (sessions->hasNext()) {
        auto session = sessions->next();
        aggregate = functions_->merger(record.key(), aggregate, session.value);
        start = std::min(start, session.key.window().start());
        end = std::max(end, session.key.window().end());
        merged.push_back(std::move(session));
      }
    }

    if (end < close_time) {
      ++dropped_;
      this->context().recordDroppedRecord();
      if (dropped_ == 1 || dropped_ % 1000 == 0) {
        brook::GetLogger("operators")
            ->warn(
                "[task {}] skipping a record for the expired session [{},{}]: record timestamp "
                "{}, session close time {}, stream time {} ({} dropped so far)",
                this->context().taskId().toString(), start, end, timestamp, close_time, stream_time,
                dropped_);
      }
      return;
    }
    if (start != timestamp || end != timestamp) {
      for (const auto& session : merged) {
        store_->remove(session.key);
        if (!cached_ && !emit_on_window_close_) {
          Forward(session.key, std::nullopt, session.value, record.headers());
        }
      }
    }
    VAgg result = functions_->aggregator(record.key(), record.value(), aggregate);
    const streams::Windowed<K> key(record.key(), streams::Window(start, end));
    store_->put(key, result);
    if (!cached_ && !emit_on_window_close_) {
      Forward(key, std::move(result), std::nullopt, record.headers());
    }
  }

  // Records dropped because their sessions had closed (Kafka's dropped-records metric).
  int64_t droppedRecords() const { return dropped_; }

 private:
  // Kafka's fetchAndEmit for sessions: the sessions whose end is in [last close time,
  // close time - 1] (the first time: every session ending before the close time).
  void EmitClosedSessions(const streams::Record<K, V>& record, int64_t close_time) {
    if (last_emit_close_time_ != -1 && close_time <= last_emit_close_time_) return;
    const int64_t lower = std::max<int64_t>(0, last_emit_close_time_);
    const int64_t upper = close_time - 1;
    if (upper < lower) return;
    std::vector<streams::KeyValue<streams::Windowed<K>, VAgg>> closed;
    {
      // Sessions ending at or after `lower` that start by `upper`; those ending after it are
      // still open.
      auto it = store_->findSessions(std::nullopt, std::nullopt, lower, upper);
      while (it->hasNext()) {
        auto session = it->next();
        if (session.key.window().end() <= upper) closed.push_back(std::move(session));
      }
    }
    for (auto& session : closed) {
      Forward(session.key, std::move(session.value), std::nullopt, record.headers());
    }
    last_emit_close_time_ = close_time;
    this->context().addProcessorMetadataKeyValue(store_name_, close_time);
  }

  void Forward(const streams::Windowed<K>& key, std::optional<VAgg> new_value,
               std::optional<VAgg> old_value, const streams::Headers& headers) {
    streams::Change<VAgg> change{std::move(new_value),
                                 send_old_ ? std::move(old_value) : std::nullopt};
    this->context().forward(streams::Record<streams::Windowed<K>, streams::Change<VAgg>>(
        key, std::move(change), key.window().end(), headers));
  }

  std::string store_name_;
  streams::SessionWindows windows_;
  std::shared_ptr<const Functions> functions_;
  std::shared_ptr<const bool> send_old_values_;
  bool send_old_ = false;
  Store* store_ = nullptr;
  bool cached_ = false;
  int64_t dropped_ = 0;
  bool emit_on_window_close_;
  int64_t last_emit_close_time_ = -1;
};

template <typename K, typename V, typename VAgg>
streams::ProcessorSupplier<K, V, streams::Windowed<K>, streams::Change<VAgg>>
SessionWindowAggregateSupplier(
    std::string store_name, streams::SessionWindows windows,
    typename SessionWindowAggregateProcessor<K, V, VAgg>::Functions functions,
    std::shared_ptr<const bool> send_old_values, bool emit_on_window_close = false) {
  using P = SessionWindowAggregateProcessor<K, V, VAgg>;
  auto shared = std::make_shared<const typename P::Functions>(std::move(functions));
  return [=] {
    return std::make_unique<P>(store_name, windows, shared, send_old_values, emit_on_window_close);
  };
}

}  // namespace brook::operators::processors
