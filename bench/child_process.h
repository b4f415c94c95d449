#pragma once

// A helper program run by a benchmark as a child process (streams_bench runs each side of a
// comparison in a process of its own, to measure its memory), and the key=value file it answers
// in.

#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace brook::bench {

// Runs `argv` (argv[0] is the binary's path) with stdout and stderr going to `log_path`, and
// waits for it to exit. The child gets SIGKILL when the bench dies first (PR_SET_PDEATHSIG), and
// after `timeout_s`. Ok when it exited with status 0; Internal (with the log's last lines)
// otherwise, TimedOut when it was killed for taking too long.
Status RunChildProcess(const std::vector<std::string>& argv, const std::string& log_path,
                       double timeout_s);

// The lines "key=value" of `path` (the value is the rest of the line). IOError when unreadable.
Result<std::map<std::string, std::string>> ReadKeyValueFile(const std::string& path);

// The path of a file named `name` next to the running executable (build/bin/), or `name` when
// /proc/self/exe cannot be read.
std::string SiblingBinary(const std::string& name);

}  // namespace brook::bench
