#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace brook::tools {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal or the deadline
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs `args` (args[0] is the program path) with `input` on its standard input, collecting
// stdout and stderr. The child is killed when it outlives `deadline`.
ProcessResult RunProcess(const std::vector<std::string>& args, const std::string& input,
                         std::chrono::milliseconds deadline);

}  // namespace brook::tools
