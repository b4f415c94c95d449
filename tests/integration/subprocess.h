#pragma once

// Child processes for integration tests: RunCommand runs a shell command to its end, feeding
// `input` to its stdin; ChildProcess starts a program (fork + exec) that the test signals,
// SIGKILLs and waits for.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/broker_fixture.h"

namespace brook::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

inline CommandResult RunCommand(const std::string& command, const std::string& input = "") {
  TempDir scratch;
  std::string in_path = scratch.path() + "/stdin";
  std::ofstream(in_path) << input;
  std::string full = command + " < " + in_path + " 2>" + scratch.path() + "/stderr";
  CommandResult result;
  FILE* pipe = ::popen(full.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (result.exit_code != 0) {
    std::ifstream err(scratch.path() + "/stderr");
    result.out +=
        std::string((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  }
  return result;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A child process (fork + exec) with its stdout and stderr in `log_path`. Killed with SIGKILL
// when it is destroyed while still running. Not thread-safe: one test thread drives it.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& args, const std::string& log_path)
      : log_path_(log_path) {
    // Everything the child needs is prepared before fork: after it only exec-safe calls.
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(log);
    EXPECT_GT(pid_, 0) << "fork failed";
  }
  ~ChildProcess() {
    if (Running()) Signal(SIGKILL);
    Wait();
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // False once it has exited (the status is then kept for Wait).
  bool Running() {
    if (pid_ <= 0 || exited_) return false;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    return !exited_;
  }
  void Signal(int signal) {
    if (pid_ > 0 && !exited_) ::kill(pid_, signal);
  }
  // Waits for the exit; returns the waitpid status.
  int Wait() {
    if (pid_ > 0 && !exited_ && ::waitpid(pid_, &status_, 0) == pid_) exited_ = true;
    return status_;
  }
  // Waits up to `timeout` for the exit; true when it has exited (the status is then Wait()'s).
  bool WaitFor(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Running()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }
  std::string Output() const { return ReadFile(log_path_); }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = -1;
};

}  // namespace brook::testing
