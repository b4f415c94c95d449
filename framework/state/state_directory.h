#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/logging.h"
#include "common/result.h"
#include "common/status.h"
#include "framework/api/task_id.h"

namespace brook::framework::state {

class StateDirectory;

// Holds the lock of one task directory; releasing it (destruction) unlocks and touches the
// directory, whose modification time then says when the task was last used here.
class TaskDirectoryLock {
 public:
  ~TaskDirectoryLock();
  TaskDirectoryLock(const TaskDirectoryLock&) = delete;
  TaskDirectoryLock& operator=(const TaskDirectoryLock&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  friend class StateDirectory;
  TaskDirectoryLock(StateDirectory* owner, streams::TaskId task, std::filesystem::path dir,
                    int fd)
      : owner_(owner), task_(task), dir_(std::move(dir)), fd_(fd) {}

  StateDirectory* owner_;
  streams::TaskId task_;
  std::filesystem::path dir_;
  int fd_;
};

// The local state of one application instance (Kafka Streams' StateDirectory):
// <state.dir>/<application.id>/<task id>/ per task, each with a `.lock` file that the task's
// owner holds with flock(2) while it has the task's stores open, so two stream threads (or two
// processes sharing a state.dir) never open one task's stores at once.
// Task directories no task of this instance has locked, and that nobody touched for
// state.cleanup.delay.ms, are obsolete: CleanObsolete deletes them.
//
// Thread safety: every method may be called from any thread. Locks taken through one
// StateDirectory also exclude each other inside the process, and CleanObsolete never deletes a
// directory while a lock on it is being taken. Lifetime: outlives every lock it handed out.
class StateDirectory {
 public:
  StateDirectory(std::filesystem::path state_dir, std::string application_id);
  StateDirectory(const StateDirectory&) = delete;
  StateDirectory& operator=(const StateDirectory&) = delete;

  // <state.dir>/<application.id>
  const std::filesystem::path& app_dir() const { return app_dir_; }
  // <state.dir>/<application.id>/<task id> (not created).
  std::filesystem::path TaskDir(const streams::TaskId& task) const;

  // Creates the task's directory if needed and locks it. Errors: FailedPrecondition when the
  // lock is held (by another stream thread of this instance or by another process: the message
  // says which directory and that the holder must close the task first); IOError when the
  // directory or lock file cannot be made.
  Result<std::unique_ptr<TaskDirectoryLock>> Lock(const streams::TaskId& task);

  // Deletes every task directory that is not locked and was last modified more than
  // `cleanup_delay_ms` before `now_ms` (ms since the epoch). Returns the task ids removed.
  std::vector<std::string> CleanObsolete(int64_t cleanup_delay_ms, int64_t now_ms);

  // Deletes everything in the locked task directory but its lock file: the stores' files and
  // the checkpoint (a task whose state cannot be trusted restores from the changelog).
  static Status Wipe(const TaskDirectoryLock& lock);

  // Whether `name` is a task directory's name ("<sub>_<partition>").
  static bool IsTaskDirName(const std::string& name);

 private:
  friend class TaskDirectoryLock;
  void Unlock(const streams::TaskId& task, int fd, const std::filesystem::path& dir);

  std::filesystem::path app_dir_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  std::set<streams::TaskId> locked_;  // guarded by mutex_
};

}  // namespace brook::framework::state
