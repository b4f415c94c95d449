#include "statestore/layers/caching_session_store.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "statestore/layers/cache_key_format.h"
#include "statestore/memory/vector_iterator.h"

namespace brook::statestore {

using streams::KeyValue;
using streams::Window;
using streams::Windowed;

namespace {

constexpr int64_t kMinTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxTime = std::numeric_limits<int64_t>::max();

// Splits a cache key made by cache_key::Session.
std::optional<Windowed<std::string>> ParseCacheKey(std::string_view cache_key) {
  std::string key;
  int64_t start = 0;
  int64_t end = 0;
  if (!cache_key::ReadKey(cache_key, key) || !cache_key::ReadTime(cache_key, start) ||
      !cache_key::ReadTime(cache_key, end)) {
    return std::nullopt;
  }
  return Windowed<std::string>(std::move(key), Window(start, end));
}

std::string CacheKeyOf(const Windowed<std::string>& session) {
  return cache_key::Session(session.key(), session.window().start(), session.window().end());
}

}  // namespace

void CachingSessionStore::init(streams::StateStoreContext& context, streams::StateStore& root) {
  context_ = &context;
  flush_context_.Wrap(context);
  inner_->init(flush_context_, root);
  cache_ = context.threadCache();
  if (cache_) {
    namespace_ = ThreadCache::NamespaceOf(context.taskId(), name());
    cache_->AddFlushListener(
        namespace_, [this](const std::vector<ThreadCache::DirtyEntry>& dirty) { OnFlush(dirty); });
  }
}

bool CachingSessionStore::setFlushListener(
    streams::CacheFlushListener<Windowed<std::string>, std::string> listener,
    bool send_old_values) {
  listener_ = std::move(listener);
  send_old_values_ = send_old_values;
  return true;
}

void CachingSessionStore::OnFlush(const std::vector<ThreadCache::DirtyEntry>& entries) {
  for (const auto& entry : entries) {
    std::optional<Windowed<std::string>> session = ParseCacheKey(entry.key);
    if (!session) continue;  // only this class writes the keys
    FlushContext::Override timestamp(flush_context_, entry.timestamp);
    WriteThrough(*session, entry.value, entry.timestamp);
  }
}

void CachingSessionStore::WriteThrough(const Windowed<std::string>& session,
                                       const std::optional<std::string>& aggregate,
                                       int64_t timestamp) {
  std::optional<std::string> old_value;
  if (!aggregate || (listener_ && send_old_values_)) {
    old_value =
        inner_->fetchSession(session.key(), session.window().start(), session.window().end());
  }
  if (!aggregate && !old_value) return;
  if (aggregate) {
    inner_->put(session, *aggregate);
  } else {
    inner_->remove(session);
  }
  if (listener_)
    listener_(session, aggregate, send_old_values_ ? old_value : std::nullopt, timestamp);
}

void CachingSessionStore::flushCache() {
  if (cache_) cache_->Flush(namespace_);
  inner_->flushCache();
}

void CachingSessionStore::flush() {
  if (cache_) cache_->Flush(namespace_);
  inner_->flush();
}

void CachingSessionStore::close() {
  if (cache_ && inner_->isOpen()) {
    cache_->Flush(namespace_);
    cache_->Close(namespace_);
  }
  inner_->close();
}

void CachingSessionStore::Write(const Windowed<std::string>& session,
                                const std::optional<std::string>& aggregate) {
  if (!cache_) {
    WriteThrough(session, aggregate, context_->timestamp());
    return;
  }
  cache_->Put(namespace_, CacheKeyOf(session),
              ThreadCache::Entry{aggregate, context_->timestamp(), true});
}

void CachingSessionStore::put(const Windowed<std::string>& session, const std::string& aggregate) {
  Write(session, aggregate);
}

void CachingSessionStore::remove(const Windowed<std::string>& session) {
  Write(session, std::nullopt);
}

std::optional<std::string> CachingSessionStore::fetchSession(const std::string& key,
                                                             int64_t session_start,
                                                             int64_t session_end) {
  if (cache_) {
    if (const auto* entry =
            cache_->Get(namespace_, cache_key::Session(key, session_start, session_end))) {
      return entry->value;
    }
  }
  return inner_->fetchSession(key, session_start, session_end);
}

CachingSessionStore::SessionIterator CachingSessionStore::Combine(
    SessionIterator store, const std::optional<std::string>& key_from,
    const std::optional<std::string>& key_to, int64_t earliest_session_end,
    int64_t latest_session_start, bool reverse) {
  if (!cache_) return store;
  std::map<Windowed<std::string>, std::string> sessions;
  while (store->hasNext()) {
    auto entry = store->next();
    sessions.insert_or_assign(std::move(entry.key), std::move(entry.value));
  }
  if (!(key_from && key_to && *key_from > *key_to)) {
    std::optional<std::string> from;
    std::optional<std::string> to;
    if (key_from) from = cache_key::KeyStart(*key_from);
    if (key_to) to = cache_key::KeyEnd(*key_to);
    for (auto& [cache_key, entry] : cache_->Range(namespace_, from, to, false)) {
      std::optional<Windowed<std::string>> session = ParseCacheKey(cache_key);
      if (!session || session->window().end() < earliest_session_end ||
          session->window().start() > latest_session_start) {
        continue;
      }
      if (entry.value) {
        sessions.insert_or_assign(std::move(*session), std::move(*entry.value));
      } else {
        sessions.erase(*session);
      }
    }
  }
  std::vector<KeyValue<Windowed<std::string>, std::string>> entries;
  entries.reserve(sessions.size());
  for (auto& [session, aggregate] : sessions) entries.push_back({session, std::move(aggregate)});
  return MakeVectorIterator(std::move(entries), reverse);
}

CachingSessionStore::SessionIterator CachingSessionStore::findSessions(
    const std::string& key, int64_t earliest_session_end, int64_t latest_session_start) {
  return Combine(inner_->findSessions(key, earliest_session_end, latest_session_start), key, key,
                 earliest_session_end, latest_session_start, false);
}

CachingSessionStore::SessionIterator CachingSessionStore::backwardFindSessions(
    const std::string& key, int64_t earliest_session_end, int64_t latest_session_start) {
  if (!cache_) return inner_->backwardFindSessions(key, earliest_session_end, latest_session_start);
  return Combine(inner_->findSessions(key, earliest_session_end, latest_session_start), key, key,
                 earliest_session_end, latest_session_start, true);
}

CachingSessionStore::SessionIterator CachingSessionStore::findSessions(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to,
    int64_t earliest_session_end, int64_t latest_session_start) {
  return Combine(inner_->findSessions(key_from, key_to, earliest_session_end, latest_session_start),
                 key_from, key_to, earliest_session_end, latest_session_start, false);
}

CachingSessionStore::SessionIterator CachingSessionStore::fetch(const std::string& key) {
  return Combine(inner_->fetch(key), key, key, kMinTime, kMaxTime, false);
}

CachingSessionStore::SessionIterator CachingSessionStore::fetch(
    const std::optional<std::string>& key_from, const std::optional<std::string>& key_to) {
  return Combine(inner_->fetch(key_from, key_to), key_from, key_to, kMinTime, kMaxTime, false);
}

}  // namespace brook::statestore
