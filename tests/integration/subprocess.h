#pragma once

// Runs a command with a shell, feeding `input` to its stdin; returns its exit status and stdout.

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

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

}  // namespace brook::testing
