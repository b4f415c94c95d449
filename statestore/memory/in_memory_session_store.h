#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "statestore/api/session_store.h"

namespace brook::statestore {

// A session bytes store in memory (Kafka's InMemorySessionStore): the backend of
// Stores::inMemorySessionStore, restored from its changelog at every start. Same semantics and
// order as RocksDBSessionStore: by key, then session end, then start; a session expires when
// its end is at or before the largest end put so far minus the retention period. Changelog keys
// are session_key::ToStoreKey(key, start, end). Iterators copy what they cover when made.
//
// Thread safety: none; one task's thread.
class InMemorySessionStore final : public streams::SessionBytesStore {
 public:
  InMemorySessionStore(std::string name, int64_t retention_ms);

  const std::string& name() const override { return name_; }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override;
  void flush() override {}
  void close() override { open_ = false; }
  bool persistent() const override { return false; }
  bool isOpen() const override { return open_; }

  void put(const streams::Windowed<std::string>& session, const std::string& aggregate) override;
  void remove(const streams::Windowed<std::string>& session) override;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> findSessions(
      const std::string& key, int64_t earliest_session_end, int64_t latest_session_start) override;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> backwardFindSessions(
      const std::string& key, int64_t earliest_session_end, int64_t latest_session_start) override;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> findSessions(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t earliest_session_end, int64_t latest_session_start) override;
  std::optional<std::string> fetchSession(const std::string& key, int64_t session_start,
                                          int64_t session_end) override;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> fetch(
      const std::string& key) override;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> fetch(
      const std::optional<std::string>& key_from,
      const std::optional<std::string>& key_to) override;

  int64_t observedStreamTime() const { return observed_stream_time_; }
  size_t size() const { return entries_.size(); }

 private:
  struct EntryKey {
    std::string key;
    int64_t end;
    int64_t start;
    auto operator<=>(const EntryKey&) const = default;
  };

  void Write(EntryKey entry, const std::optional<std::string>& value);
  void Observe(int64_t time);
  void Expire();
  int64_t MinLiveTime() const;
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> Find(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t earliest_session_end, int64_t latest_session_start, bool reverse);

  std::string name_;
  int64_t retention_ms_;
  std::map<EntryKey, std::string> entries_;
  std::set<std::tuple<int64_t, std::string, int64_t>> by_end_;  // expiry order
  int64_t observed_stream_time_;
  streams::StateStoreContext* context_ = nullptr;  // from init; counts expired puts
  bool open_ = false;
};

}  // namespace brook::statestore
