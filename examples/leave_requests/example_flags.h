#pragma once

#include <string>

namespace brook::examples::leave {

// Where the example's programs find the broker: --bootstrap-server if given, else the embedded
// broker the leave-requests app runs (its address is in <state dir>/embedded-broker.address).
// Returns "" and prints why on stderr when neither is there.
std::string ResolveBootstrap(const std::string& flag, const std::string& state_dir);

// Installs SIGINT/SIGTERM handlers that set the flag StopRequested() reads.
void InstallStopHandlers();
bool StopRequested();

}  // namespace brook::examples::leave
