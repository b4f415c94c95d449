#pragma once

#include <functional>

#include "common/status.h"

namespace CLI {
class App;
}

namespace brook::tools {

// The work of the subcommand the user named: chosen while the command line is parsed, run after.
// A non-ok Status is printed as "brook: <message>" and the process exits 1.
using Action = std::function<Status()>;

// Each adds one subcommand to `app`; when the user names it, `action` is set to its work.
void AddTopicsCommand(CLI::App& app, Action& action);
void AddProduceCommand(CLI::App& app, Action& action);
void AddConsumeCommand(CLI::App& app, Action& action);
void AddGroupsCommand(CLI::App& app, Action& action);
void AddTransactionsCommand(CLI::App& app, Action& action);
void AddTopologyCommand(CLI::App& app, Action& action);
void AddBrokerCommand(CLI::App& app);

// `brook broker ARGS...`: replaces this process with brook-broker from the directory of the
// running brook binary, passing ARGS unchanged. Returns only on failure, with the exit code.
int ExecBroker(int argc, char** argv);

}  // namespace brook::tools
