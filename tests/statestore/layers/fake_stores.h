#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "statestore/api/session_store.h"
#include "statestore/api/state_store_context.h"
#include "statestore/api/window_store.h"
#include "statestore/memory/vector_iterator.h"
#include "statestore/rocksdb/session_key_format.h"
#include "statestore/rocksdb/window_key_format.h"

// Small window and session bytes stores over std::map for the layer tests (no retention), which
// restore from changelog records in the backends' key formats. The session store iterates by
// key, then end, then start (the RocksDB segments' order), so the caching layer's reordering is
// exercised.
namespace brook::statestore {

using WindowedBytes = streams::Windowed<std::string>;

class FakeWindowStore final : public streams::WindowBytesStore {
 public:
  FakeWindowStore(std::string name, int64_t window_size)
      : name_(std::move(name)), size_(window_size) {}

  const std::string& name() const override { return name_; }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override {
    context.registerStore(root, [this](std::span<const streams::ChangelogRecord> batch) {
      for (const auto& record : batch) {
        auto parts = window_key::Parse(record.key);
        std::pair<std::string, int64_t> key(std::string(parts->key), parts->window_start);
        if (record.value) {
          map_[key] = std::string(*record.value);
        } else {
          map_.erase(key);
        }
      }
    });
    open_ = true;
  }
  void flush() override {}
  void close() override { open_ = false; }
  bool persistent() const override { return false; }
  bool isOpen() const override { return open_; }

  void put(const std::string& key, const std::string& value, int64_t start) override {
    map_[{key, start}] = value;
  }
  void remove(const std::string& key, int64_t start) override { map_.erase({key, start}); }
  std::optional<std::string> fetch(const std::string& key, int64_t start) override {
    auto it = map_.find({key, start});
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  streams::KeyValueIteratorPtr<int64_t, std::string> fetch(const std::string& key, int64_t from,
                                                           int64_t to) override {
    return Key(key, from, to, false);
  }
  streams::KeyValueIteratorPtr<int64_t, std::string> backwardFetch(const std::string& key,
                                                                   int64_t from,
                                                                   int64_t to) override {
    return Key(key, from, to, true);
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> fetch(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t from, int64_t to) override {
    return Range(key_from, key_to, from, to, false);
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> backwardFetch(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t from, int64_t to) override {
    return Range(key_from, key_to, from, to, true);
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> fetchAll(int64_t from,
                                                                    int64_t to) override {
    return Range(std::nullopt, std::nullopt, from, to, false);
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> backwardFetchAll(int64_t from,
                                                                            int64_t to) override {
    return Range(std::nullopt, std::nullopt, from, to, true);
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> all() override {
    return fetchAll(kMin, kMax);
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> backwardAll() override {
    return backwardFetchAll(kMin, kMax);
  }

  const std::map<std::pair<std::string, int64_t>, std::string>& contents() const { return map_; }

 private:
  static constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  static constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

  streams::KeyValueIteratorPtr<int64_t, std::string> Key(const std::string& key, int64_t from,
                                                         int64_t to, bool reverse) {
    std::vector<streams::KeyValue<int64_t, std::string>> out;
    for (const auto& [k, v] : map_) {
      if (k.first == key && k.second >= from && k.second <= to) out.push_back({k.second, v});
    }
    return MakeVectorIterator(std::move(out), reverse);
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> Range(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t from, int64_t to, bool reverse) {
    std::vector<streams::KeyValue<WindowedBytes, std::string>> out;
    for (const auto& [k, v] : map_) {
      if ((key_from && k.first < *key_from) || (key_to && k.first > *key_to)) continue;
      if (k.second < from || k.second > to) continue;
      out.push_back({WindowedBytes(k.first, streams::Window(k.second, k.second + size_)), v});
    }
    return MakeVectorIterator(std::move(out), reverse);
  }

  std::string name_;
  int64_t size_;
  std::map<std::pair<std::string, int64_t>, std::string> map_;
  bool open_ = false;
};

class FakeSessionStore final : public streams::SessionBytesStore {
 public:
  // key, end, start
  using Key = std::tuple<std::string, int64_t, int64_t>;

  explicit FakeSessionStore(std::string name) : name_(std::move(name)) {}

  const std::string& name() const override { return name_; }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override {
    context.registerStore(root, [this](std::span<const streams::ChangelogRecord> batch) {
      for (const auto& record : batch) {
        auto parts = session_key::Parse(record.key);
        Key key(std::string(parts->key), parts->session_end, parts->session_start);
        if (record.value) {
          map_[key] = std::string(*record.value);
        } else {
          map_.erase(key);
        }
      }
    });
    open_ = true;
  }
  void flush() override {}
  void close() override { open_ = false; }
  bool persistent() const override { return false; }
  bool isOpen() const override { return open_; }

  void put(const WindowedBytes& s, const std::string& aggregate) override {
    map_[KeyOf(s)] = aggregate;
  }
  void remove(const WindowedBytes& s) override { map_.erase(KeyOf(s)); }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> findSessions(
      const std::string& key, int64_t earliest_end, int64_t latest_start) override {
    return Find(key, key, earliest_end, latest_start, false);
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> backwardFindSessions(
      const std::string& key, int64_t earliest_end, int64_t latest_start) override {
    return Find(key, key, earliest_end, latest_start, true);
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> findSessions(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t earliest_end, int64_t latest_start) override {
    return Find(key_from, key_to, earliest_end, latest_start, false);
  }
  std::optional<std::string> fetchSession(const std::string& key, int64_t start,
                                          int64_t end) override {
    auto it = map_.find(Key(key, end, start));
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> fetch(const std::string& key) override {
    return Find(key, key, kMin, kMax, false);
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> fetch(
      const std::optional<std::string>& key_from,
      const std::optional<std::string>& key_to) override {
    return Find(key_from, key_to, kMin, kMax, false);
  }

  const std::map<Key, std::string>& contents() const { return map_; }

 private:
  static constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  static constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

  static Key KeyOf(const WindowedBytes& s) {
    return Key(s.key(), s.window().end(), s.window().start());
  }
  streams::KeyValueIteratorPtr<WindowedBytes, std::string> Find(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t earliest_end, int64_t latest_start, bool reverse) {
    std::vector<streams::KeyValue<WindowedBytes, std::string>> out;
    for (const auto& [k, v] : map_) {
      const auto& [key, end, start] = k;
      if ((key_from && key < *key_from) || (key_to && key > *key_to)) continue;
      if (end < earliest_end || start > latest_start) continue;
      out.push_back({WindowedBytes(key, streams::Window(start, end)), v});
    }
    return MakeVectorIterator(std::move(out), reverse);
  }

  std::string name_;
  std::map<Key, std::string> map_;
  bool open_ = false;
};

}  // namespace brook::statestore
