#include "bench/child_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "bench/bench_util.h"

namespace brook::bench {
namespace {

std::string LogTail(const std::string& path, size_t lines_wanted) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  std::string tail;
  for (size_t i = lines.size() > lines_wanted ? lines.size() - lines_wanted : 0; i < lines.size();
       ++i) {
    tail += "  | " + lines[i] + "\n";
  }
  return tail;
}

}  // namespace

Status RunChildProcess(const std::vector<std::string>& argv, const std::string& log_path,
                       double timeout_s) {
  if (argv.empty() || ::access(argv[0].c_str(), X_OK) != 0) {
    return Status::NotFound(fmt::format("binary {}: {}", argv.empty() ? "" : argv[0],
                                        strerror(errno)));
  }
  // Everything the child needs is built before fork(): after it, only async-signal-safe calls.
  std::vector<std::string> args = argv;
  std::vector<char*> pointers;
  for (auto& arg : args) pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return Status::IOError(fmt::format("fork: {}", strerror(errno)));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    ::execv(pointers[0], pointers.data());
    ::_exit(127);
  }
  Stopwatch watch;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) != pid) {
    if (watch.Seconds() > timeout_s) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return Status::TimedOut(fmt::format("{} killed after {} s:\n{}", argv[0], timeout_s,
                                          LogTail(log_path, 20)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Internal(fmt::format("{} exited with status {}:\n{}", argv[0], status,
                                        LogTail(log_path, 20)));
  }
  return Status::Ok();
}

Result<std::map<std::string, std::string>> ReadKeyValueFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IOError(fmt::format("cannot read {}", path));
  std::map<std::string, std::string> values;
  std::string line;
  while (std::getline(in, line)) {
    const size_t equals = line.find('=');
    if (equals != std::string::npos) values[line.substr(0, equals)] = line.substr(equals + 1);
  }
  return values;
}

std::string SiblingBinary(const std::string& name) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return name;
  return (self.parent_path() / name).string();
}

}  // namespace brook::bench
