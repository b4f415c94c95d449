#pragma once

#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "statestore/api/state_store_context.h"

namespace brook::statestore {

// A StateStoreContext for store tests: a temporary task directory, the changelog records the
// change-logging layer sent (in order), the restore callbacks stores registered, and a settable
// record timestamp. Caching and shared RocksDB resources are set by the test when wanted.
class TestStoreContext : public streams::StateStoreContext {
 public:
  struct Logged {
    std::string store;
    std::string key;
    std::optional<std::string> value;
    int64_t timestamp;
  };

  explicit TestStoreContext(std::filesystem::path dir = {}) : dir_(std::move(dir)) {
    if (dir_.empty()) {
      dir_ = std::filesystem::temp_directory_path() /
             ("brook-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(next_id_++));
    }
    std::filesystem::create_directories(dir_);
  }
  ~TestStoreContext() override {
    std::error_code ignored;
    if (remove_dir_) std::filesystem::remove_all(dir_, ignored);
  }

  const std::string& applicationId() const override { return application_id_; }
  const streams::TaskId& taskId() const override { return task_id_; }
  const std::filesystem::path& stateDir() const override { return dir_; }
  const std::map<std::string, std::string>& appConfigs() const override { return configs; }
  void registerStore(streams::StateStore& root, streams::RestoreCallback restore) override {
    restorers[root.name()] = std::move(restore);
  }
  void logChange(const std::string& store, std::string_view key,
                 std::optional<std::string_view> value, int64_t timestamp) override {
    logged.push_back({store, std::string(key),
                      value ? std::optional<std::string>(std::string(*value)) : std::nullopt,
                      timestamp});
  }
  int64_t timestamp() const override { return record_timestamp; }
  ThreadCache* threadCache() override { return cache; }
  RocksDBResources* rocksDBResources() override { return rocksdb; }

  // Keeps the directory after the context dies (reopen tests make a second context on it).
  void KeepDirectory() { remove_dir_ = false; }

  std::map<std::string, std::string> configs;
  std::map<std::string, streams::RestoreCallback> restorers;
  std::vector<Logged> logged;
  int64_t record_timestamp = 0;
  ThreadCache* cache = nullptr;
  RocksDBResources* rocksdb = nullptr;

 private:
  static inline int next_id_ = 0;
  std::string application_id_ = "app";
  streams::TaskId task_id_{0, 0};
  std::filesystem::path dir_;
  bool remove_dir_ = true;
};

}  // namespace brook::statestore
