#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/serde.h"
#include "statestore/api/cached_state_store.h"
#include "statestore/api/state_store_context.h"
#include "statestore/api/window_store.h"
#include "statestore/layers/store_metrics.h"
#include "statestore/layers/store_serdes.h"

namespace brook::statestore {

// The outermost layer of a window store (Kafka's MeteredWindowStore): a WindowStore<K, V> over
// the bytes layers, with serdes, metrics and errors as MeteredKeyValueStore's. A value its
// serde writes as a Kafka null removes the window. Windowed keys keep the window the store
// below gives.
// Thread safety: none; the task's stream thread.
template <typename K, typename V>
class MeteredWindowStore final : public streams::WindowStore<K, V>,
                                 public streams::CachedStateStore<streams::Windowed<K>, V>,
                                 public MeteredStore {
 public:
  using WindowedIterator = streams::KeyValueIteratorPtr<streams::Windowed<K>, V>;
  using BytesIterator = streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string>;

  MeteredWindowStore(std::unique_ptr<streams::WindowBytesStore> inner,
                     streams::SerdePtr<K> key_serde, streams::SerdePtr<V> value_serde,
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

  bool setFlushListener(streams::CacheFlushListener<streams::Windowed<K>, V> listener,
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

  void put(const K& key, const V& value, int64_t window_start) override {
    LatencyTimer timer(metrics_.put_latency_ns, record_latency_);
    ++metrics_.puts;
    std::string key_bytes = serdes_.Key(*key_serde_, key);
    std::optional<std::string> value_bytes = serdes_.Value(*value_serde_, value, key_bytes);
    if (value_bytes) {
      inner_->put(key_bytes, *value_bytes, window_start);
    } else {
      inner_->remove(key_bytes, window_start);
    }
  }
  void remove(const K& key, int64_t window_start) override {
    LatencyTimer timer(metrics_.delete_latency_ns, record_latency_);
    ++metrics_.deletes;
    inner_->remove(serdes_.Key(*key_serde_, key), window_start);
  }

  std::optional<V> fetch(const K& key, int64_t window_start) override {
    LatencyTimer timer(metrics_.get_latency_ns, record_latency_);
    ++metrics_.gets;
    std::string key_bytes = serdes_.Key(*key_serde_, key);
    return serdes_.ReadValue(*value_serde_, inner_->fetch(key_bytes, window_start), key_bytes);
  }
  streams::KeyValueIteratorPtr<int64_t, V> fetch(const K& key, int64_t time_from,
                                                 int64_t time_to) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    std::string key_bytes = serdes_.Key(*key_serde_, key);
    return WrapKey(inner_->fetch(key_bytes, time_from, time_to), key_bytes);
  }
  streams::KeyValueIteratorPtr<int64_t, V> backwardFetch(const K& key, int64_t time_from,
                                                         int64_t time_to) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    std::string key_bytes = serdes_.Key(*key_serde_, key);
    return WrapKey(inner_->backwardFetch(key_bytes, time_from, time_to), key_bytes);
  }
  WindowedIterator fetch(const std::optional<K>& key_from, const std::optional<K>& key_to,
                         int64_t time_from, int64_t time_to) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->fetch(OptionalKey(key_from), OptionalKey(key_to), time_from, time_to));
  }
  WindowedIterator backwardFetch(const std::optional<K>& key_from, const std::optional<K>& key_to,
                                 int64_t time_from, int64_t time_to) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(
        inner_->backwardFetch(OptionalKey(key_from), OptionalKey(key_to), time_from, time_to));
  }
  WindowedIterator fetchAll(int64_t time_from, int64_t time_to) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->fetchAll(time_from, time_to));
  }
  WindowedIterator backwardFetchAll(int64_t time_from, int64_t time_to) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->backwardFetchAll(time_from, time_to));
  }
  WindowedIterator all() override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->all());
  }
  WindowedIterator backwardAll() override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->backwardAll());
  }

 private:
  std::optional<std::string> OptionalKey(const std::optional<K>& key) const {
    if (!key) return std::nullopt;
    return serdes_.Key(*key_serde_, *key);
  }
  streams::Windowed<K> ReadWindowed(const streams::Windowed<std::string>& key) const {
    return streams::Windowed<K>(serdes_.ReadKey(*key_serde_, key.key()), key.window());
  }

  WindowedIterator Wrap(BytesIterator inner) const {
    return std::make_unique<
        DeserializingIterator<streams::Windowed<std::string>, streams::Windowed<K>, V>>(
        std::move(inner),
        [this](const streams::Windowed<std::string>& key) { return ReadWindowed(key); },
        [this](const streams::Windowed<std::string>& key, const std::string& value) {
          return serdes_.ReadValue(*value_serde_, std::string_view(value), key.key());
        });
  }
  streams::KeyValueIteratorPtr<int64_t, V> WrapKey(
      streams::KeyValueIteratorPtr<int64_t, std::string> inner, std::string key_bytes) const {
    return std::make_unique<DeserializingIterator<int64_t, int64_t, V>>(
        std::move(inner), [](const int64_t& start) { return start; },
        [this, key_bytes = std::move(key_bytes)](const int64_t&, const std::string& value) {
          return serdes_.ReadValue(*value_serde_, std::string_view(value), key_bytes);
        });
  }

  std::unique_ptr<streams::WindowBytesStore> inner_;
  streams::SerdePtr<K> key_serde_;
  streams::SerdePtr<V> value_serde_;
  std::string metrics_scope_;
  StoreSerdes serdes_;
  bool record_latency_ = false;  // metrics.recording.level DEBUG or TRACE
  StoreMetrics metrics_;
};

}  // namespace brook::statestore
