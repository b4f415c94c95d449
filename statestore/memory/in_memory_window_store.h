#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "statestore/api/window_store.h"

namespace brook::statestore {

// A window bytes store in memory (Kafka's InMemoryWindowStore): the backend of
// Stores::inMemoryWindowStore, restored from its changelog at every start. Same semantics as
// RocksDBWindowStore: a window expires when its start is at or before the largest start put so
// far minus the retention period (puts of it are dropped, reads skip it, it is freed); results
// are in (key, window start) order, backward variants reversed; with retain_duplicates every put
// is kept, remove() does nothing and fetch(key, start) returns the first. Changelog keys are
// window_key::ToStoreKey(key, start, seqnum), as the RocksDB store's. Iterators copy what they
// cover when made, so the store may change while they are open.
//
// Thread safety: none; one task's thread.
class InMemoryWindowStore final : public streams::WindowBytesStore {
 public:
  InMemoryWindowStore(std::string name, int64_t retention_ms, int64_t window_size_ms,
                      bool retain_duplicates);

  const std::string& name() const override { return name_; }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override;
  void flush() override {}
  void close() override { open_ = false; }
  bool persistent() const override { return false; }
  bool isOpen() const override { return open_; }

  void put(const std::string& key, const std::string& value, int64_t window_start) override;
  void remove(const std::string& key, int64_t window_start) override;
  std::optional<std::string> fetch(const std::string& key, int64_t window_start) override;
  streams::KeyValueIteratorPtr<int64_t, std::string> fetch(const std::string& key,
                                                           int64_t time_from,
                                                           int64_t time_to) override;
  streams::KeyValueIteratorPtr<int64_t, std::string> backwardFetch(const std::string& key,
                                                                   int64_t time_from,
                                                                   int64_t time_to) override;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> fetch(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t time_from, int64_t time_to) override;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> backwardFetch(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t time_from, int64_t time_to) override;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> fetchAll(
      int64_t time_from, int64_t time_to) override;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> backwardFetchAll(
      int64_t time_from, int64_t time_to) override;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> all() override;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> backwardAll() override;

  int64_t observedStreamTime() const { return observed_stream_time_; }
  // Entries held, expired ones freed.
  size_t size() const { return entries_.size(); }

 private:
  struct EntryKey {
    std::string key;
    int64_t window_start;
    int32_t seqnum;
    auto operator<=>(const EntryKey&) const = default;
  };

  void Write(EntryKey entry, const std::optional<std::string>& value);
  void Observe(int64_t time);
  void Expire();
  int64_t MinLiveTime() const;
  std::vector<streams::KeyValue<int64_t, std::string>> CollectKey(const std::string& key,
                                                                  int64_t time_from,
                                                                  int64_t time_to);
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> CollectRange(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t time_from, int64_t time_to, bool reverse);

  std::string name_;
  int64_t retention_ms_;
  int64_t window_size_ms_;
  bool retain_duplicates_;
  std::map<EntryKey, std::string> entries_;
  std::set<std::tuple<int64_t, std::string, int32_t>> by_start_;  // expiry order
  int64_t observed_stream_time_;
  streams::StateStoreContext* context_ = nullptr;  // from init; counts expired puts
  int32_t seqnum_ = 0;
  bool open_ = false;
};

}  // namespace brook::statestore
