#include "statestore/rocksdb/rocksdb_session_store.h"

#include "common/logging.h"
#include "statestore/memory/retention.h"
#include "statestore/memory/vector_iterator.h"
#include "statestore/rocksdb/segment_key_comparator.h"
#include "statestore/rocksdb/segmented_bytes_store.h"
#include "statestore/rocksdb/session_key_format.h"

namespace brook::statestore {

using streams::KeyValueIteratorPtr;
using streams::Window;
using streams::Windowed;

namespace {

int64_t SessionEndOf(std::string_view store_key) {
  return session_key::Parse(store_key)->session_end;
}

Windowed<std::string> ToWindowed(std::string_view store_key) {
  auto parts = *session_key::Parse(store_key);
  return Windowed<std::string>(std::string(parts.key),
                               Window(parts.session_start, parts.session_end));
}

std::string StoreKey(const Windowed<std::string>& session) {
  return session_key::ToStoreKey(session.key(), session.window().start(), session.window().end());
}

}  // namespace

RocksDBSessionStore::RocksDBSessionStore(std::string name, int64_t retention_ms,
                                         int64_t segment_interval_ms)
    : name_(name),
      store_(std::make_unique<SegmentedBytesStore>(
          std::move(name), retention_ms, segment_interval_ms,
          SegmentedLayout{SessionKeyComparator(), session_key::kSuffixSize, &SessionEndOf})) {}

RocksDBSessionStore::~RocksDBSessionStore() {
  try {
    close();
  } catch (const std::exception& e) {
    GetLogger("statestore")->error("[{}] closing the store failed: {}", name_, e.what());
  }
}

void RocksDBSessionStore::init(streams::StateStoreContext& context, streams::StateStore& root) {
  store_->Open(context);
  context.registerStore(
      root, [this](std::span<const streams::ChangelogRecord> batch) { store_->Restore(batch); });
  store_->RegisterRestoreHooks(context, root);
}

void RocksDBSessionStore::flush() { store_->Flush(); }

void RocksDBSessionStore::close() { store_->Close(); }

bool RocksDBSessionStore::isOpen() const { return store_->IsOpen(); }

int64_t RocksDBSessionStore::observedStreamTime() const { return store_->observedStreamTime(); }

size_t RocksDBSessionStore::segmentCount() const { return store_->segmentCount(); }

void RocksDBSessionStore::put(const Windowed<std::string>& session, const std::string& aggregate) {
  store_->Put(StoreKey(session), aggregate);
}

void RocksDBSessionStore::remove(const Windowed<std::string>& session) {
  store_->Remove(StoreKey(session));
}

std::optional<std::string> RocksDBSessionStore::fetchSession(const std::string& key,
                                                             int64_t session_start,
                                                             int64_t session_end) {
  return store_->Get(session_key::ToStoreKey(key, session_start, session_end));
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBSessionStore::Find(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t earliest_session_end, int64_t latest_session_start, bool reverse) {
  store_->CheckOpen();
  int64_t end_from = std::max(earliest_session_end, store_->MinLiveTime());
  if (key_from && key_to && *key_from > *key_to) {
    return MakeVectorIterator<Windowed<std::string>, std::string>({}, false);
  }
  // Per key, [end_from, start min] .. [end max, latest_session_start] in (end, start) order.
  std::optional<std::string> lower, upper;
  if (key_from) lower = session_key::ToStoreKey(*key_from, retention::kNoTime, end_from);
  if (key_to) upper = session_key::ToStoreKey(*key_to, latest_session_start, retention::kMaxTime);
  auto keep = [end_from, latest_session_start](std::string_view store_key) {
    auto parts = *session_key::Parse(store_key);
    return parts.session_end >= end_from && parts.session_start <= latest_session_start;
  };
  auto inner = store_->Range(std::move(lower), std::move(upper), end_from, retention::kMaxTime,
                             reverse, keep);
  return std::make_unique<ConvertingIterator<Windowed<std::string>>>(std::move(inner), &ToWindowed);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBSessionStore::findSessions(
    const std::string& key, int64_t earliest_session_end, int64_t latest_session_start) {
  return Find(key, key, earliest_session_end, latest_session_start, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBSessionStore::backwardFindSessions(
    const std::string& key, int64_t earliest_session_end, int64_t latest_session_start) {
  return Find(key, key, earliest_session_end, latest_session_start, true);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBSessionStore::findSessions(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t earliest_session_end, int64_t latest_session_start) {
  return Find(key_from, key_to, earliest_session_end, latest_session_start, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBSessionStore::fetch(
    const std::string& key) {
  return Find(key, key, retention::kNoTime, retention::kMaxTime, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> RocksDBSessionStore::fetch(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to) {
  return Find(key_from, key_to, retention::kNoTime, retention::kMaxTime, false);
}

}  // namespace brook::statestore
