#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace brook::broker::log {

// A file the log reads and appends to. Reads are positional, so one File may be read from many
// threads while a single writer appends (appends never rewrite bytes a reader may see).
// Thread safety: ReadAt/Size from any thread; Append/Truncate/Sync from one writer at a time.
class File {
 public:
  virtual ~File() = default;

  // Reads up to `n` bytes at `position` into `out`. Returns the number read: fewer than `n`
  // only at the end of the file.
  virtual Result<size_t> ReadAt(uint64_t position, uint8_t* out, size_t n) const = 0;
  // Appends at the end of the file.
  virtual Status Append(ByteView data) = 0;
  // Cuts the file to `size` bytes (no-op when already shorter or equal).
  virtual Status Truncate(uint64_t size) = 0;
  // Makes everything written so far durable (fdatasync).
  virtual Status Sync() = 0;
  // Current size in bytes, including appends not yet synced.
  virtual uint64_t Size() const = 0;
  // The operating-system descriptor for zero-copy sends (sendfile), or -1 when the file has none
  // (in-memory files in tests).
  virtual int fd() const { return -1; }
  const std::string& path() const { return path_; }

 protected:
  explicit File(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

// The file system as the log sees it, so tests can run on memory and inject torn writes and
// flipped bytes. Paths are plain strings joined with '/'.
// Thread safety: implementations are safe to call from any thread.
class Env {
 public:
  virtual ~Env() = default;

  // Opens `path` for reading and appending, creating it when absent.
  virtual Result<std::unique_ptr<File>> OpenFile(const std::string& path) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  // Names (not paths) of the entries in directory `dir`.
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  // Creates `dir` and its missing parents.
  virtual Status CreateDirs(const std::string& dir) = 0;
  virtual Status DeleteFile(const std::string& path) = 0;
  // Deletes `dir` and everything in it.
  virtual Status DeleteDirRecursively(const std::string& dir) = 0;
  // Atomically replaces `to` with `from`.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Makes directory entries (creations, renames, deletions) in `dir` durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  virtual Result<uint64_t> FileSize(const std::string& path) = 0;

  // Reads a whole small file. Writes a small file atomically: temp file, sync, rename, sync dir.
  Result<Bytes> ReadSmallFile(const std::string& path);
  Status WriteSmallFileAtomically(const std::string& path, ByteView data);

  // The real file system (POSIX). Never destroyed.
  static Env* Posix();
};

inline std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

}  // namespace brook::broker::log
