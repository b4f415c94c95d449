#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "broker/log/env.h"

namespace brook::broker::log {

// An Env on memory, for tests: fast, isolated, and able to damage files on purpose (cut a tail,
// flip a byte) to simulate torn writes and bit rot. Directories exist implicitly: a directory
// exists when a file is under it or it was created.
// Thread safety: safe from any thread.
class MemEnv final : public Env {
 public:
  MemEnv() = default;
  MemEnv(const MemEnv&) = delete;
  MemEnv& operator=(const MemEnv&) = delete;

  Result<std::unique_ptr<File>> OpenFile(const std::string& path) override;
  bool FileExists(const std::string& path) override;
  Result<std::vector<std::string>> ListDir(const std::string& dir) override;
  Status CreateDirs(const std::string& dir) override;
  Status DeleteFile(const std::string& path) override;
  Status DeleteDirRecursively(const std::string& dir) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string&) override { return Status::Ok(); }
  Result<uint64_t> FileSize(const std::string& path) override;

  // Fault injection. Both fail with NotFound for a missing file.
  Status TruncateFile(const std::string& path, uint64_t size);
  Status FlipByte(const std::string& path, uint64_t position, uint8_t mask = 0xff);
  // A copy of the whole file system, and a restore of one: lets a test crash at one moment
  // and reopen many times from it.
  std::map<std::string, Bytes> Snapshot();
  void Restore(const std::map<std::string, Bytes>& snapshot);

  struct Node;

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Node>> files_;
  std::map<std::string, bool> dirs_;
};

}  // namespace brook::broker::log
