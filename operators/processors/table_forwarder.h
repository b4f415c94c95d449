#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "framework/api/processor_context.h"
#include "framework/api/record.h"
#include "operators/dsl/change.h"
#include "statestore/api/cached_state_store.h"
#include "statestore/api/value_and_timestamp.h"
#include "statestore/api/window_store.h"
#include "statestore/api/windowed.h"

namespace brook::operators::processors {

// Forwards a table operator's updates (Kafka Streams' TimestampedTupleForwarder): when the
// operator's store caches, the cache's flush listener forwards a key's latest change once per
// commit or eviction (so ten updates of a key between commits make one record downstream);
// without a cache every update is forwarded as it happens.
// Thread safety: one task's thread.
template <typename K, typename V>
class TableForwarder {
 public:
  using Store = streams::CachedStateStore<K, streams::ValueAndTimestamp<V>>;

  // `store` is the operator's store (the outermost layer); `send_old_values` puts the old value
  // in each Change (downstream subtractors and joins need it).
  TableForwarder(streams::StateStore& store,
                 streams::ProcessorContext<K, streams::Change<V>>& context, bool send_old_values)
      : context_(&context), send_old_values_(send_old_values) {
    auto* cached = dynamic_cast<Store*>(&store);
    if (cached != nullptr) {
      cached_ = cached->setFlushListener(
          [this](const K& key, const std::optional<streams::ValueAndTimestamp<V>>& new_value,
                 const std::optional<streams::ValueAndTimestamp<V>>& old_value, int64_t timestamp) {
            streams::Change<V> change;
            if (new_value) change.newValue = new_value->value;
            if (send_old_values_ && old_value) change.oldValue = old_value->value;
            context_->forward(streams::Record<K, streams::Change<V>>(
                key, std::move(change), new_value ? new_value->timestamp : timestamp));
          },
          send_old_values);
    }
  }

  // Forwards `change` of `record` unless the store's cache will (at flush).
  void MaybeForward(const K& key, std::optional<V> new_value, std::optional<V> old_value,
                    int64_t timestamp, const streams::Headers& headers) {
    if (cached_) return;
    streams::Change<V> change{std::move(new_value),
                              send_old_values_ ? std::move(old_value) : std::nullopt};
    context_->forward(
        streams::Record<K, streams::Change<V>>(key, std::move(change), timestamp, headers));
  }

 private:
  streams::ProcessorContext<K, streams::Change<V>>* context_;
  bool send_old_values_;
  bool cached_ = false;
};

// Emit-on-window-close's read of a window store (Kafka's fetchAndEmit): forwards the final
// aggregate of every window starting in [from, to], of every key, as a change with no old value
// and the aggregate's timestamp. Read whole first, so the store's iterator never sees what the
// forwarding causes.
template <typename K, typename VAgg, typename Context>
void ForwardFinalWindows(streams::WindowStore<K, streams::ValueAndTimestamp<VAgg>>& store,
                         int64_t from, int64_t to, Context& context,
                         const streams::Headers& headers) {
  std::vector<streams::KeyValue<streams::Windowed<K>, streams::ValueAndTimestamp<VAgg>>> closed;
  {
    auto it = store.fetchAll(from, to);
    while (it->hasNext()) closed.push_back(it->next());
  }
  for (auto& kv : closed) {
    context.forward(streams::Record<streams::Windowed<K>, streams::Change<VAgg>>(
        kv.key, streams::Change<VAgg>{std::move(kv.value.value), std::nullopt}, kv.value.timestamp,
        headers));
  }
}

}  // namespace brook::operators::processors
