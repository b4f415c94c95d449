#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/serde.h"
#include "statestore/api/cached_state_store.h"
#include "statestore/api/session_store.h"
#include "statestore/api/state_store_context.h"
#include "statestore/layers/store_metrics.h"
#include "statestore/layers/store_serdes.h"

namespace brook::statestore {

// The outermost layer of a session store (Kafka's MeteredSessionStore): a SessionStore<K, AGG>
// over the bytes layers, with serdes, metrics and errors as MeteredKeyValueStore's. An
// aggregate its serde writes as a Kafka null removes the session.
// Thread safety: none; the task's stream thread.
template <typename K, typename AGG>
class MeteredSessionStore final : public streams::SessionStore<K, AGG>,
                                  public streams::CachedStateStore<streams::Windowed<K>, AGG>,
                                  public MeteredStore {
 public:
  using SessionIterator = streams::KeyValueIteratorPtr<streams::Windowed<K>, AGG>;
  using BytesIterator = streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string>;

  MeteredSessionStore(std::unique_ptr<streams::SessionBytesStore> inner,
                      streams::SerdePtr<K> key_serde, streams::SerdePtr<AGG> value_serde,
                      std::string metrics_scope)
      : inner_(std::move(inner)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        metrics_scope_(std::move(metrics_scope)) {}

  const std::string& name() const override { return inner_->name(); }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override {
    record_latency_ = RecordsStoreLatency(context.appConfigs());
    serdes_.Set(name(), context.applicationId() + "-" + name() + "-changelog");
    inner_->init(context, root);
  }
  void flushCache() override { inner_->flushCache(); }
  void flush() override {
    LatencyTimer timer(metrics_.flush_latency_ns, record_latency_);
    ++metrics_.flushes;
    inner_->flush();
  }
  void close() override { inner_->close(); }
  bool persistent() const override { return inner_->persistent(); }
  bool isOpen() const override { return inner_->isOpen(); }

  const StoreMetrics& metrics() const override { return metrics_; }
  const std::string& metricsScope() const override { return metrics_scope_; }

  bool setFlushListener(streams::CacheFlushListener<streams::Windowed<K>, AGG> listener,
                        bool send_old_values) override {
    auto* cached =
        dynamic_cast<streams::CachedStateStore<streams::Windowed<std::string>, std::string>*>(
            inner_.get());
    if (!cached) return false;
    return cached->setFlushListener(
        [this, listener = std::move(listener)](
            const streams::Windowed<std::string>& key, const std::optional<std::string>& new_value,
            const std::optional<std::string>& old_value, int64_t timestamp) {
          listener(ReadWindowed(key), serdes_.ReadValue(*value_serde_, new_value, key.key()),
                   serdes_.ReadValue(*value_serde_, old_value, key.key()), timestamp);
        },
        send_old_values);
  }

  void put(const streams::Windowed<K>& session, const AGG& aggregate) override {
    LatencyTimer timer(metrics_.put_latency_ns, record_latency_);
    ++metrics_.puts;
    streams::Windowed<std::string> key(serdes_.Key(*key_serde_, session.key()), session.window());
    std::optional<std::string> value_bytes =
        serdes_.Value(*value_serde_, aggregate, std::string_view(key.key()));
    if (value_bytes) {
      inner_->put(key, *value_bytes);
    } else {
      inner_->remove(key);
    }
  }
  void remove(const streams::Windowed<K>& session) override {
    LatencyTimer timer(metrics_.delete_latency_ns, record_latency_);
    ++metrics_.deletes;
    inner_->remove(
        streams::Windowed<std::string>(serdes_.Key(*key_serde_, session.key()), session.window()));
  }

  SessionIterator findSessions(const K& key, int64_t earliest_session_end,
                               int64_t latest_session_start) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->findSessions(serdes_.Key(*key_serde_, key), earliest_session_end,
                                     latest_session_start));
  }
  SessionIterator backwardFindSessions(const K& key, int64_t earliest_session_end,
                                       int64_t latest_session_start) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->backwardFindSessions(serdes_.Key(*key_serde_, key), earliest_session_end,
                                             latest_session_start));
  }
  SessionIterator findSessions(const std::optional<K>& key_from, const std::optional<K>& key_to,
                               int64_t earliest_session_end,
                               int64_t latest_session_start) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->findSessions(OptionalKey(key_from), OptionalKey(key_to),
                                     earliest_session_end, latest_session_start));
  }
  std::optional<AGG> fetchSession(const K& key, int64_t session_start,
                                  int64_t session_end) override {
    LatencyTimer timer(metrics_.get_latency_ns, record_latency_);
    ++metrics_.gets;
    std::string key_bytes = serdes_.Key(*key_serde_, key);
    return serdes_.ReadValue(
        *value_serde_, inner_->fetchSession(key_bytes, session_start, session_end), key_bytes);
  }
  SessionIterator fetch(const K& key) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->fetch(serdes_.Key(*key_serde_, key)));
  }
  SessionIterator fetch(const std::optional<K>& key_from, const std::optional<K>& key_to) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->fetch(OptionalKey(key_from), OptionalKey(key_to)));
  }

 private:
  std::optional<std::string> OptionalKey(const std::optional<K>& key) const {
    if (!key) return std::nullopt;
    return serdes_.Key(*key_serde_, *key);
  }
  streams::Windowed<K> ReadWindowed(const streams::Windowed<std::string>& key) const {
    return streams::Windowed<K>(serdes_.ReadKey(*key_serde_, key.key()), key.window());
  }
  SessionIterator Wrap(BytesIterator inner) const {
    return std::make_unique<
        DeserializingIterator<streams::Windowed<std::string>, streams::Windowed<K>, AGG>>(
        std::move(inner),
        [this](const streams::Windowed<std::string>& key) { return ReadWindowed(key); },
        [this](const streams::Windowed<std::string>& key, const std::string& value) {
          return serdes_.ReadValue(*value_serde_, std::string_view(value), key.key());
        });
  }

  std::unique_ptr<streams::SessionBytesStore> inner_;
  streams::SerdePtr<K> key_serde_;
  streams::SerdePtr<AGG> value_serde_;
  std::string metrics_scope_;
  StoreSerdes serdes_;
  bool record_latency_ = false;  // metrics.recording.level DEBUG or TRACE
  StoreMetrics metrics_;
};

}  // namespace brook::statestore
