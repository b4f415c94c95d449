#include "statestore/rocksdb/segmented_bytes_store.h"

#include <rocksdb/write_batch.h>

#include <map>

#include "common/bytes.h"
#include "framework/api/errors.h"
#include "statestore/memory/retention.h"
#include "statestore/rocksdb/open_iterators.h"
#include "statestore/rocksdb/rocksdb_instance.h"
#include "statestore/rocksdb/rocksdb_resources.h"

namespace brook::statestore {

namespace {

// Shorter than any entry key, so the comparators put it first and scans skip it.
constexpr std::string_view kMetadataKey = "meta";
// [observed stream time: int64 big-endian][counter: int32 big-endian]
constexpr size_t kMetadataSize = 12;
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

}  // namespace

SegmentedBytesStore::SegmentedBytesStore(std::string name, int64_t retention_ms,
                                         int64_t segment_interval_ms, SegmentedLayout layout)
    : name_(name),
      retention_ms_(retention_ms),
      layout_(layout),
      segments_(std::move(name), segment_interval_ms, layout.comparator),
      open_iterators_(std::make_shared<OpenIterators>()) {}

SegmentedBytesStore::~SegmentedBytesStore() = default;

void SegmentedBytesStore::Open(streams::StateStoreContext& context) {
  if (open_) throw streams::InvalidStateStoreException("[" + name_ + "] is already open");
  context_ = &context;
  dir_ = context.stateDir() / "rocksdb" / name_;
  const RocksDBResources& resources = ResourcesFor(context, own_resources_);
  segments_.OpenExisting(dir_, resources, context.appConfigs());
  observed_stream_time_ = kNoTime;
  counter = 0;
  for (const auto& segment : segments_.InRange(kNoTime, kMaxTime)) {
    // A segment exists because an entry of its time range was put, so its start is a lower
    // bound of the stream time when no metadata was flushed (a crash; restoration fixes it).
    Observe(segments_.SegmentStart(segment->id));
    std::optional<std::string> metadata = segment->db->Get(kMetadataKey);
    if (metadata && metadata->size() == kMetadataSize) {
      const auto* bytes = reinterpret_cast<const uint8_t*>(metadata->data());
      Observe(LoadBigEndian<int64_t>(bytes));
      counter = LoadBigEndian<int32_t>(bytes + 8);
    }
  }
  metadata_dirty_ = false;
  open_ = true;
  DropExpiredSegments();
}

void SegmentedBytesStore::CheckOpen() const {
  if (!open_) throw streams::InvalidStateStoreException("[" + name_ + "] the store is not open");
}

Segments& SegmentedBytesStore::CheckedSegments() {
  CheckOpen();
  return segments_;
}

int64_t SegmentedBytesStore::MinLiveTime() const {
  return retention::MinLiveTime(observed_stream_time_, retention_ms_);
}

void SegmentedBytesStore::Observe(int64_t time) {
  if (time > observed_stream_time_ || observed_stream_time_ == kNoTime) {
    observed_stream_time_ = std::max(observed_stream_time_, time);
    metadata_dirty_ = true;
  }
}

void SegmentedBytesStore::DropExpiredSegments() {
  int64_t min_live = MinLiveTime();
  if (min_live == kNoTime) return;
  // Segments wholly before the first live time.
  segments_.DropBelow(segments_.SegmentId(min_live));
}

bool SegmentedBytesStore::Put(std::string_view store_key, std::string_view value) {
  Segments& segments = CheckedSegments();
  int64_t time = layout_.segment_time(store_key);
  Observe(time);
  if (Expired(time)) {
    if (context_ != nullptr) context_->recordDroppedRecord();
    return false;
  }
  std::shared_ptr<Segment> segment = segments.GetOrCreate(segments.SegmentId(time));
  segment->db->Put(store_key, value);
  metadata_dirty_ = true;
  DropExpiredSegments();
  return true;
}

void SegmentedBytesStore::Remove(std::string_view store_key) {
  Segments& segments = CheckedSegments();
  int64_t time = layout_.segment_time(store_key);
  Observe(time);  // as Kafka: a delete advances the stream time too
  if (!Expired(time)) {
    if (auto segment = segments.Get(segments.SegmentId(time))) segment->db->Delete(store_key);
  }
  metadata_dirty_ = true;
  DropExpiredSegments();
}

std::optional<std::string> SegmentedBytesStore::Get(std::string_view store_key) {
  Segments& segments = CheckedSegments();
  int64_t time = layout_.segment_time(store_key);
  if (Expired(time)) return std::nullopt;
  auto segment = segments.Get(segments.SegmentId(time));
  if (!segment) return std::nullopt;
  return segment->db->Get(store_key);
}

size_t SegmentedBytesStore::Restore(std::span<const streams::ChangelogRecord> batch) {
  Segments& segments = CheckedSegments();
  // The batch's largest time first: records it expires are not written at all.
  for (const auto& record : batch) {
    if (record.key.size() >= layout_.suffix_size) Observe(layout_.segment_time(record.key));
  }
  DropExpiredSegments();
  std::map<int64_t, rocksdb::WriteBatch> writes;
  size_t applied = 0;
  for (const auto& record : batch) {
    if (record.key.size() < layout_.suffix_size) {
      throw streams::ProcessorStateException("[" + name_ + "] a changelog key of " +
                                             std::to_string(record.key.size()) +
                                             " bytes is shorter than the store's key suffix");
    }
    int64_t time = layout_.segment_time(record.key);
    if (Expired(time)) continue;
    rocksdb::WriteBatch& write = writes[segments.SegmentId(time)];
    rocksdb::Slice key(record.key.data(), record.key.size());
    if (record.value) {
      write.Put(key, rocksdb::Slice(record.value->data(), record.value->size()));
    } else {
      write.Delete(key);
    }
    ++applied;
  }
  for (auto& [id, write] : writes) segments.GetOrCreate(id)->db->Write(write);
  metadata_dirty_ = true;
  return applied;
}

void SegmentedBytesStore::RegisterRestoreHooks(streams::StateStoreContext& context,
                                               streams::StateStore& root) {
  streams::RestoreHooks hooks;
  hooks.on_start = [this](int64_t records) {
    if (records >= RocksDBInstance::kBulkLoadingMinRecords) CheckedSegments().SetBulkLoading(true);
  };
  hooks.on_end = [this] {
    if (open_) segments_.SetBulkLoading(false);
  };
  context.registerRestoreHooks(root, std::move(hooks));
}

std::unique_ptr<SegmentedIterator> SegmentedBytesStore::Range(
    std::optional<std::string> lower, std::optional<std::string> upper, int64_t time_from,
    int64_t time_to, bool reverse, std::function<bool(std::string_view)> keep) {
  Segments& segments = CheckedSegments();
  time_from = std::max(time_from, MinLiveTime());
  std::vector<std::shared_ptr<Segment>> in_range;
  if (time_from <= time_to) {
    in_range = segments.InRange(segments.SegmentId(time_from), segments.SegmentId(time_to));
  }
  return std::make_unique<SegmentedIterator>(
      name_, layout_.comparator, layout_.suffix_size, in_range,
      SegmentedIterator::Range{std::move(lower), std::move(upper), reverse, std::move(keep)},
      open_iterators_);
}

void SegmentedBytesStore::Flush() {
  if (!open_) return;
  if (metadata_dirty_) {
    if (auto newest = segments_.Newest()) {
      std::string metadata(kMetadataSize, '\0');
      auto* bytes = reinterpret_cast<uint8_t*>(metadata.data());
      StoreBigEndian<int64_t>(bytes, observed_stream_time_);
      StoreBigEndian<int32_t>(bytes + 8, counter);
      newest->db->Put(kMetadataKey, metadata);
      metadata_dirty_ = false;
    }
  }
  segments_.FlushAll();
}

void SegmentedBytesStore::Close() {
  if (!open_) return;
  open_iterators_->CloseAll();
  struct CloseSegments {  // even when the flush throws
    Segments& segments;
    bool& open;
    ~CloseSegments() {
      segments.CloseAll();
      open = false;
    }
  } close_segments{segments_, open_};
  Flush();
}

}  // namespace brook::statestore
