#include "statestore/layers/change_logging_session_store.h"

#include "statestore/api/state_store_context.h"
#include "statestore/rocksdb/session_key_format.h"

namespace brook::statestore {

void ChangeLoggingSessionStore::init(streams::StateStoreContext& context,
                                     streams::StateStore& root) {
  context_ = &context;
  inner_->init(context, root);
}

void ChangeLoggingSessionStore::put(const streams::Windowed<std::string>& session,
                                    const std::string& aggregate) {
  inner_->put(session, aggregate);
  context_->logChange(
      name(),
      session_key::ToStoreKey(session.key(), session.window().start(), session.window().end()),
      std::string_view(aggregate), context_->timestamp());
}

void ChangeLoggingSessionStore::remove(const streams::Windowed<std::string>& session) {
  inner_->remove(session);
  context_->logChange(
      name(),
      session_key::ToStoreKey(session.key(), session.window().start(), session.window().end()),
      std::nullopt, context_->timestamp());
}

}  // namespace brook::statestore
