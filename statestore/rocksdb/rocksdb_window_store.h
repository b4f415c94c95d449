#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "statestore/api/window_store.h"

namespace brook::statestore {

class SegmentedBytesStore;

// A window bytes store on time-segmented RocksDB instances (Kafka's RocksDBWindowStore over a
// segmented bytes store): the backend of Stores::persistentWindowStore. Entries are keyed
// [key][window start][seqnum] (statestore/rocksdb/window_key_format.h) and kept in segments of
// `segment_interval_ms` by window start, under <task dir>/rocksdb/<name>/<name>.<segment
// start>. Retention, expiry and the saved stream time: SegmentedBytesStore. Key-range and
// all-key fetches are in global (key, window start) order, merged across segments (Kafka
// returns them segment by segment). With retain_duplicates every put is kept under its own
// seqnum, remove() does nothing (Kafka's rule) and fetch(key, start) returns the first of them.
//
// The restore callback takes changelog records keyed exactly like the store (the change-logging
// layer logs window_key::ToStoreKey(key, start, seqnum)).
//
// Thread safety: none; one task's thread.
class RocksDBWindowStore final : public streams::WindowBytesStore {
 public:
  RocksDBWindowStore(std::string name, int64_t retention_ms, int64_t segment_interval_ms,
                     int64_t window_size_ms, bool retain_duplicates);
  ~RocksDBWindowStore() override;
  RocksDBWindowStore(const RocksDBWindowStore&) = delete;
  RocksDBWindowStore& operator=(const RocksDBWindowStore&) = delete;

  const std::string& name() const override { return name_; }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override;
  void flush() override;
  void close() override;
  bool persistent() const override { return true; }
  bool isOpen() const override;

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

  // For tests and metrics: the largest window start seen, the open segments, the directory.
  int64_t observedStreamTime() const;
  size_t segmentCount() const;

 private:
  streams::KeyValueIteratorPtr<int64_t, std::string> FetchKey(const std::string& key,
                                                              int64_t time_from, int64_t time_to,
                                                              bool reverse);
  streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string> FetchRange(
      const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
      int64_t time_from, int64_t time_to, bool reverse);

  std::string name_;
  int64_t window_size_ms_;
  bool retain_duplicates_;
  std::unique_ptr<SegmentedBytesStore> store_;
};

}  // namespace brook::statestore
