#include "framework/state/processor_state_manager.h"

#include "framework/api/errors.h"
#include "framework/state/checkpoint_format.h"

namespace brook::framework::state {

using streams::ProcessorStateException;

namespace {

// Whether `dir` holds anything besides the lock file (state that a wipe would throw away).
bool HasLocalState(const std::filesystem::path& dir) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (entry.path().filename() != ".lock") return true;
  }
  return false;
}

}  // namespace

ProcessorStateManager::ProcessorStateManager(StateManagerOptions options,
                                             std::unique_ptr<TaskDirectoryLock> lock,
                                             std::vector<const topology::StoreInfo*> stores)
    : options_(std::move(options)),
      lock_(std::move(lock)),
      dir_(lock_ != nullptr ? lock_->dir() : std::filesystem::path()),
      checkpoint_(dir_ / kCheckpointFileName),
      log_(GetLogger("state")) {
  for (const topology::StoreInfo* info : stores) {
    Store store;
    store.info = info;
    if (!info->changelog_topic.empty()) {
      store.changelog = TopicPartition{info->changelog_topic, options_.task_id.partition};
      changelog_of_store_[info->builder->name()] = info->changelog_topic;
    }
    stores_.push_back(std::move(store));
  }
}

ProcessorStateManager::~ProcessorStateManager() {
  if (!closed_) Close(false, {});
}

void ProcessorStateManager::InitializeStores() {
  const std::string task = options_.task_id.toString();
  for (auto& store : stores_) {
    try {
      store.store = store.info->builder->buildStateStore();
    } catch (const std::exception& e) {
      throw ProcessorStateException("[task " + task + "] cannot build state store " +
                                    store.info->builder->name() + ": " + e.what());
    }
    if (store.store == nullptr) {
      throw ProcessorStateException("[task " + task + "] the builder of state store " +
                                    store.info->builder->name() + " returned no store");
    }
  }

  // Which local state can be trusted: a persistent logged store needs a checkpoint entry.
  std::map<TopicPartition, int64_t> loaded;
  bool wipe = false;
  std::string why;
  if (auto read = checkpoint_.Read(); !read.ok()) {
    wipe = true;
    why = read.status().ToString();
  } else {
    loaded = std::move(read).value();
    for (const auto& store : stores_) {
      if (store.changelog && store.store->persistent() && loaded.count(*store.changelog) == 0) {
        wipe = true;
        why = "no checkpointed offset for store " + store.info->builder->name() +
              (options_.exactly_once ? " (under exactly_once_v2 only a clean close leaves one)"
                                     : "");
      }
    }
  }
  if (wipe && !dir_.empty() && HasLocalState(dir_)) {
    log_->warn("[task {}] {}: wiping {} and restoring every store from its changelog", task, why,
               dir_.string());
    if (Status wiped = StateDirectory::Wipe(*lock_); !wiped.ok()) {
      throw ProcessorStateException("[task " + task + "] " + wiped.ToString());
    }
    loaded.clear();
  } else if (wipe) {
    loaded.clear();
  }
  for (const auto& store : stores_) {
    if (!store.changelog || !store.store->persistent()) continue;
    auto it = loaded.find(*store.changelog);
    if (it != loaded.end()) offsets_[it->first] = it->second;
  }
  checkpointed_ = CheckpointableOffsets();

  for (auto& store : stores_) {
    try {
      store.store->init(*this, *store.store);
    } catch (const std::exception& e) {
      throw ProcessorStateException("[task " + task + "] cannot open state store " +
                                    store.info->builder->name() + ": " + e.what());
    }
    if (store.changelog && !store.registered) {
      throw ProcessorStateException("[task " + task + "] state store " +
                                    store.info->builder->name() +
                                    " did not register itself in init() (registerStore), so it "
                                    "cannot be restored from its changelog");
    }
  }
  initialized_ = true;
  if (options_.exactly_once && !dir_.empty()) {
    // From now on the stores may hold uncommitted writes: only a clean close writes it again.
    if (Status deleted = checkpoint_.Delete(); !deleted.ok()) {
      throw ProcessorStateException("[task " + task + "] " + deleted.ToString());
    }
    checkpointed_.clear();
  }
}

void ProcessorStateManager::registerStore(streams::StateStore& root,
                                          streams::RestoreCallback restore) {
  for (auto& store : stores_) {
    if (store.info->builder->name() != root.name()) continue;
    if (store.registered) {
      throw ProcessorStateException("[task " + options_.task_id.toString() + "] state store " +
                                    root.name() + " registered twice");
    }
    store.restore = std::move(restore);
    store.registered = true;
    return;
  }
  throw ProcessorStateException("[task " + options_.task_id.toString() + "] state store " +
                                root.name() + " is not one of the task's stores");
}

void ProcessorStateManager::registerRestoreHooks(streams::StateStore& root,
                                                 streams::RestoreHooks hooks) {
  for (auto& store : stores_) {
    if (store.info->builder->name() != root.name()) continue;
    store.hooks = std::move(hooks);
    return;
  }
  throw ProcessorStateException("[task " + options_.task_id.toString() + "] state store " +
                                root.name() + " is not one of the task's stores");
}

streams::StateStore* ProcessorStateManager::GetStore(const std::string& name) const {
  for (const auto& store : stores_) {
    if (store.info->builder->name() == name) return store.store.get();
  }
  return nullptr;
}

std::vector<ChangelogToRestore> ProcessorStateManager::Changelogs() const {
  std::vector<ChangelogToRestore> result;
  for (const auto& store : stores_) {
    if (!store.changelog) continue;
    ChangelogToRestore changelog;
    changelog.partition = *store.changelog;
    changelog.store = store.info->builder->name();
    auto it = offsets_.find(*store.changelog);
    changelog.start_offset =
        store.store != nullptr && store.store->persistent() && it != offsets_.end()
            ? it->second + 1
            : kOffsetUnknown;
    result.push_back(std::move(changelog));
  }
  return result;
}

ProcessorStateManager::Store* ProcessorStateManager::FindByChangelog(
    const TopicPartition& partition) {
  for (auto& store : stores_) {
    if (store.changelog && *store.changelog == partition) return &store;
  }
  return nullptr;
}

void ProcessorStateManager::Restore(const TopicPartition& partition,
                                    std::span<const streams::ChangelogRecord> batch) {
  if (batch.empty()) return;
  Store* store = FindByChangelog(partition);
  if (store == nullptr || !store->restore) {
    throw ProcessorStateException("[task " + options_.task_id.toString() + "] no store restores " +
                                  partition.ToString());
  }
  try {
    store->restore(batch);
  } catch (const std::exception& e) {
    const std::string error = "[task " + options_.task_id.toString() + "] restoring " +
                              store->info->builder->name() + " from " + partition.ToString() +
                              " failed: " + e.what();
    try {
      EndRestore(*store);  // not left bulk loading, whatever happens to the task next
    } catch (const std::exception& end_error) {
      log_->error("{}; ending the restoration failed too: {}", error, end_error.what());
    }
    throw ProcessorStateException(error);
  }
  offsets_[partition] = batch.back().offset;
}

void ProcessorStateManager::RestoreStarted(const TopicPartition& partition, int64_t records) {
  Store* store = FindByChangelog(partition);
  if (store == nullptr || store->restoring) return;
  store->restoring = true;
  if (!store->hooks.on_start) return;
  try {
    store->hooks.on_start(records);
  } catch (const std::exception& e) {
    const std::string error = "[task " + options_.task_id.toString() + "] starting to restore " +
                              store->info->builder->name() + " failed: " + e.what();
    try {
      EndRestore(*store);
    } catch (const std::exception& end_error) {
      log_->error("{}; ending the restoration failed too: {}", error, end_error.what());
    }
    throw ProcessorStateException(error);
  }
}

void ProcessorStateManager::RestoreEnded(const TopicPartition& partition) {
  if (Store* store = FindByChangelog(partition)) EndRestore(*store);
}

void ProcessorStateManager::EndRestore(Store& store) {
  if (!store.restoring) return;
  store.restoring = false;
  if (!store.hooks.on_end || store.store == nullptr || !store.store->isOpen()) return;
  try {
    store.hooks.on_end();
  } catch (const std::exception& e) {
    throw ProcessorStateException("[task " + options_.task_id.toString() +
                                  "] ending the restoration of " + store.info->builder->name() +
                                  " failed: " + e.what());
  }
}

void ProcessorStateManager::logChange(const std::string& store, std::string_view key,
                                      std::optional<std::string_view> value, int64_t timestamp) {
  auto it = changelog_of_store_.find(store);
  if (it == changelog_of_store_.end()) {
    throw ProcessorStateException("[task " + options_.task_id.toString() + "] state store " +
                                  store + " logs a change but has no changelog (logging is off)");
  }
  streams::detail::OutgoingRecord record;
  record.topic = it->second;
  record.partition = options_.task_id.partition;
  record.key = key;
  record.value = value;
  record.timestamp = timestamp;
  record.track_offset = true;
  options_.collector->Send(options_.task_id, record);
}

void ProcessorStateManager::FlushCache() {
  for (auto& store : stores_) {
    if (store.store == nullptr || !store.store->isOpen()) continue;
    try {
      store.store->flushCache();
    } catch (const streams::StreamsException&) {
      throw;
    } catch (const std::exception& e) {
      throw ProcessorStateException("[task " + options_.task_id.toString() + "] flushing the " +
                                    "cache of state store " + store.info->builder->name() +
                                    " failed: " + e.what());
    }
  }
}

void ProcessorStateManager::Flush() {
  for (auto& store : stores_) {
    if (store.store == nullptr || !store.store->isOpen()) continue;
    try {
      store.store->flush();
    } catch (const streams::StreamsException&) {
      throw;
    } catch (const std::exception& e) {
      throw ProcessorStateException("[task " + options_.task_id.toString() + "] flushing state " +
                                    "store " + store.info->builder->name() + " failed: " +
                                    e.what());
    }
  }
}

std::map<TopicPartition, int64_t> ProcessorStateManager::CheckpointableOffsets() const {
  std::map<TopicPartition, int64_t> result;
  for (const auto& store : stores_) {
    if (!store.changelog || store.store == nullptr || !store.store->persistent()) continue;
    auto it = offsets_.find(*store.changelog);
    if (it != offsets_.end()) result[it->first] = it->second;
  }
  return result;
}

void ProcessorStateManager::Checkpoint(const std::map<TopicPartition, int64_t>& written,
                                       bool enforce) {
  if (!initialized_ || dir_.empty()) return;
  for (const auto& store : stores_) {
    if (!store.changelog) continue;
    auto it = written.find(*store.changelog);
    if (it == written.end()) continue;
    int64_t& offset = offsets_.try_emplace(it->first, it->second).first->second;
    offset = std::max(offset, it->second);
  }
  std::map<TopicPartition, int64_t> offsets = CheckpointableOffsets();
  if (offsets == checkpointed_ && std::filesystem::exists(checkpoint_.file())) return;
  if (offsets.empty() && checkpointed_.empty()) return;
  if (!enforce) {
    int64_t delta = 0;
    for (const auto& [partition, offset] : offsets) {
      auto it = checkpointed_.find(partition);
      delta += offset - (it == checkpointed_.end() ? 0 : it->second);
    }
    if (delta <= kOffsetDeltaThresholdForCheckpoint) return;
    Flush();  // the checkpoint may only name offsets the backend holds durably
  }
  if (Status status = checkpoint_.Write(offsets); !status.ok()) {
    log_->warn("[task {}] cannot write the checkpoint: {}", options_.task_id.toString(),
               status.ToString());
    return;
  }
  checkpointed_ = std::move(offsets);
}

void ProcessorStateManager::Close(bool clean, const std::map<TopicPartition, int64_t>& written) {
  if (closed_) return;
  closed_ = true;
  const std::string task = options_.task_id.toString();
  for (auto& store : stores_) {  // closed mid-restoration: the stores go back to normal first
    try {
      EndRestore(store);
    } catch (const std::exception& e) {
      log_->error("[task {}] {}", task, e.what());
    }
  }
  if (clean && initialized_) {
    try {
      Flush();
      Checkpoint(written, /*enforce=*/true);
    } catch (const std::exception& e) {
      log_->error("[task {}] closing the stores cleanly failed ({}); closing them dirty", task,
                  e.what());
    }
  }
  for (auto& store : stores_) {
    if (store.store == nullptr) continue;
    try {
      store.store->close();
    } catch (const std::exception& e) {
      log_->error("[task {}] closing state store {} failed: {}", task, store.info->builder->name(),
                  e.what());
    }
    store.store.reset();
  }
  lock_.reset();
}

}  // namespace brook::framework::state
