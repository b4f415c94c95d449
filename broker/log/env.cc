#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "broker/log/env.h"

namespace brook::broker::log {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

class PosixFile final : public File {
 public:
  PosixFile(std::string path, int fd, uint64_t size)
      : File(std::move(path)), fd_(fd), size_(size) {}
  ~PosixFile() override { ::close(fd_); }
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;

  Result<size_t> ReadAt(uint64_t position, uint8_t* out, size_t n) const override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, out + done, n - done, static_cast<off_t>(position + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return Errno("read", path());
      }
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    return done;
  }

  Status Append(ByteView data) override {
    size_t done = 0;
    uint64_t at = size_.load(std::memory_order_relaxed);
    while (done < data.size()) {
      ssize_t w =
          ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(at + done));
      if (w < 0) {
        if (errno == EINTR) continue;
        return Errno("write", path());
      }
      done += static_cast<size_t>(w);
    }
    size_.store(at + done, std::memory_order_release);
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    if (size >= size_.load()) return Status::Ok();
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return Errno("truncate", path());
    size_.store(size, std::memory_order_release);
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return Errno("fdatasync", path());
    return Status::Ok();
  }

  uint64_t Size() const override { return size_.load(std::memory_order_acquire); }
  int fd() const override { return fd_; }

 private:
  int fd_;
  std::atomic<uint64_t> size_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<File>> OpenFile(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("open", path);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = Errno("stat", path);
      ::close(fd);
      return s;
    }
    return std::unique_ptr<File>(new PosixFile(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      names.push_back(entry.path().filename().string());
    }
    if (ec) return Status::IOError(fmt::format("list {}: {}", dir, ec.message()));
    return names;
  }

  Status CreateDirs(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IOError(fmt::format("mkdir {}: {}", dir, ec.message()));
    return Status::Ok();
  }

  Status DeleteFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("unlink", path);
    return Status::Ok();
  }

  Status DeleteDirRecursively(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (ec) return Status::IOError(fmt::format("remove {}: {}", dir, ec.message()));
    return Status::Ok();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return Errno("rename", from + " -> " + to);
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Errno("open dir", dir);
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return Errno("fsync dir", dir);
    return Status::Ok();
  }

  Result<uint64_t> FileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return Errno("stat", path);
    return static_cast<uint64_t>(st.st_size);
  }
};

}  // namespace

Env* Env::Posix() {
  static Env* env = new PosixEnv();
  return env;
}

Result<Bytes> Env::ReadSmallFile(const std::string& path) {
  std::unique_ptr<File> file;
  BROOK_ASSIGN_OR_RETURN(file, OpenFile(path));
  Bytes data(file->Size());
  size_t n = 0;
  BROOK_ASSIGN_OR_RETURN(n, file->ReadAt(0, data.data(), data.size()));
  data.resize(n);
  return data;
}

Status Env::WriteSmallFileAtomically(const std::string& path, ByteView data) {
  std::string tmp = path + ".tmp";
  BROOK_RETURN_IF_ERROR(DeleteFile(tmp));
  {
    std::unique_ptr<File> file;
    BROOK_ASSIGN_OR_RETURN(file, OpenFile(tmp));
    BROOK_RETURN_IF_ERROR(file->Append(data));
    BROOK_RETURN_IF_ERROR(file->Sync());
  }
  BROOK_RETURN_IF_ERROR(RenameFile(tmp, path));
  auto slash = path.rfind('/');
  return SyncDir(slash == std::string::npos ? "." : path.substr(0, slash));
}

}  // namespace brook::broker::log
