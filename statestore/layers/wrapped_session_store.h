#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "statestore/api/session_store.h"

namespace brook::statestore {

// A session bytes store layer that passes every call to the store below (Kafka's
// WrappedStateStore); the change-logging layer overrides the writes.
// Thread safety: none; the task's stream thread.
class WrappedSessionStore : public streams::SessionBytesStore {
 public:
  using SessionIterator = streams::KeyValueIteratorPtr<streams::Windowed<std::string>, std::string>;

  explicit WrappedSessionStore(std::unique_ptr<streams::SessionBytesStore> inner)
      : inner_(std::move(inner)) {}

  const std::string& name() const override { return inner_->name(); }
  void init(streams::StateStoreContext& context, streams::StateStore& root) override {
    inner_->init(context, root);
  }
  void flush() override { inner_->flush(); }
  void flushCache() override { inner_->flushCache(); }
  void close() override { inner_->close(); }
  bool persistent() const override { return inner_->persistent(); }
  bool isOpen() const override { return inner_->isOpen(); }

  void put(const streams::Windowed<std::string>& session, const std::string& aggregate) override {
    inner_->put(session, aggregate);
  }
  void remove(const streams::Windowed<std::string>& session) override { inner_->remove(session); }
  SessionIterator findSessions(const std::string& key, int64_t earliest_session_end,
                               int64_t latest_session_start) override {
    return inner_->findSessions(key, earliest_session_end, latest_session_start);
  }
  SessionIterator backwardFindSessions(const std::string& key, int64_t earliest_session_end,
                                       int64_t latest_session_start) override {
    return inner_->backwardFindSessions(key, earliest_session_end, latest_session_start);
  }
  SessionIterator findSessions(const std::optional<std::string>& key_from,
                               const std::optional<std::string>& key_to,
                               int64_t earliest_session_end,
                               int64_t latest_session_start) override {
    return inner_->findSessions(key_from, key_to, earliest_session_end, latest_session_start);
  }
  std::optional<std::string> fetchSession(const std::string& key, int64_t session_start,
                                          int64_t session_end) override {
    return inner_->fetchSession(key, session_start, session_end);
  }
  SessionIterator fetch(const std::string& key) override { return inner_->fetch(key); }
  SessionIterator fetch(const std::optional<std::string>& key_from,
                        const std::optional<std::string>& key_to) override {
    return inner_->fetch(key_from, key_to);
  }

 protected:
  std::unique_ptr<streams::SessionBytesStore> inner_;
};

}  // namespace brook::statestore
