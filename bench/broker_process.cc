#include "bench/broker_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace brook::bench {
namespace {

constexpr double kStartTimeoutS = 15.0;
constexpr double kStopTimeoutS = 10.0;

Result<int> FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::IOError(fmt::format("socket: {}", strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return Status::IOError(fmt::format("bind 127.0.0.1:0: {}", strerror(errno)));
  }
  ::close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

bool Accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

// Waits up to `timeout_s` for `pid` to exit; its wait status, or -1 when it is still running.
int WaitForExit(pid_t pid, double timeout_s) {
  Stopwatch watch;
  while (true) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0) return 0;  // Already reaped.
    if (watch.Seconds() > timeout_s) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

Result<ProcessMemory> ReadProcessMemory(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  if (!in) return Status::IOError(fmt::format("cannot read /proc/{}/status", pid));
  ProcessMemory memory;
  bool seen_rss = false;
  bool seen_hwm = false;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    uint64_t kib = 0;
    fields >> key >> kib;
    if (key == "VmRSS:") {
      memory.rss = kib * 1024;
      seen_rss = true;
    } else if (key == "VmHWM:") {
      memory.peak = kib * 1024;
      seen_hwm = true;
    }
  }
  if (!seen_rss || !seen_hwm) {
    return Status::IOError(fmt::format("no VmRSS/VmHWM in /proc/{}/status", pid));
  }
  return memory;
}

std::string DefaultBrokerBinary() {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "brook-broker";
  return (self.parent_path() / "brook-broker").string();
}

Result<std::unique_ptr<BrokerProcess>> BrokerProcess::Start(
    const std::string& binary, const std::vector<std::pair<std::string, std::string>>& overrides) {
  if (::access(binary.c_str(), X_OK) != 0) {
    return Status::NotFound(fmt::format("broker binary {}: {}", binary, strerror(errno)));
  }
  auto created = ScratchDir::Create("", "brook-broker-bench");
  if (!created.ok()) return created.status();
  ScratchDir scratch = std::move(created).value();
  int port = 0;
  BROOK_ASSIGN_OR_RETURN(port, FreeLoopbackPort());

  // Everything the child needs is built before fork(): after it, only async-signal-safe calls.
  const std::string log_path = scratch.path() + "/broker.log";
  std::vector<std::string> args = {
      binary,
      "--override",
      fmt::format("log.dirs={}/data", scratch.path()),
      "--override",
      fmt::format("listeners=PLAINTEXT://127.0.0.1:{}", port),
  };
  for (const auto& [key, value] : overrides) {
    args.push_back("--override");
    args.push_back(fmt::format("{}={}", key, value));
  }
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) return Status::IOError(fmt::format("fork: {}", strerror(errno)));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  std::unique_ptr<BrokerProcess> broker(
      new BrokerProcess(std::move(scratch), pid, fmt::format("127.0.0.1:{}", port)));
  BROOK_RETURN_IF_ERROR(broker->WaitUntilServing(port));
  return broker;
}

Status BrokerProcess::WaitUntilServing(int port) {
  Stopwatch watch;
  while (!Accepts(port)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::Internal(fmt::format("brook-broker exited during start-up (status {}):\n{}",
                                          status, LogTail()));
    }
    if (watch.Seconds() > kStartTimeoutS) {
      return Status::TimedOut(fmt::format("brook-broker did not accept on port {} within {} s:\n{}",
                                          port, kStartTimeoutS, LogTail()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Status::Ok();
}

Status BrokerProcess::Stop() {
  if (pid_ <= 0) return Status::Ok();
  const pid_t pid = pid_;
  pid_ = -1;
  int status = 0;
  if (::waitpid(pid, &status, WNOHANG) == pid) {
    return Status::Internal(
        fmt::format("brook-broker died before the end (status {}):\n{}", status, LogTail()));
  }
  ::kill(pid, SIGTERM);
  status = WaitForExit(pid, kStopTimeoutS);
  if (status == -1) {
    ::kill(pid, SIGKILL);
    WaitForExit(pid, kStopTimeoutS);
    return Status::TimedOut(fmt::format("brook-broker ignored SIGTERM for {} s", kStopTimeoutS));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Internal(
        fmt::format("brook-broker exited with status {}:\n{}", status, LogTail()));
  }
  return Status::Ok();
}

std::string BrokerProcess::LogTail() const {
  std::ifstream in(scratch_.path() + "/broker.log");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  std::string tail;
  for (size_t i = lines.size() > 20 ? lines.size() - 20 : 0; i < lines.size(); ++i) {
    tail += "  | " + lines[i] + "\n";
  }
  return tail;
}

BrokerProcess::~BrokerProcess() { Stop().IgnoreError(); }

}  // namespace brook::bench
