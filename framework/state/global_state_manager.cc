#include "framework/state/global_state_manager.h"

#include "framework/api/errors.h"
#include "framework/state/checkpoint_format.h"

namespace brook::framework::state {

using streams::ProcessorStateException;

GlobalStateManager::GlobalStateManager(GlobalStateManagerOptions options,
                                       std::vector<const topology::StoreInfo*> stores)
    : options_(std::move(options)),
      checkpoint_(options_.dir / kCheckpointFileName),
      log_(GetLogger("state")) {
  for (const topology::StoreInfo* info : stores) stores_.push_back(Store{info, nullptr});
}

GlobalStateManager::~GlobalStateManager() {
  if (!closed_) Close(false, {});
}

void GlobalStateManager::InitializeStores() {
  std::error_code error;
  std::filesystem::create_directories(options_.dir, error);
  if (error) {
    throw ProcessorStateException("[global] cannot create the global state directory " +
                                  options_.dir.string() + ": " + error.message());
  }
  for (auto& store : stores_) {
    try {
      store.store = store.info->builder->buildStateStore();
    } catch (const std::exception& e) {
      throw ProcessorStateException("[global] cannot build global state store " +
                                    store.info->builder->name() + ": " + e.what());
    }
    if (store.store == nullptr) {
      throw ProcessorStateException("[global] the builder of global state store " +
                                    store.info->builder->name() + " returned no store");
    }
    all_persistent_ = all_persistent_ && store.store->persistent();
  }
  auto read = checkpoint_.Read();
  bool trusted = read.ok() && !read->empty() && all_persistent_;
  if (trusted) {
    checkpointed_ = std::move(read).value();
  } else {
    // Nothing says what the files hold: start over from the topics' beginning.
    bool has_state = false;
    for (const auto& entry : std::filesystem::directory_iterator(options_.dir, error)) {
      (void)entry;
      has_state = true;
    }
    if (has_state) {
      log_->warn("[global] {}: wiping {} and reading the global topics from the beginning",
                 read.ok() ? "no usable checkpoint" : read.status().ToString(),
                 options_.dir.string());
      for (const auto& entry : std::filesystem::directory_iterator(options_.dir, error)) {
        std::filesystem::remove_all(entry.path(), error);
        if (error) {
          throw ProcessorStateException("[global] cannot delete " + entry.path().string() + ": " +
                                        error.message());
        }
      }
    }
  }
  for (auto& store : stores_) {
    try {
      store.store->init(*this, *store.store);
    } catch (const std::exception& e) {
      throw ProcessorStateException("[global] cannot open global state store " +
                                    store.info->builder->name() + ": " + e.what());
    }
  }
  initialized_ = true;
}

streams::StateStore* GlobalStateManager::GetStore(const std::string& name) const {
  for (const auto& store : stores_) {
    if (store.info->builder->name() == name) return store.store.get();
  }
  return nullptr;
}

void GlobalStateManager::logChange(const std::string& store, std::string_view,
                                   std::optional<std::string_view>, int64_t) {
  throw ProcessorStateException("[global] global state store " + store +
                                " logs a change; a global store's topic is its changelog, so "
                                "its logging must be off");
}

void GlobalStateManager::Flush() {
  for (auto& store : stores_) {
    if (store.store == nullptr || !store.store->isOpen()) continue;
    try {
      store.store->flushCache();
      store.store->flush();
    } catch (const std::exception& e) {
      throw ProcessorStateException("[global] flushing global state store " +
                                    store.info->builder->name() + " failed: " + e.what());
    }
  }
}

void GlobalStateManager::Checkpoint(const std::map<client::TopicPartition, int64_t>& next_offsets) {
  if (!initialized_ || !all_persistent_ || next_offsets.empty()) return;
  if (next_offsets == checkpointed_ && std::filesystem::exists(checkpoint_.file())) return;
  Flush();  // the checkpoint may only name offsets the backends hold durably
  if (Status status = checkpoint_.Write(next_offsets); !status.ok()) {
    log_->warn("[global] cannot write the global checkpoint: {}", status.ToString());
    return;
  }
  checkpointed_ = next_offsets;
}

void GlobalStateManager::Close(bool clean,
                               const std::map<client::TopicPartition, int64_t>& next_offsets) {
  if (closed_) return;
  closed_ = true;
  if (clean && initialized_) {
    try {
      Flush();
      Checkpoint(next_offsets);
    } catch (const std::exception& e) {
      log_->error("[global] closing the global stores cleanly failed ({}); closing them dirty",
                  e.what());
    }
  }
  for (auto& store : stores_) {
    if (store.store == nullptr) continue;
    try {
      store.store->close();
    } catch (const std::exception& e) {
      log_->error("[global] closing global state store {} failed: {}", store.info->builder->name(),
                  e.what());
    }
    store.store.reset();
  }
}

}  // namespace brook::framework::state
