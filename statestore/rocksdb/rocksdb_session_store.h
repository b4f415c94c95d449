#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "statestore/api/session_store.h"

namespace brook::statestore {

class SegmentedBytesStore;

// A session bytes store on time-segmented RocksDB instances (Kafka's RocksDBSessionStore): the
// backend of Stores::persistentSessionStore. Entries are keyed [key][end][start]
// (statestore/rocksdb/session_key_format.h) and kept in segments by session end, under
// <task dir>/rocksdb/<name>/<name>.<segment start>; a session expires when its end is at or
// before the largest end seen minus the retention period (SegmentedBytesStore).
//
// Order: by key, then session end, then start, forward or backward (Kafka's). The sessions of
// one key never overlap in a session-windowed aggregation (overlapping ones merge), so for one
// key that is also start order, as session_store.h says.
//
// The restore callback takes changelog records keyed exactly like the store
// (session_key::ToStoreKey). Thread safety: none; one task's thread.
class RocksDBSessionStore final : public streams::SessionBytesStore {
 public:
  RocksDBSessionStore(std::string name, int64_t retention_ms, int64_t segment_interval_ms);
  ~RocksDBSessionStore() override;
  RocksDBSessionStore(const RocksDBSessionStore&) = delete;
  RocksDBSessionStore& operator=(const RocksDBSessionStore&) = delete;

  const std::string& name() const override { return name_; }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override;
  void flush() override;
  void close() override;
  bool persistent() const override { return true; }
  bool isOpen() const override;

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

  int64_t observedStreamTime() const;
  size_t segmentCount() const;

 private:
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> Find(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t earliest_session_end, int64_t latest_session_start, bool reverse);

  std::string name_;
  std::unique_ptr<SegmentedBytesStore> store_;
};

}  // namespace brook::statestore
