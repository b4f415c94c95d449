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
  using Merger = std::function<VAgg(const K& key, const std::optional<VAgg>& aggregate,
                                    const VAgg& session)>;
  using Store = streams::SessionStore<K, VAgg>;
  using Context = streams::ProcessorContext<streams::Windowed<K>, streams::Change<VAgg>>;

  struct Functions {
    Initializer initializer;
    Aggregator aggregator;
    Merger merger;
  };

  SessionWindowAggregateProcessor(std::string store_name, streams::SessionWindows windows,
                                  std::shared_ptr<const Functions> functions,
                                  std::shared_ptr<const bool> send_old_values)
      : store_name_(std::move(store_name)),
        windows_(windows),
        functions_(std::move(functions)),
        send_old_values_(std::move(send_old_values)) {}

  void init(Context& context) override {
    streams::ContextualProcessor<K, V, streams::Windowed<K>, streams::Change<VAgg>>::init(context);
    store_ = &context.template getStateStore<Store>(store_name_);
    send_old_ = *send_old_values_;
    auto* cached = dynamic_cast<streams::CachedStateStore<streams::Windowed<K>, VAgg>*>(store_);
    if (cached != nullptr) {
      // Kafka's SessionCacheFlushListener: the update's timestamp is the session's end.
      cached_ = cached->setFlushListener(
          [this](const streams::Windowed<K>& key, const std::optional<VAgg>& new_value,
                 const std::optional<VAgg>& old_value, int64_t) {
            Forward(key, new_value, old_value, streams::Headers());
          },
          send_old_);
    }
  }

  void process(const streams::Record<K, V>& record) override {
    const int64_t timestamp = record.timestamp();
    // The task's stream time (it includes this record and survives restarts), as the time-window
    // aggregate uses.
    const int64_t stream_time = std::max(this->context().currentStreamTimeMs(), timestamp);
    const int64_t close_time = stream_time - windows_.gracePeriodMs();

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
            ->warn("[task {}] skipping a record for the expired session [{},{}]: record timestamp "
                   "{}, session close time {}, stream time {} ({} dropped so far)",
                   this->context().taskId().toString(), start, end, timestamp, close_time,
                   stream_time, dropped_);
      }
      return;
    }
    if (start != timestamp || end != timestamp) {
      for (const auto& session : merged) {
        store_->remove(session.key);
        if (!cached_) Forward(session.key, std::nullopt, session.value, record.headers());
      }
    }
    VAgg result = functions_->aggregator(record.key(), record.value(), aggregate);
    const streams::Windowed<K> key(record.key(), streams::Window(start, end));
    store_->put(key, result);
    if (!cached_) Forward(key, std::move(result), std::nullopt, record.headers());
  }

  // Records dropped because their sessions had closed (Kafka's dropped-records metric).
  int64_t droppedRecords() const { return dropped_; }

 private:
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
};

template <typename K, typename V, typename VAgg>
streams::ProcessorSupplier<K, V, streams::Windowed<K>, streams::Change<VAgg>>
SessionWindowAggregateSupplier(
    std::string store_name, streams::SessionWindows windows,
    typename SessionWindowAggregateProcessor<K, V, VAgg>::Functions functions,
    std::shared_ptr<const bool> send_old_values) {
  using P = SessionWindowAggregateProcessor<K, V, VAgg>;
  auto shared = std::make_shared<const typename P::Functions>(std::move(functions));
  return [=] { return std::make_unique<P>(store_name, windows, shared, send_old_values); };
}

}  // namespace brook::operators::processors
