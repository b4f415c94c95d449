// brook: command-line tool for topics, producing and consuming, consumer groups, transactions,
// drawing a stream app's topology, and starting the broker.
// Exit codes: 0 success, 1 the command failed (message on stderr), 2 bad command line.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string_view>

#include "tools/command.h"

int main(int argc, char** argv) {
  // Records come through stdin line by line: do not pay for C stdio synchronisation.
  std::ios::sync_with_stdio(false);
  // `brook broker ...` passes every argument, --help included, to brook-broker untouched.
  if (argc >= 2 && std::string_view(argv[1]) == "broker") {
    return brook::tools::ExecBroker(argc - 2, argv + 2);
  }

  CLI::App app(
      "brook: manage topics and consumer groups, produce and consume records, inspect "
      "transactions, draw a topology, run the broker",
      "brook");
  app.require_subcommand(1);
  brook::tools::Action action;
  brook::tools::AddTopicsCommand(app, action);
  brook::tools::AddProduceCommand(app, action);
  brook::tools::AddConsumeCommand(app, action);
  brook::tools::AddGroupsCommand(app, action);
  brook::tools::AddTransactionsCommand(app, action);
  brook::tools::AddTopologyCommand(app, action);
  brook::tools::AddBrokerCommand(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  if (!action) return 0;
  brook::Status status = action();
  if (!status.ok()) {
    std::fprintf(stderr, "brook: %s\n", status.message().c_str());
    return 1;
  }
  return 0;
}
