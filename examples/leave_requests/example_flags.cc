#include "examples/leave_requests/example_flags.h"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace brook::examples::leave {

namespace {
std::atomic<bool> stop_requested{false};
void OnSignal(int) { stop_requested = true; }
}  // namespace

std::string ResolveBootstrap(const std::string& flag, const std::string& state_dir) {
  if (!flag.empty()) return flag;
  const std::filesystem::path file = std::filesystem::path(state_dir) / "embedded-broker.address";
  std::ifstream in(file);
  std::string address;
  if (in >> address && !address.empty()) return address;
  std::cerr << "no --bootstrap-server given and no embedded broker found (" << file.string()
            << " is missing): start build/bin/leave-requests first, or pass --bootstrap-server\n";
  return "";
}

void InstallStopHandlers() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
}

bool StopRequested() { return stop_requested.load(); }

}  // namespace brook::examples::leave
