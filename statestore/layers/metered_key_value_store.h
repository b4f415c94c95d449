#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "framework/api/serde.h"
#include "statestore/api/cached_state_store.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/state_store_context.h"
#include "statestore/layers/store_metrics.h"
#include "statestore/layers/store_serdes.h"

namespace brook::statestore {

// The outermost layer of a key-value store (Kafka's MeteredKeyValueStore), the only typed one:
// a KeyValueStore<K, V> over the bytes layers, serializing with the store's serdes (topic: the
// changelog's name, "<application.id>-<store>-changelog") and counting calls and their time
// (metrics()). A value its serde writes as a Kafka null is a delete. Iterators read each entry
// when it is asked for. A serde that cannot read or write throws ProcessorStateException naming
// the store and the key.
// Thread safety: none; the task's stream thread.
template <typename K, typename V>
class MeteredKeyValueStore final : public streams::KeyValueStore<K, V>,
                                   public streams::CachedStateStore<K, V>,
                                   public MeteredStore {
 public:
  MeteredKeyValueStore(std::unique_ptr<streams::KeyValueBytesStore> inner,
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
  int64_t estimatedEntries() override { return inner_->approximateNumEntries(); }

  bool setFlushListener(streams::CacheFlushListener<K, V> listener, bool send_old_values) override {
    auto* cached = dynamic_cast<streams::CachedStateStore<std::string, std::string>*>(inner_.get());
    if (!cached) return false;
    return cached->setFlushListener(
        [this, listener = std::move(listener)](
            const std::string& key, const std::optional<std::string>& new_value,
            const std::optional<std::string>& old_value, int64_t timestamp) {
          listener(serdes_.ReadKey(*key_serde_, key),
                   serdes_.ReadValue(*value_serde_, new_value, key),
                   serdes_.ReadValue(*value_serde_, old_value, key), timestamp);
        },
        send_old_values);
  }

  std::optional<V> get(const K& key) override {
    LatencyTimer timer(metrics_.get_latency_ns, record_latency_);
    ++metrics_.gets;
    std::string key_bytes = serdes_.Key(*key_serde_, key);
    return serdes_.ReadValue(*value_serde_, inner_->get(key_bytes), key_bytes);
  }

  void put(const K& key, const V& value) override {
    LatencyTimer timer(metrics_.put_latency_ns, record_latency_);
    ++metrics_.puts;
    std::string key_bytes = serdes_.Key(*key_serde_, key);
    std::optional<std::string> value_bytes = serdes_.Value(*value_serde_, value, key_bytes);
    if (value_bytes) {
      inner_->put(key_bytes, *value_bytes);
    } else {
      inner_->remove(key_bytes);
    }
  }

  std::optional<V> putIfAbsent(const K& key, const V& value) override {
    LatencyTimer timer(metrics_.put_latency_ns, record_latency_);
    ++metrics_.puts;
    std::string key_bytes = serdes_.Key(*key_serde_, key);
    std::optional<std::string> value_bytes = serdes_.Value(*value_serde_, value, key_bytes);
    std::optional<std::string> previous;
    if (value_bytes) {
      previous = inner_->putIfAbsent(key_bytes, *value_bytes);
    } else {
      previous = inner_->get(key_bytes);  // putting a null where there is nothing: a no-op
    }
    return serdes_.ReadValue(*value_serde_, previous, key_bytes);
  }

  void putAll(const std::vector<streams::KeyValue<K, V>>& entries) override {
    LatencyTimer timer(metrics_.put_latency_ns, record_latency_);
    metrics_.puts += static_cast<int64_t>(entries.size());
    std::vector<streams::KeyValue<std::string, std::string>> puts;
    puts.reserve(entries.size());
    for (const auto& entry : entries) {
      std::string key_bytes = serdes_.Key(*key_serde_, entry.key);
      std::optional<std::string> value_bytes = serdes_.Value(*value_serde_, entry.value, key_bytes);
      if (value_bytes) {
        puts.push_back({std::move(key_bytes), std::move(*value_bytes)});
        continue;
      }
      // A delete among the puts: what came before it is written first, to keep the order.
      if (!puts.empty()) inner_->putAll(puts);
      puts.clear();
      inner_->remove(key_bytes);
    }
    if (!puts.empty()) inner_->putAll(puts);
  }

  std::optional<V> remove(const K& key) override {
    LatencyTimer timer(metrics_.delete_latency_ns, record_latency_);
    ++metrics_.deletes;
    std::string key_bytes = serdes_.Key(*key_serde_, key);
    return serdes_.ReadValue(*value_serde_, inner_->remove(key_bytes), key_bytes);
  }

  streams::KeyValueIteratorPtr<K, V> range(const std::optional<K>& from,
                                           const std::optional<K>& to) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->range(OptionalKey(from), OptionalKey(to)));
  }
  streams::KeyValueIteratorPtr<K, V> reverseRange(const std::optional<K>& from,
                                                  const std::optional<K>& to) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->reverseRange(OptionalKey(from), OptionalKey(to)));
  }
  streams::KeyValueIteratorPtr<K, V> all() override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->all());
  }
  streams::KeyValueIteratorPtr<K, V> reverseAll() override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->reverseAll());
  }
  streams::KeyValueIteratorPtr<K, V> prefixScan(const std::string& prefix) override {
    LatencyTimer timer(metrics_.range_latency_ns, record_latency_);
    ++metrics_.range_calls;
    return Wrap(inner_->prefixScan(prefix));
  }
  int64_t approximateNumEntries() override { return inner_->approximateNumEntries(); }

 private:
  std::optional<std::string> OptionalKey(const std::optional<K>& key) const {
    if (!key) return std::nullopt;
    return serdes_.Key(*key_serde_, *key);
  }

  streams::KeyValueIteratorPtr<K, V> Wrap(
      streams::KeyValueIteratorPtr<std::string, std::string> inner) const {
    return std::make_unique<DeserializingIterator<std::string, K, V>>(
        std::move(inner),
        [this](const std::string& key) { return serdes_.ReadKey(*key_serde_, key); },
        [this](const std::string& key, const std::string& value) {
          return serdes_.ReadValue(*value_serde_, std::string_view(value), key);
        });
  }

  std::unique_ptr<streams::KeyValueBytesStore> inner_;
  streams::SerdePtr<K> key_serde_;
  streams::SerdePtr<V> value_serde_;
  std::string metrics_scope_;
  StoreSerdes serdes_;
  bool record_latency_ = false;  // metrics.recording.level DEBUG or TRACE
  StoreMetrics metrics_;
};

}  // namespace brook::statestore
