#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "tools/command.h"

namespace brook::tools {

void AddBrokerCommand(CLI::App& app) {
  // Only for `brook --help`: main() hands `brook broker ...` to ExecBroker before parsing.
  app.add_subcommand("broker",
                     "Run the broker in the foreground, exactly as brook-broker "
                     "[server.properties] [--override key=value]...");
}

int ExecBroker(int argc, char** argv) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) {
    std::fprintf(stderr, "brook: cannot locate the brook binary: %s\n", error.message().c_str());
    return 1;
  }
  const std::string broker = (self.parent_path() / "brook-broker").string();
  if (!std::filesystem::exists(broker, error)) {
    std::fprintf(stderr,
                 "brook: brook-broker not found at %s (it is built next to brook: "
                 "cmake --build <build-dir> --target brook-broker)\n",
                 broker.c_str());
    return 1;
  }
  std::vector<char*> arguments;
  arguments.push_back(const_cast<char*>(broker.c_str()));
  for (int i = 0; i < argc; ++i) arguments.push_back(argv[i]);
  arguments.push_back(nullptr);
  execv(broker.c_str(), arguments.data());
  std::fprintf(stderr, "brook: cannot run %s: %s\n", broker.c_str(), std::strerror(errno));
  return 1;
}

}  // namespace brook::tools
