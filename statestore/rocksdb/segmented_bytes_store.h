#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "statestore/api/state_store_context.h"
#include "statestore/rocksdb/segmented_iterator.h"
#include "statestore/rocksdb/segments.h"

namespace brook::statestore {

class OpenIterators;
class RocksDBResources;

// What a segmented store's keys look like: their RocksDB comparator, the size of the time
// suffix after the record key, and the time that picks an entry's segment (window start,
// session end).
struct SegmentedLayout {
  const rocksdb::Comparator* comparator;
  size_t suffix_size;
  int64_t (*segment_time)(std::string_view store_key);
};

// The time-segmented RocksDB store under a window or session store (Kafka's
// AbstractRocksDBSegmentedBytesStore), in <task dir>/rocksdb/<name>/<name>.<segment start>.
//
// Retention: the observed stream time is the largest segment time put, removed or restored so
// far. An entry whose time is at or before observed - retention is expired: a put of it is
// dropped (Kafka's rule, silently), reads skip it, and a segment whose every time is expired is
// closed and its directory deleted. The observed stream time and one 32-bit counter the owner
// keeps (the window store's duplicate seqnum) are saved in the newest segment at each flush
// under the metadata key "meta" (docs/formats/window-store-keys.md) and read back on open.
//
// Thread safety: none; one task's thread.
class SegmentedBytesStore {
 public:
  static constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

  SegmentedBytesStore(std::string name, int64_t retention_ms, int64_t segment_interval_ms,
                      SegmentedLayout layout);
  ~SegmentedBytesStore();
  SegmentedBytesStore(const SegmentedBytesStore&) = delete;
  SegmentedBytesStore& operator=(const SegmentedBytesStore&) = delete;

  // Opens the existing segments under <context.stateDir()>/rocksdb/<name>, reads the saved
  // stream time and counter and drops the expired segments. Throws ProcessorStateException.
  void Open(streams::StateStoreContext& context);
  bool IsOpen() const { return open_; }
  // Throws InvalidStateStoreException unless open.
  void CheckOpen() const;
  // Saves the metadata in the newest segment, then flushes every segment's memtables.
  void Flush();
  // Releases the open iterators, flushes and closes every segment. Closing twice is allowed.
  void Close();

  // False when the entry was expired and dropped (counted in the context's dropped records).
  bool Put(std::string_view store_key, std::string_view value);
  void Remove(std::string_view store_key);
  std::optional<std::string> Get(std::string_view store_key);
  // Writes a changelog batch (one WriteBatch per segment; tombstones delete), with the
  // retention rules of Put; returns the number of records applied.
  size_t Restore(std::span<const streams::ChangelogRecord> batch);
  // Registers restore hooks for `root` that bulk-load every segment (RocksDBInstance::
  // SetBulkLoading) while a restoration of RocksDBInstance::kBulkLoadingMinRecords or more runs.
  void RegisterRestoreHooks(streams::StateStoreContext& context, streams::StateStore& root);

  // Entries with lower <= store key <= upper (comparator order, nullopt: open) in the live
  // segments that may hold segment times in [time_from, time_to]; `keep` filters them.
  std::unique_ptr<SegmentedIterator> Range(std::optional<std::string> lower,
                                           std::optional<std::string> upper, int64_t time_from,
                                           int64_t time_to, bool reverse,
                                           std::function<bool(std::string_view)> keep);

  int64_t observedStreamTime() const { return observed_stream_time_; }
  // The smallest time that is not expired: observed - retention + 1 (kNoTime before any put).
  int64_t MinLiveTime() const;
  bool Expired(int64_t time) const { return time < MinLiveTime(); }
  // The owner's counter, saved and restored with the stream time.
  int32_t counter = 0;
  size_t segmentCount() const { return segments_.size(); }
  const std::filesystem::path& directory() const { return dir_; }
  const std::string& name() const { return name_; }

 private:
  void Observe(int64_t time);
  void DropExpiredSegments();
  Segments& CheckedSegments();

  std::string name_;
  int64_t retention_ms_;
  SegmentedLayout layout_;
  Segments segments_;
  std::filesystem::path dir_;
  std::unique_ptr<RocksDBResources> own_resources_;
  std::shared_ptr<OpenIterators> open_iterators_;
  streams::StateStoreContext* context_ = nullptr;  // from Open; outlives the store's use
  int64_t observed_stream_time_ = kNoTime;
  bool metadata_dirty_ = false;
  bool open_ = false;
};

}  // namespace brook::statestore
