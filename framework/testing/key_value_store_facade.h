#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "statestore/api/key_value_store.h"
#include "statestore/api/value_and_timestamp.h"

namespace brook::streams {

// A timestamped key-value store seen as a plain one (Kafka's KeyValueStoreFacade):
// TopologyTestDriver::getKeyValueStore gives the DSL's tables' stores this way. Reads drop the
// timestamps; writes use timestamp -1 (Kafka's NO_TIMESTAMP). Lifecycle calls go to the inner
// store. Thread safety: as the inner store's.
template <typename K, typename V>
class KeyValueStoreFacade final : public KeyValueStore<K, V> {
 public:
  explicit KeyValueStoreFacade(KeyValueStore<K, ValueAndTimestamp<V>>* inner) : inner_(inner) {}

  const std::string& name() const override { return inner_->name(); }
  void init(StateStoreContext& context, StateStore& root) override { inner_->init(context, root); }
  void flush() override { inner_->flush(); }
  void flushCache() override { inner_->flushCache(); }
  void close() override { inner_->close(); }
  bool persistent() const override { return inner_->persistent(); }
  bool isOpen() const override { return inner_->isOpen(); }

  std::optional<V> get(const K& key) override { return ValueOf(inner_->get(key)); }
  KeyValueIteratorPtr<K, V> range(const std::optional<K>& from,
                                   const std::optional<K>& to) override {
    return Plain(inner_->range(from, to));
  }
  KeyValueIteratorPtr<K, V> reverseRange(const std::optional<K>& from,
                                          const std::optional<K>& to) override {
    return Plain(inner_->reverseRange(from, to));
  }
  KeyValueIteratorPtr<K, V> all() override { return Plain(inner_->all()); }
  KeyValueIteratorPtr<K, V> reverseAll() override { return Plain(inner_->reverseAll()); }
  KeyValueIteratorPtr<K, V> prefixScan(const std::string& prefix) override {
    return Plain(inner_->prefixScan(prefix));
  }
  int64_t approximateNumEntries() override { return inner_->approximateNumEntries(); }

  void put(const K& key, const V& value) override { inner_->put(key, Stamped(value)); }
  std::optional<V> putIfAbsent(const K& key, const V& value) override {
    return ValueOf(inner_->putIfAbsent(key, Stamped(value)));
  }
  void putAll(const std::vector<KeyValue<K, V>>& entries) override {
    std::vector<KeyValue<K, ValueAndTimestamp<V>>> stamped;
    stamped.reserve(entries.size());
    for (const auto& entry : entries) stamped.push_back({entry.key, Stamped(entry.value)});
    inner_->putAll(stamped);
  }
  std::optional<V> remove(const K& key) override { return ValueOf(inner_->remove(key)); }

 private:
  class PlainIterator final : public KeyValueIterator<K, V> {
   public:
    explicit PlainIterator(KeyValueIteratorPtr<K, ValueAndTimestamp<V>> inner)
        : inner_(std::move(inner)) {}
    bool hasNext() override { return inner_->hasNext(); }
    KeyValue<K, V> next() override {
      KeyValue<K, ValueAndTimestamp<V>> entry = inner_->next();
      return KeyValue<K, V>{std::move(entry.key), std::move(entry.value.value)};
    }
    K peekNextKey() override { return inner_->peekNextKey(); }

   private:
    KeyValueIteratorPtr<K, ValueAndTimestamp<V>> inner_;
  };

  static std::optional<V> ValueOf(std::optional<ValueAndTimestamp<V>> stamped) {
    if (!stamped) return std::nullopt;
    return std::move(stamped->value);
  }
  static ValueAndTimestamp<V> Stamped(const V& value) { return ValueAndTimestamp<V>{value, -1}; }
  static KeyValueIteratorPtr<K, V> Plain(KeyValueIteratorPtr<K, ValueAndTimestamp<V>> inner) {
    return std::make_unique<PlainIterator>(std::move(inner));
  }

  KeyValueStore<K, ValueAndTimestamp<V>>* inner_;
};

}  // namespace brook::streams
