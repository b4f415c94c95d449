#include "statestore/layers/change_logging_window_store.h"

#include "statestore/api/state_store_context.h"
#include "statestore/rocksdb/window_key_format.h"

namespace brook::statestore {

void ChangeLoggingWindowStore::init(streams::StateStoreContext& context,
                                    streams::StateStore& root) {
  context_ = &context;
  inner_->init(context, root);
}

void ChangeLoggingWindowStore::put(const std::string& key, const std::string& value,
                                   int64_t window_start) {
  inner_->put(key, value, window_start);
  if (retain_duplicates_) sequence_ = window_key::NextSeqnum(sequence_);
  context_->logChange(name(), window_key::ToStoreKey(key, window_start, sequence_),
                      std::string_view(value), context_->timestamp());
}

void ChangeLoggingWindowStore::remove(const std::string& key, int64_t window_start) {
  inner_->remove(key, window_start);
  context_->logChange(name(), window_key::ToStoreKey(key, window_start, sequence_), std::nullopt,
                      context_->timestamp());
}

}  // namespace brook::statestore
