#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "statestore/api/state_store_context.h"

namespace brook::statestore {

// The context a caching layer gives the layers below it: the task's context, except that while
// the cache flushes an entry, timestamp() is that entry's record timestamp (Kafka sets the
// entry's record context during a flush), so the changelog record of a flushed write carries
// the time of the write, not of the record that happened to trigger the flush.
// Thread safety: as the store's.
class FlushContext final : public streams::StateStoreContext {
 public:
  // `inner` must outlive this context.
  void Wrap(streams::StateStoreContext& inner) { inner_ = &inner; }

  // Sets timestamp() for the lifetime of the returned guard.
  class Override {
   public:
    Override(FlushContext& context, int64_t timestamp) : context_(context) {
      context_.override_ = timestamp;
    }
    ~Override() { context_.override_.reset(); }
    Override(const Override&) = delete;
    Override& operator=(const Override&) = delete;

   private:
    FlushContext& context_;
  };

  const std::string& applicationId() const override { return inner_->applicationId(); }
  const streams::TaskId& taskId() const override { return inner_->taskId(); }
  const std::filesystem::path& stateDir() const override { return inner_->stateDir(); }
  const std::map<std::string, std::string>& appConfigs() const override {
    return inner_->appConfigs();
  }
  void registerStore(streams::StateStore& root, streams::RestoreCallback restore) override {
    inner_->registerStore(root, std::move(restore));
  }
  void logChange(const std::string& store, std::string_view key,
                 std::optional<std::string_view> value, int64_t timestamp) override {
    inner_->logChange(store, key, value, timestamp);
  }
  int64_t timestamp() const override { return override_ ? *override_ : inner_->timestamp(); }
  void recordDroppedRecord() override { inner_->recordDroppedRecord(); }
  ThreadCache* threadCache() override { return inner_->threadCache(); }
  RocksDBResources* rocksDBResources() override { return inner_->rocksDBResources(); }

 private:
  streams::StateStoreContext* inner_ = nullptr;
  std::optional<int64_t> override_;
};

}  // namespace brook::statestore
