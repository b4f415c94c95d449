#pragma once

#include <map>
#include <optional>
#include <string>

#include "statestore/api/key_value_store.h"

namespace brook::statestore {

// A key-value bytes store in a std::map (Kafka's InMemoryKeyValueStore): the backend of
// Stores::inMemoryKeyValueStore, restored from its changelog at every start. Iterators copy the
// entries they cover when made, so the store may change while they are open.
// Thread safety: none; one task's thread.
class InMemoryKeyValueStore final : public streams::KeyValueBytesStore {
 public:
  explicit InMemoryKeyValueStore(std::string name) : name_(std::move(name)) {}

  const std::string& name() const override { return name_; }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override;
  void flush() override {}
  void close() override { open_ = false; }
  bool persistent() const override { return false; }
  bool isOpen() const override { return open_; }

  std::optional<std::string> get(const std::string& key) override;
  void put(const std::string& key, const std::string& value) override { map_[key] = value; }
  std::optional<std::string> putIfAbsent(const std::string& key,
                                         const std::string& value) override;
  void putAll(const std::vector<streams::KeyValue<std::string, std::string>>& entries) override;
  std::optional<std::string> remove(const std::string& key) override;
  streams::KeyValueIteratorPtr<std::string, std::string> range(
      const std::optional<std::string>& from, const std::optional<std::string>& to) override;
  streams::KeyValueIteratorPtr<std::string, std::string> reverseRange(
      const std::optional<std::string>& from, const std::optional<std::string>& to) override;
  streams::KeyValueIteratorPtr<std::string, std::string> all() override;
  streams::KeyValueIteratorPtr<std::string, std::string> reverseAll() override;
  streams::KeyValueIteratorPtr<std::string, std::string> prefixScan(
      const std::string& prefix) override;
  int64_t approximateNumEntries() override { return static_cast<int64_t>(map_.size()); }

 private:
  streams::KeyValueIteratorPtr<std::string, std::string> Copy(
      const std::optional<std::string>& from, const std::optional<std::string>& to, bool reverse);

  std::string name_;
  std::map<std::string, std::string> map_;
  bool open_ = false;
};

}  // namespace brook::statestore
