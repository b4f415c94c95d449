#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/api/detail/node_factory.h"
#include "framework/api/serde.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/state_store_context.h"
#include "statestore/api/store_builder.h"
#include "statestore/memory/vector_iterator.h"

// A small typed key-value store and its StoreBuilder for the framework's tests, independent of
// the real store layers: serdes, change logging through the context, and optionally a
// "persistent" mode that keeps its entries in a file under the task directory (written at
// flush, read at init), so tests see what the state manager does with local state (wipe,
// checkpoint, restore on top of it).
namespace brook::framework::testing {

template <typename K, typename V>
class TestKeyValueStore final : public streams::KeyValueStore<K, V> {
 public:
  TestKeyValueStore(std::string name, streams::SerdePtr<K> keys, streams::SerdePtr<V> values,
                    bool persistent, bool logging)
      : name_(std::move(name)),
        keys_(std::move(keys)),
        values_(std::move(values)),
        persistent_(persistent),
        logging_(logging) {}

  const std::string& name() const override { return name_; }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override {
    context_ = &context;
    map_.clear();
    if (persistent_) {
      file_ = context.stateDir() / "test-stores" / name_;
      Load();
    }
    context.registerStore(root, [this](std::span<const streams::ChangelogRecord> batch) {
      if (fail_restore) throw std::runtime_error("injected restore failure");
      for (const auto& record : batch) {
        ++restored;
        if (record.value) {
          map_[std::string(record.key)] = std::string(*record.value);
        } else {
          map_.erase(std::string(record.key));
        }
      }
    });
    streams::RestoreHooks hooks;
    hooks.on_start = [this](int64_t records) {
      restore_starts.push_back(records);
      restoring = true;
    };
    hooks.on_end = [this] {
      ++restore_ends;
      restoring = false;
    };
    context.registerRestoreHooks(root, std::move(hooks));
    open_ = true;
  }
  void flushCache() override { ++cache_flushes; }
  void flush() override {
    ++flushes;
    if (persistent_ && open_) Save();
  }
  void close() override {
    if (open_ && persistent_) Save();
    open_ = false;
  }
  bool persistent() const override { return persistent_; }
  bool isOpen() const override { return open_; }

  std::optional<V> get(const K& key) override {
    auto it = map_.find(Key(key));
    if (it == map_.end()) return std::nullopt;
    return values_->deserialize(name_, it->second);
  }
  void put(const K& key, const V& value) override {
    std::string bytes;
    values_->serialize(name_, value, bytes);
    const std::string key_bytes = Key(key);
    map_[key_bytes] = bytes;
    if (logging_) context_->logChange(name_, key_bytes, bytes, context_->timestamp());
  }
  std::optional<V> putIfAbsent(const K& key, const V& value) override {
    std::optional<V> old = get(key);
    if (!old) put(key, value);
    return old;
  }
  void putAll(const std::vector<streams::KeyValue<K, V>>& entries) override {
    for (const auto& entry : entries) put(entry.key, entry.value);
  }
  std::optional<V> remove(const K& key) override {
    std::optional<V> old = get(key);
    const std::string key_bytes = Key(key);
    map_.erase(key_bytes);
    if (logging_) context_->logChange(name_, key_bytes, std::nullopt, context_->timestamp());
    return old;
  }
  streams::KeyValueIteratorPtr<K, V> range(const std::optional<K>& from,
                                           const std::optional<K>& to) override {
    return Copy(from, to, false);
  }
  streams::KeyValueIteratorPtr<K, V> reverseRange(const std::optional<K>& from,
                                                  const std::optional<K>& to) override {
    return Copy(from, to, true);
  }
  streams::KeyValueIteratorPtr<K, V> all() override { return Copy({}, {}, false); }
  streams::KeyValueIteratorPtr<K, V> reverseAll() override { return Copy({}, {}, true); }
  streams::KeyValueIteratorPtr<K, V> prefixScan(const std::string& prefix) override {
    std::vector<streams::KeyValue<K, V>> entries;
    for (auto it = map_.lower_bound(prefix);
         it != map_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      entries.push_back(Entry(*it));
    }
    return statestore::MakeVectorIterator(std::move(entries), false);
  }
  int64_t approximateNumEntries() override { return static_cast<int64_t>(map_.size()); }

  int flushes = 0;
  int cache_flushes = 0;
  int64_t restored = 0;
  // The restore hooks' calls: on_start's record counts, on_end's count, and whether a
  // restoration is between the two. fail_restore makes the restore callback throw.
  std::vector<int64_t> restore_starts;
  int restore_ends = 0;
  bool restoring = false;
  bool fail_restore = false;

 private:
  std::string Key(const K& key) const {
    std::string bytes;
    keys_->serialize(name_, key, bytes);
    return bytes;
  }
  streams::KeyValue<K, V> Entry(const std::pair<const std::string, std::string>& entry) const {
    return {keys_->deserialize(name_, entry.first), values_->deserialize(name_, entry.second)};
  }
  streams::KeyValueIteratorPtr<K, V> Copy(const std::optional<K>& from,
                                          const std::optional<K>& to, bool reverse) {
    std::vector<streams::KeyValue<K, V>> entries;
    auto begin = from ? map_.lower_bound(Key(*from)) : map_.begin();
    auto end = to ? map_.upper_bound(Key(*to)) : map_.end();
    if (!(from && to && Key(*from) > Key(*to))) {
      for (auto it = begin; it != end; ++it) entries.push_back(Entry(*it));
    }
    return statestore::MakeVectorIterator(std::move(entries), reverse);
  }
  static void PutBytes(std::ofstream& out, const std::string& bytes) {
    const uint32_t size = static_cast<uint32_t>(bytes.size());
    out.write(reinterpret_cast<const char*>(&size), sizeof(size));
    out.write(bytes.data(), size);
  }
  static bool GetBytes(std::ifstream& in, std::string& bytes) {
    uint32_t size = 0;
    if (!in.read(reinterpret_cast<char*>(&size), sizeof(size))) return false;
    bytes.resize(size);
    return static_cast<bool>(in.read(bytes.data(), size));
  }
  void Save() {
    std::filesystem::create_directories(file_.parent_path());
    std::ofstream out(file_, std::ios::binary | std::ios::trunc);
    for (const auto& [key, value] : map_) {
      PutBytes(out, key);
      PutBytes(out, value);
    }
  }
  void Load() {
    std::ifstream in(file_, std::ios::binary);
    std::string key;
    std::string value;
    while (GetBytes(in, key) && GetBytes(in, value)) map_[key] = value;
  }

  std::string name_;
  streams::SerdePtr<K> keys_;
  streams::SerdePtr<V> values_;
  bool persistent_;
  bool logging_;
  streams::StateStoreContext* context_ = nullptr;
  std::filesystem::path file_;
  std::map<std::string, std::string> map_;
  bool open_ = false;
};

template <typename K, typename V>
class TestKeyValueStoreBuilder final : public streams::StoreBuilder<streams::KeyValueStore<K, V>> {
 public:
  explicit TestKeyValueStoreBuilder(std::string name, streams::SerdePtr<K> keys = nullptr,
                                    streams::SerdePtr<V> values = nullptr,
                                    bool persistent = false)
      : streams::StoreBuilder<streams::KeyValueStore<K, V>>(std::move(name)),
        keys_(std::move(keys)),
        values_(std::move(values)),
        persistent_(persistent) {}

  std::unique_ptr<streams::KeyValueStore<K, V>> build() const override {
    return std::make_unique<TestKeyValueStore<K, V>>(this->name_, keys_, values_, persistent_,
                                                     this->logging_enabled_);
  }
  std::shared_ptr<streams::AbstractStoreBuilder> withSerdes(
      const streams::detail::SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<TestKeyValueStoreBuilder>(*this);
    copy->keys_ = streams::detail::ResolveSerde<K>(keys_, defaults.key, this->name_, "key");
    copy->values_ = streams::detail::ResolveSerde<V>(values_, defaults.value, this->name_, "value");
    return copy;
  }
  std::shared_ptr<streams::AbstractStoreBuilder> clone() const override {
    return std::make_shared<TestKeyValueStoreBuilder>(*this);
  }

 private:
  streams::SerdePtr<K> keys_;
  streams::SerdePtr<V> values_;
  bool persistent_;
};

}  // namespace brook::framework::testing
