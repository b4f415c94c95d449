#include "statestore/memory/in_memory_window_store.h"

#include <stdexcept>

#include "framework/api/errors.h"
#include "statestore/api/state_store_context.h"
#include "statestore/memory/retention.h"
#include "statestore/memory/vector_iterator.h"
#include "statestore/rocksdb/window_key_format.h"

namespace brook::statestore {

using streams::KeyValue;
using streams::KeyValueIteratorPtr;
using streams::Window;
using streams::Windowed;

InMemoryWindowStore::InMemoryWindowStore(std::string name, int64_t retention_ms,
                                         int64_t window_size_ms, bool retain_duplicates)
    : name_(std::move(name)),
      retention_ms_(retention_ms),
      window_size_ms_(window_size_ms),
      retain_duplicates_(retain_duplicates),
      observed_stream_time_(retention::kNoTime) {}

void InMemoryWindowStore::init(streams::StateStoreContext& context, streams::StateStore& root) {
  context_ = &context;
  entries_.clear();
  by_start_.clear();
  observed_stream_time_ = retention::kNoTime;
  seqnum_ = 0;
  context.registerStore(root, [this](std::span<const streams::ChangelogRecord> batch) {
    for (const auto& record : batch) {
      auto parts = window_key::Parse(record.key);
      if (!parts) {
        throw streams::ProcessorStateException(
            "[" + name_ + "] a changelog key of " + std::to_string(record.key.size()) +
            " bytes is shorter than a window store key's 12-byte suffix");
      }
      Observe(parts->window_start);
      if (parts->window_start < MinLiveTime()) continue;
      std::optional<std::string> value;
      if (record.value) value = std::string(*record.value);
      Write({std::string(parts->key), parts->window_start, parts->seqnum}, value);
      if (retain_duplicates_) seqnum_ = parts->seqnum;
    }
    Expire();
  });
  open_ = true;
}

int64_t InMemoryWindowStore::MinLiveTime() const {
  return retention::MinLiveTime(observed_stream_time_, retention_ms_);
}

void InMemoryWindowStore::Observe(int64_t time) {
  observed_stream_time_ = std::max(observed_stream_time_, time);
}

void InMemoryWindowStore::Expire() {
  int64_t min_live = MinLiveTime();
  while (!by_start_.empty() && std::get<0>(*by_start_.begin()) < min_live) {
    auto node = by_start_.extract(by_start_.begin());
    auto& [start, key, seqnum] = node.value();
    entries_.erase(EntryKey{std::move(key), start, seqnum});
  }
}

void InMemoryWindowStore::Write(EntryKey entry, const std::optional<std::string>& value) {
  if (value) {
    by_start_.emplace(entry.window_start, entry.key, entry.seqnum);
    entries_.insert_or_assign(std::move(entry), *value);
  } else {
    by_start_.erase({entry.window_start, entry.key, entry.seqnum});
    entries_.erase(entry);
  }
}

void InMemoryWindowStore::put(const std::string& key, const std::string& value,
                              int64_t window_start) {
  // Every put takes a seqnum, dropped or not, as the change-logging layer's counter does.
  int32_t seqnum = 0;
  if (retain_duplicates_) seqnum = seqnum_ = window_key::NextSeqnum(seqnum_);
  Observe(window_start);
  if (window_start >= MinLiveTime()) {
    Write({key, window_start, seqnum}, value);
  } else if (context_ != nullptr) {
    context_->recordDroppedRecord();  // expired: Kafka's expired-record sensor
  }
  Expire();
}

void InMemoryWindowStore::remove(const std::string& key, int64_t window_start) {
  if (retain_duplicates_) return;  // Kafka ignores null puts to a store with duplicates
  Observe(window_start);
  Write({key, window_start, 0}, std::nullopt);
  Expire();
}

std::optional<std::string> InMemoryWindowStore::fetch(const std::string& key,
                                                      int64_t window_start) {
  if (window_start < MinLiveTime()) return std::nullopt;
  auto it = entries_.lower_bound({key, window_start, 0});
  if (it == entries_.end() || it->first.key != key || it->first.window_start != window_start) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<KeyValue<int64_t, std::string>> InMemoryWindowStore::CollectKey(const std::string& key,
                                                                            int64_t time_from,
                                                                            int64_t time_to) {
  std::vector<KeyValue<int64_t, std::string>> found;
  time_from = std::max(time_from, MinLiveTime());
  if (time_from > time_to) return found;
  for (auto it = entries_.lower_bound({key, time_from, 0});
       it != entries_.end() && it->first.key == key && it->first.window_start <= time_to; ++it) {
    found.push_back({it->first.window_start, it->second});
  }
  return found;
}

KeyValueIteratorPtr<int64_t, std::string> InMemoryWindowStore::fetch(const std::string& key,
                                                                     int64_t time_from,
                                                                     int64_t time_to) {
  return MakeVectorIterator(CollectKey(key, time_from, time_to), false);
}

KeyValueIteratorPtr<int64_t, std::string> InMemoryWindowStore::backwardFetch(const std::string& key,
                                                                             int64_t time_from,
                                                                             int64_t time_to) {
  return MakeVectorIterator(CollectKey(key, time_from, time_to), true);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemoryWindowStore::CollectRange(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t time_from, int64_t time_to, bool reverse) {
  std::vector<KeyValue<Windowed<std::string>, std::string>> found;
  time_from = std::max(time_from, MinLiveTime());
  if (time_from <= time_to && !(key_from && key_to && *key_from > *key_to)) {
    auto it =
        key_from ? entries_.lower_bound({*key_from, retention::kNoTime, 0}) : entries_.begin();
    for (; it != entries_.end() && (!key_to || it->first.key <= *key_to); ++it) {
      int64_t start = it->first.window_start;
      if (start < time_from || start > time_to) continue;
      found.push_back(
          {Windowed<std::string>(it->first.key,
                                 Window(start, retention::WindowEnd(start, window_size_ms_))),
           it->second});
    }
  }
  return MakeVectorIterator(std::move(found), reverse);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemoryWindowStore::fetch(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t time_from, int64_t time_to) {
  return CollectRange(key_from, key_to, time_from, time_to, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemoryWindowStore::backwardFetch(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t time_from, int64_t time_to) {
  return CollectRange(key_from, key_to, time_from, time_to, true);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemoryWindowStore::fetchAll(
    int64_t time_from, int64_t time_to) {
  return CollectRange(std::nullopt, std::nullopt, time_from, time_to, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemoryWindowStore::backwardFetchAll(
    int64_t time_from, int64_t time_to) {
  return CollectRange(std::nullopt, std::nullopt, time_from, time_to, true);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemoryWindowStore::all() {
  return CollectRange(std::nullopt, std::nullopt, retention::kNoTime, retention::kMaxTime, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemoryWindowStore::backwardAll() {
  return CollectRange(std::nullopt, std::nullopt, retention::kNoTime, retention::kMaxTime, true);
}

}  // namespace brook::statestore
