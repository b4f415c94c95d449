#include "statestore/rocksdb/rocksdb_window_store.h"

#include "common/logging.h"
#include "statestore/memory/retention.h"
#include "statestore/memory/vector_iterator.h"
#include "statestore/rocksdb/segment_key_comparator.h"
#include "statestore/rocksdb/segmented_bytes_store.h"
#include "statestore/rocksdb/window_key_format.h"

namespace brook::statestore {

using streams::KeyValueIteratorPtr;
using streams::Window;
using streams::Windowed;

namespace {

constexpr int32_t kLastSeqnum = -1;  // 0xffffffff: above every seqnum in the comparator's order

int64_t WindowStartOf(std::string_view store_key) {
  return window_key::Parse(store_key)->window_start;
}

}  // namespace

RocksDBWindowStore::RocksDBWindowStore(std::string name, int64_t retention_ms,
                                       int64_t segment_interval_ms, int64_t window_size_ms,
                                       bool retain_duplicates)
    : name_(name),
      window_size_ms_(window_size_ms),
      retain_duplicates_(retain_duplicates),
      store_(std::make_unique<SegmentedBytesStore>(
          std::move(name), retention_ms, segment_interval_ms,
          SegmentedLayout{WindowKeyComparator(), window_key::kSuffixSize, &WindowStartOf})) {}

RocksDBWindowStore::~RocksDBWindowStore() {
  try {
    close();
  } catch (const std::exception& e) {
    GetLogger("statestore")->error("[{}] closing the store failed: {}", name_, e.what());
  }
}

void RocksDBWindowStore::init(streams::StateStoreContext& context, streams::StateStore& root) {
  store_->Open(context);
  context.registerStore(root, [this](std::span<const streams::ChangelogRecord> batch) {
    store_->Restore(batch);
    // Go on from the last restored seqnum so new duplicates do not overwrite restored ones.
    if (retain_duplicates_ && !batch.empty()) {
      if (auto parts = window_key::Parse(batch.back().key)) store_->counter = parts->seqnum;
    }
  });
  store_->RegisterRestoreHooks(context, root);
}

void RocksDBWindowStore::flush() { store_->Flush(); }

void RocksDBWindowStore::close() { store_->Close(); }

bool RocksDBWindowStore::isOpen() const { return store_->IsOpen(); }

int64_t RocksDBWindowStore::observedStreamTime() const { return store_->observedStreamTime(); }

size_t RocksDBWindowStore::segmentCount() const { return store_->segmentCount(); }

void RocksDBWindowStore::put(const std::string& key, const std::string& value,
                             int64_t window_start) {
  int32_t seqnum = 0;
  if (retain_duplicates_) seqnum = store_->counter = window_key::NextSeqnum(store_->counter);
  store_->Put(window_key::ToStoreKey(key, window_start, seqnum), value);
}

void RocksDBWindowStore::remove(const std::string& key, int64_t window_start) {
  if (retain_duplicates_) return;  // Kafka ignores null puts to a store with duplicates
  store_->Remove(window_key::ToStoreKey(key, window_start, 0));
}

std::optional<std::string> RocksDBWindowStore::fetch(const std::string& key, int64_t window_start) {
  if (!retain_duplicates_) return store_->Get(window_key::ToStoreKey(key, window_start, 0));
  auto it = FetchKey(key, window_start, window_start, false);
  if (!it->hasNext()) return std::nullopt;
  return it->next().value;
}

KeyValueIteratorPtr<int64_t, std::string> RocksDBWindowStore::FetchKey(const std::string& key,
                                                                       int64_t time_from,
                                                                       int64_t time_to,
                                                                       bool reverse) {
  time_from = std::max(time_from, store_->MinLiveTime());
  if (time_from > time_to) {
    store_->CheckOpen();
    return MakeVectorIterator<int64_t, std::string>({}, false);
  }
  // With the window key comparator, everything between these two keys has exactly `key`.
  auto inner = store_->Range(window_key::ToStoreKey(key, time_from, 0),
                             window_key::ToStoreKey(key, time_to, kLastSeqnum), time_from, time_to,
                             reverse, nullptr);
  return std::make_unique<ConvertingIterator<int64_t>>(std::move(inner), &WindowStartOf);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBWindowStore::FetchRange(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t time_from, int64_t time_to, bool reverse) {
  time_from = std::max(time_from, store_->MinLiveTime());
  if (time_from > time_to || (key_from && key_to && *key_from > *key_to)) {
    store_->CheckOpen();
    return MakeVectorIterator<Windowed<std::string>, std::string>({}, false);
  }
  std::optional<std::string> lower, upper;
  if (key_from) lower = window_key::ToStoreKey(*key_from, time_from, 0);
  if (key_to) upper = window_key::ToStoreKey(*key_to, time_to, kLastSeqnum);
  // Keys strictly between the bounds come with all their windows: keep [time_from, time_to].
  auto keep = [time_from, time_to](std::string_view store_key) {
    int64_t start = WindowStartOf(store_key);
    return start >= time_from && start <= time_to;
  };
  auto inner = store_->Range(std::move(lower), std::move(upper), time_from, time_to, reverse, keep);
  int64_t size = window_size_ms_;
  return std::make_unique<ConvertingIterator<Windowed<std::string>>>(
      std::move(inner), [size](std::string_view store_key) {
        auto parts = *window_key::Parse(store_key);
        return Windowed<std::string>(
            std::string(parts.key),
            Window(parts.window_start, retention::WindowEnd(parts.window_start, size)));
      });
}

KeyValueIteratorPtr<int64_t, std::string> RocksDBWindowStore::fetch(const std::string& key,
                                                                    int64_t time_from,
                                                                    int64_t time_to) {
  return FetchKey(key, time_from, time_to, false);
}

KeyValueIteratorPtr<int64_t, std::string> RocksDBWindowStore::backwardFetch(const std::string& key,
                                                                            int64_t time_from,
                                                                            int64_t time_to) {
  return FetchKey(key, time_from, time_to, true);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBWindowStore::fetch(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t time_from, int64_t time_to) {
  return FetchRange(key_from, key_to, time_from, time_to, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBWindowStore::backwardFetch(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t time_from, int64_t time_to) {
  return FetchRange(key_from, key_to, time_from, time_to, true);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBWindowStore::fetchAll(
    int64_t time_from, int64_t time_to) {
  return FetchRange(std::nullopt, std::nullopt, time_from, time_to, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBWindowStore::backwardFetchAll(
    int64_t time_from, int64_t time_to) {
  return FetchRange(std::nullopt, std::nullopt, time_from, time_to, true);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBWindowStore::all() {
  return FetchRange(std::nullopt, std::nullopt, retention::kNoTime, retention::kMaxTime, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBWindowStore::backwardAll() {
  return FetchRange(std::nullopt, std::nullopt, retention::kNoTime, retention::kMaxTime, true);
}

}  // namespace brook::statestore
