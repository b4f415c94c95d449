#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "framework/api/errors.h"
#include "framework/api/serde.h"
#include "statestore/api/big_endian.h"
#include "statestore/api/state_store.h"
#include "statestore/api/state_store_context.h"
#include "statestore/api/store_builder.h"

namespace brook::operators::processors {

// The buffer of KTable::suppress (Kafka Streams' InMemoryTimeOrderedKeyValueChangeBuffer): the
// latest value of each buffered key, ordered by buffer time (for final window results, the
// window's end), kept in memory and, when logging is on, in a compacted changelog: a put logs
// key -> [buffer time: 8 bytes BE][record timestamp: 8 bytes BE][value bytes], an eviction logs
// a tombstone. Restoring replays those into the buffer, so the buffer holds after a crash
// exactly what the last committed transaction left in it.
// Thread safety: one task's thread.
template <typename K, typename V>
class SuppressBuffer final : public streams::StateStore {
 public:
  struct Entry {
    K key;
    V value;
    int64_t buffer_time;
    int64_t record_timestamp;
  };

  SuppressBuffer(std::string name, streams::SerdePtr<K> key_serde, streams::SerdePtr<V> value_serde,
                 bool logging)
      : name_(std::move(name)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)),
        logging_(logging) {}

  const std::string& name() const override { return name_; }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override {
    context_ = &context;
    topic_ = context.applicationId() + "-" + name_ + "-changelog";
    entries_.clear();
    by_time_.clear();
    context.registerStore(root, [this](std::span<const streams::ChangelogRecord> batch) {
      for (const auto& record : batch) Restore(record);
    });
    open_ = true;
  }
  void flush() override {}
  void close() override { open_ = false; }
  bool persistent() const override { return false; }
  bool isOpen() const override { return open_; }

  // Buffers `value` for `key` (replacing an earlier one, whose buffer time it keeps).
  void Put(const K& key, const V& value, int64_t buffer_time, int64_t record_timestamp) {
    std::string key_bytes;
    key_serde_->serialize(topic_, key, key_bytes);
    auto it = entries_.find(key_bytes);
    if (it != entries_.end()) {
      buffer_time = std::min(buffer_time, it->second.buffer_time);
      by_time_.erase({it->second.buffer_time, key_bytes});
      it->second = Entry{key, value, buffer_time, record_timestamp};
    } else {
      it = entries_.emplace(key_bytes, Entry{key, value, buffer_time, record_timestamp}).first;
    }
    by_time_.insert({buffer_time, key_bytes});
    if (logging_) {
      std::string bytes;
      streams::detail::AppendInt64BigEndian(bytes, buffer_time);
      streams::detail::AppendInt64BigEndian(bytes, record_timestamp);
      std::string value_bytes;
      value_serde_->serialize(topic_, value, value_bytes);
      bytes += value_bytes;
      context_->logChange(name_, key_bytes, bytes, context_->timestamp());
    }
  }

  // Drops what is buffered for `key` (a session a merge removed: its final result must never
  // be forwarded). Kafka buffers the tombstone and drops it when evicted; dropping it now gives
  // the same output. Logs a tombstone when there was an entry.
  void Remove(const K& key) {
    std::string key_bytes;
    key_serde_->serialize(topic_, key, key_bytes);
    auto it = entries_.find(key_bytes);
    if (it == entries_.end()) return;
    by_time_.erase({it->second.buffer_time, key_bytes});
    entries_.erase(it);
    if (logging_) context_->logChange(name_, key_bytes, std::nullopt, context_->timestamp());
  }

  // Removes and hands to `emit` the entries with the lowest buffer time while `should_evict`
  // (given that time) says so.
  void EvictWhile(const std::function<bool(int64_t buffer_time)>& should_evict,
                  const std::function<void(const Entry&)>& emit) {
    while (!by_time_.empty() && should_evict(by_time_.begin()->first)) {
      const std::string key_bytes = by_time_.begin()->second;
      by_time_.erase(by_time_.begin());
      auto it = entries_.find(key_bytes);
      Entry entry = std::move(it->second);
      entries_.erase(it);
      if (logging_) context_->logChange(name_, key_bytes, std::nullopt, context_->timestamp());
      emit(entry);
    }
  }

  size_t size() const { return entries_.size(); }

 private:
  void Restore(const streams::ChangelogRecord& record) {
    std::string key_bytes(record.key);
    auto it = entries_.find(key_bytes);
    if (it != entries_.end()) {
      by_time_.erase({it->second.buffer_time, key_bytes});
      entries_.erase(it);
    }
    if (!record.value) return;
    if (record.value->size() < 16) {
      throw streams::ProcessorStateException(
          "suppression buffer " + name_ + ": changelog record at offset " +
          std::to_string(record.offset) + " of " + topic_ + " has " +
          std::to_string(record.value->size()) + " bytes, fewer than the 16 of its header");
    }
    const int64_t buffer_time = streams::detail::ReadInt64BigEndian(*record.value, 0);
    const int64_t timestamp = streams::detail::ReadInt64BigEndian(*record.value, 8);
    K key = key_serde_->deserialize(topic_, record.key);
    V value = value_serde_->deserialize(topic_, record.value->substr(16));
    entries_.emplace(key_bytes, Entry{std::move(key), std::move(value), buffer_time, timestamp});
    by_time_.insert({buffer_time, key_bytes});
  }

  std::string name_;
  streams::SerdePtr<K> key_serde_;
  streams::SerdePtr<V> value_serde_;
  bool logging_;
  streams::StateStoreContext* context_ = nullptr;
  std::string topic_;
  std::map<std::string, Entry> entries_;
  std::set<std::pair<int64_t, std::string>> by_time_;
  bool open_ = false;
};

// Builds a SuppressBuffer per task; serdes left null are StreamsConfig's defaults.
template <typename K, typename V>
class SuppressBufferBuilder final : public streams::StoreBuilder<SuppressBuffer<K, V>> {
 public:
  SuppressBufferBuilder(std::string name, streams::SerdePtr<K> key_serde,
                        streams::SerdePtr<V> value_serde)
      : streams::StoreBuilder<SuppressBuffer<K, V>>(std::move(name)),
        key_serde_(std::move(key_serde)),
        value_serde_(std::move(value_serde)) {}

  std::unique_ptr<SuppressBuffer<K, V>> build() const override {
    return std::make_unique<SuppressBuffer<K, V>>(this->name_, key_serde_, value_serde_,
                                                  this->logging_enabled_);
  }
  std::shared_ptr<streams::AbstractStoreBuilder> withSerdes(
      const streams::detail::SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<SuppressBufferBuilder>(*this);
    copy->key_serde_ = streams::detail::ResolveSerde(key_serde_, defaults.key, this->name_, "key");
    copy->value_serde_ =
        streams::detail::ResolveSerde(value_serde_, defaults.value, this->name_, "value");
    return copy;
  }
  std::shared_ptr<streams::AbstractStoreBuilder> clone() const override {
    return std::make_shared<SuppressBufferBuilder>(*this);
  }

 private:
  streams::SerdePtr<K> key_serde_;
  streams::SerdePtr<V> value_serde_;
};

}  // namespace brook::operators::processors
