#include "framework/state/state_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

namespace brook::framework::state {
namespace fs = std::filesystem;

namespace {

constexpr const char* kLockFileName = ".lock";

int64_t ToEpochMs(fs::file_time_type time) {
  const auto system = fs::file_time_type::clock::to_sys(time);
  return std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch()).count();
}

}  // namespace

TaskDirectoryLock::~TaskDirectoryLock() { owner_->Unlock(task_, fd_, dir_); }

StateDirectory::StateDirectory(fs::path state_dir, std::string application_id)
    : app_dir_(std::move(state_dir) / application_id), log_(GetLogger("state")) {}

fs::path StateDirectory::TaskDir(const streams::TaskId& task) const {
  return app_dir_ / task.toString();
}

bool StateDirectory::IsTaskDirName(const std::string& name) {
  const size_t underscore = name.find('_');
  if (underscore == std::string::npos || underscore == 0 || underscore + 1 == name.size()) {
    return false;
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (i != underscore && (name[i] < '0' || name[i] > '9')) return false;
  }
  return true;
}

Result<std::unique_ptr<TaskDirectoryLock>> StateDirectory::Lock(const streams::TaskId& task) {
  const fs::path dir = TaskDir(task);
  std::lock_guard lock(mutex_);
  if (locked_.count(task) != 0) {
    return Status::FailedPrecondition(fmt::format(
        "task directory {} is locked by another stream thread of this instance (the task has "
        "not been closed there yet)",
        dir.string()));
  }
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    return Status::IOError(
        fmt::format("cannot create task directory {}: {}", dir.string(), error.message()));
  }
  const std::string lock_path = (dir / kLockFileName).string();
  const int fd = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::IOError(fmt::format("cannot open {}: {}", lock_path, std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int code = errno;
    ::close(fd);
    if (code == EWOULDBLOCK) {
      return Status::FailedPrecondition(fmt::format(
          "task directory {} is locked by another running process (another instance of the "
          "application using the same state.dir?); give each instance its own state.dir",
          dir.string()));
    }
    return Status::IOError(fmt::format("cannot lock {}: {}", lock_path, std::strerror(code)));
  }
  locked_.insert(task);
  return std::unique_ptr<TaskDirectoryLock>(new TaskDirectoryLock(this, task, dir, fd));
}

void StateDirectory::Unlock(const streams::TaskId& task, int fd, const fs::path& dir) {
  std::error_code error;
  fs::last_write_time(dir, fs::file_time_type::clock::now(), error);
  ::flock(fd, LOCK_UN);
  ::close(fd);
  std::lock_guard lock(mutex_);
  locked_.erase(task);
}

Status StateDirectory::Wipe(const TaskDirectoryLock& lock) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(lock.dir(), error)) {
    if (entry.path().filename() == kLockFileName) continue;
    fs::remove_all(entry.path(), error);
    if (error) {
      return Status::IOError(
          fmt::format("cannot delete {}: {}", entry.path().string(), error.message()));
    }
  }
  if (error) {
    return Status::IOError(
        fmt::format("cannot list {}: {}", lock.dir().string(), error.message()));
  }
  return Status::Ok();
}

std::vector<std::string> StateDirectory::CleanObsolete(int64_t cleanup_delay_ms, int64_t now_ms) {
  std::vector<std::string> removed;
  std::lock_guard lock(mutex_);
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(app_dir_, error)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || !IsTaskDirName(name)) continue;
    bool mine = false;
    for (const auto& task : locked_) mine = mine || task.toString() == name;
    if (mine) continue;
    std::error_code time_error;
    const auto modified = fs::last_write_time(entry.path(), time_error);
    if (time_error || now_ms - ToEpochMs(modified) <= cleanup_delay_ms) continue;
    const std::string lock_path = (entry.path() / kLockFileName).string();
    const int fd = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {  // another process uses it
      ::close(fd);
      continue;
    }
    std::error_code remove_error;
    fs::remove_all(entry.path(), remove_error);
    ::flock(fd, LOCK_UN);
    ::close(fd);
    if (remove_error) {
      log_->warn("[{}] cannot delete obsolete task directory {}: {}", app_dir_.filename().string(),
                 entry.path().string(), remove_error.message());
      continue;
    }
    log_->info("[{}] deleted obsolete task directory {} (unused for more than {} ms)",
               app_dir_.filename().string(), entry.path().string(), cleanup_delay_ms);
    removed.push_back(name);
  }
  return removed;
}

}  // namespace brook::framework::state
