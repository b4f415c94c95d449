#include "statestore/memory/in_memory_session_store.h"

#include <vector>

#include "framework/api/errors.h"
#include "statestore/api/state_store_context.h"
#include "statestore/memory/retention.h"
#include "statestore/memory/vector_iterator.h"
#include "statestore/rocksdb/session_key_format.h"

namespace brook::statestore {

using streams::KeyValue;
using streams::KeyValueIteratorPtr;
using streams::Window;
using streams::Windowed;

InMemorySessionStore::InMemorySessionStore(std::string name, int64_t retention_ms)
    : name_(std::move(name)),
      retention_ms_(retention_ms),
      observed_stream_time_(retention::kNoTime) {}

void InMemorySessionStore::init(streams::StateStoreContext& context, streams::StateStore& root) {
  context_ = &context;
  entries_.clear();
  by_end_.clear();
  observed_stream_time_ = retention::kNoTime;
  context.registerStore(root, [this](std::span<const streams::ChangelogRecord> batch) {
    for (const auto& record : batch) {
      auto parts = session_key::Parse(record.key);
      if (!parts) {
        throw streams::ProcessorStateException(
            "[" + name_ + "] a changelog key of " + std::to_string(record.key.size()) +
            " bytes is shorter than a session store key's 16-byte suffix");
      }
      Observe(parts->session_end);
      if (parts->session_end < MinLiveTime()) continue;
      std::optional<std::string> value;
      if (record.value) value = std::string(*record.value);
      Write({std::string(parts->key), parts->session_end, parts->session_start}, value);
    }
    Expire();
  });
  open_ = true;
}

int64_t InMemorySessionStore::MinLiveTime() const {
  return retention::MinLiveTime(observed_stream_time_, retention_ms_);
}

void InMemorySessionStore::Observe(int64_t time) {
  observed_stream_time_ = std::max(observed_stream_time_, time);
}

void InMemorySessionStore::Expire() {
  int64_t min_live = MinLiveTime();
  while (!by_end_.empty() && std::get<0>(*by_end_.begin()) < min_live) {
    auto node = by_end_.extract(by_end_.begin());
    auto& [end, key, start] = node.value();
    entries_.erase(EntryKey{std::move(key), end, start});
  }
}

void InMemorySessionStore::Write(EntryKey entry, const std::optional<std::string>& value) {
  if (value) {
    by_end_.emplace(entry.end, entry.key, entry.start);
    entries_.insert_or_assign(std::move(entry), *value);
  } else {
    by_end_.erase({entry.end, entry.key, entry.start});
    entries_.erase(entry);
  }
}

void InMemorySessionStore::put(const Windowed<std::string>& session, const std::string& aggregate) {
  int64_t end = session.window().end();
  Observe(end);
  if (end >= MinLiveTime()) {
    Write({session.key(), end, session.window().start()}, aggregate);
  } else if (context_ != nullptr) {
    context_->recordDroppedRecord();  // expired: Kafka's expired-record sensor
  }
  Expire();
}

void InMemorySessionStore::remove(const Windowed<std::string>& session) {
  Observe(session.window().end());  // as Kafka: a delete advances the stream time too
  Write({session.key(), session.window().end(), session.window().start()}, std::nullopt);
  Expire();
}

std::optional<std::string> InMemorySessionStore::fetchSession(const std::string& key,
                                                              int64_t session_start,
                                                              int64_t session_end) {
  if (session_end < MinLiveTime()) return std::nullopt;
  auto it = entries_.find({key, session_end, session_start});
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemorySessionStore::Find(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t earliest_session_end, int64_t latest_session_start, bool reverse) {
  std::vector<KeyValue<Windowed<std::string>, std::string>> found;
  int64_t end_from = std::max(earliest_session_end, MinLiveTime());
  if (!(key_from && key_to && *key_from > *key_to)) {
    auto it = key_from ? entries_.lower_bound({*key_from, end_from, retention::kNoTime})
                       : entries_.begin();
    for (; it != entries_.end() && (!key_to || it->first.key <= *key_to); ++it) {
      if (it->first.end < end_from || it->first.start > latest_session_start) continue;
      found.push_back({Windowed<std::string>(it->first.key, Window(it->first.start, it->first.end)),
                       it->second});
    }
  }
  return MakeVectorIterator(std::move(found), reverse);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemorySessionStore::findSessions(
    const std::string& key, int64_t earliest_session_end, int64_t latest_session_start) {
  return Find(key, key, earliest_session_end, latest_session_start, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemorySessionStore::backwardFindSessions(
    const std::string& key, int64_t earliest_session_end, int64_t latest_session_start) {
  return Find(key, key, earliest_session_end, latest_session_start, true);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemorySessionStore::findSessions(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t earliest_session_end, int64_t latest_session_start) {
  return Find(key_from, key_to, earliest_session_end, latest_session_start, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemorySessionStore::fetch(
    const std::string& key) {
  return Find(key, key, retention::kNoTime, retention::kMaxTime, false);
}

KeyValueIteratorPtr<Windowed<std::string>, std::string> InMemorySessionStore::fetch(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to) {
  return Find(key_from, key_to, retention::kNoTime, retention::kMaxTime, false);
}

}  // namespace brook::statestore
