#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "statestore/layers/wrapped_window_store.h"

namespace brook::statestore {

// The change-logging layer of a window store (Kafka's ChangeLoggingWindowBytesStore): each put
// and remove goes to the store below and to the changelog, keyed
// [key][window start][sequence number] (statestore/rocksdb/window_key_format.h, the backends' store
// keys); a remove logs a tombstone. A store that retains duplicates gives each put its own sequence
// number so no duplicate compacts another away. Reads pass through. Thread safety: none; the task's
// stream thread.
class ChangeLoggingWindowStore final : public WrappedWindowStore {
 public:
  ChangeLoggingWindowStore(std::unique_ptr<streams::WindowBytesStore> inner, bool retain_duplicates)
      : WrappedWindowStore(std::move(inner)), retain_duplicates_(retain_duplicates) {}

  void init(streams::StateStoreContext& context, streams::StateStore& root) override;
  void put(const std::string& key, const std::string& value, int64_t window_start) override;
  void remove(const std::string& key, int64_t window_start) override;

 private:
  streams::StateStoreContext* context_ = nullptr;
  bool retain_duplicates_;
  int32_t sequence_ = 0;
};

}  // namespace brook::statestore
