#include "statestore/layers/change_logging_key_value_store.h"

#include "statestore/api/state_store_context.h"

namespace brook::statestore {

void ChangeLoggingKeyValueStore::init(streams::StateStoreContext& context,
                                      streams::StateStore& root) {
  context_ = &context;
  inner_->init(context, root);
}

void ChangeLoggingKeyValueStore::Log(const std::string& key,
                                     std::optional<std::string_view> value) {
  context_->logChange(name(), key, value, context_->timestamp());
}

void ChangeLoggingKeyValueStore::put(const std::string& key, const std::string& value) {
  inner_->put(key, value);
  Log(key, value);
}

std::optional<std::string> ChangeLoggingKeyValueStore::putIfAbsent(const std::string& key,
                                                                   const std::string& value) {
  std::optional<std::string> previous = inner_->putIfAbsent(key, value);
  if (!previous) Log(key, value);
  return previous;
}

void ChangeLoggingKeyValueStore::putAll(
    const std::vector<streams::KeyValue<std::string, std::string>>& entries) {
  inner_->putAll(entries);
  for (const auto& entry : entries) Log(entry.key, entry.value);
}

std::optional<std::string> ChangeLoggingKeyValueStore::remove(const std::string& key) {
  std::optional<std::string> old_value = inner_->remove(key);
  Log(key, std::nullopt);
  return old_value;
}

}  // namespace brook::statestore
