#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "statestore/api/key_value_store.h"

namespace brook::statestore {

// The change-logging layer of a key-value store (Kafka's ChangeLoggingKeyValueBytesStore):
// each write goes to the store below and, as key -> value (a delete: a tombstone), to the
// store's changelog topic through StateStoreContext::logChange, with the context's timestamp.
// Reads pass through.
// Thread safety: none; the task's stream thread.
class ChangeLoggingKeyValueStore final : public streams::KeyValueBytesStore {
 public:
  explicit ChangeLoggingKeyValueStore(std::unique_ptr<streams::KeyValueBytesStore> inner)
      : inner_(std::move(inner)) {}

  const std::string& name() const override { return inner_->name(); }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override;
  void flush() override { inner_->flush(); }
  void flushCache() override { inner_->flushCache(); }
  void close() override { inner_->close(); }
  bool persistent() const override { return inner_->persistent(); }
  bool isOpen() const override { return inner_->isOpen(); }

  std::optional<std::string> get(const std::string& key) override { return inner_->get(key); }
  void put(const std::string& key, const std::string& value) override;
  std::optional<std::string> putIfAbsent(const std::string& key, const std::string& value) override;
  void putAll(const std::vector<streams::KeyValue<std::string, std::string>>& entries) override;
  // Logs a tombstone even when the key had no value (as Kafka).
  std::optional<std::string> remove(const std::string& key) override;
  streams::KeyValueIteratorPtr<std::string, std::string> range(
      const std::optional<std::string>& from, const std::optional<std::string>& to) override {
    return inner_->range(from, to);
  }
  streams::KeyValueIteratorPtr<std::string, std::string> reverseRange(
      const std::optional<std::string>& from, const std::optional<std::string>& to) override {
    return inner_->reverseRange(from, to);
  }
  streams::KeyValueIteratorPtr<std::string, std::string> all() override { return inner_->all(); }
  streams::KeyValueIteratorPtr<std::string, std::string> reverseAll() override {
    return inner_->reverseAll();
  }
  streams::KeyValueIteratorPtr<std::string, std::string> prefixScan(
      const std::string& prefix) override {
    return inner_->prefixScan(prefix);
  }
  int64_t approximateNumEntries() override { return inner_->approximateNumEntries(); }

 private:
  void Log(const std::string& key, std::optional<std::string_view> value);

  std::unique_ptr<streams::KeyValueBytesStore> inner_;
  streams::StateStoreContext* context_ = nullptr;
};

}  // namespace brook::statestore
