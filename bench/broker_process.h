#pragma once

// A brook-broker child process for benchmarks: started on a free loopback port with a fresh data
// directory, stopped with SIGTERM, and measured through /proc/<pid>/status.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/bench_util.h"
#include "common/result.h"

namespace brook::bench {

// Memory figures of a process, from /proc/<pid>/status, in bytes.
struct ProcessMemory {
  uint64_t rss = 0;   // VmRSS: resident now.
  uint64_t peak = 0;  // VmHWM: the highest VmRSS since the process started.
};

// Reads VmRSS and VmHWM of `pid`. IOError when the process is gone or the file has neither.
Result<ProcessMemory> ReadProcessMemory(pid_t pid);

// The brook-broker next to the running executable (build/bin/), or "brook-broker" when
// /proc/self/exe cannot be read.
std::string DefaultBrokerBinary();

// One running brook-broker. Start() forks and execs `binary` with
// `--override log.dirs=<scratch>/data --override listeners=PLAINTEXT://127.0.0.1:<port>`
// followed by one `--override key=value` per entry of `overrides` (Kafka property names), stdout
// and stderr going to <scratch>/broker.log, and returns once the port accepts a connection. The
// child gets SIGTERM if the bench dies first (PR_SET_PDEATHSIG). The destructor stops the broker
// (SIGTERM, then SIGKILL after 10 s) and removes the scratch directory, so every error path
// cleans up. Thread safety: none. Not copyable.
class BrokerProcess {
 public:
  static Result<std::unique_ptr<BrokerProcess>> Start(
      const std::string& binary,
      const std::vector<std::pair<std::string, std::string>>& overrides = {});
  BrokerProcess(const BrokerProcess&) = delete;
  BrokerProcess& operator=(const BrokerProcess&) = delete;
  ~BrokerProcess();

  // "127.0.0.1:<port>".
  const std::string& bootstrap() const { return bootstrap_; }
  pid_t pid() const { return pid_; }
  Result<ProcessMemory> Memory() const { return ReadProcessMemory(pid_); }

  // SIGTERM and wait for the exit. Internal when the broker had already died or did not exit
  // with status 0 (its log's tail is in the message). Idempotent.
  Status Stop();

 private:
  BrokerProcess(ScratchDir scratch, pid_t pid, std::string bootstrap)
      : scratch_(std::move(scratch)), pid_(pid), bootstrap_(std::move(bootstrap)) {}
  Status WaitUntilServing(int port);
  std::string LogTail() const;

  ScratchDir scratch_;
  pid_t pid_;
  std::string bootstrap_;
};

}  // namespace brook::bench
