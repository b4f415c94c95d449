#pragma once

#include <memory>
#include <string>

#include "statestore/layers/wrapped_session_store.h"

namespace brook::statestore {

// The change-logging layer of a session store (Kafka's ChangeLoggingSessionBytesStore): each
// put and remove goes to the store below and to the changelog, keyed
// [key][session end][session start] (statestore/rocksdb/session_key_format.h, the backends' store
// keys); a remove logs a tombstone. Reads pass through. Thread safety: none; the task's stream
// thread.
class ChangeLoggingSessionStore final : public WrappedSessionStore {
 public:
  explicit ChangeLoggingSessionStore(std::unique_ptr<streams::SessionBytesStore> inner)
      : WrappedSessionStore(std::move(inner)) {}

  void init(streams::StateStoreContext& context, streams::StateStore& root) override;
  void put(const streams::Windowed<std::string>& session, const std::string& aggregate) override;
  void remove(const streams::Windowed<std::string>& session) override;

 private:
  streams::StateStoreContext* context_ = nullptr;
};

}  // namespace brook::statestore
