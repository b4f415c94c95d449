#include "examples/leave_requests/event_service.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "common/logging.h"
#include "examples/leave_requests/example_flags.h"
#include "framework/client/consumer.h"

namespace brook::examples::leave {

int RunEventService(int argc, char** argv, const std::string& name, const std::string& topic,
                    const std::string& group,
                    const std::function<std::string(const std::string&, const std::string&)>&
                        handle) {
  CLI::App app{name + ": reads " + topic + " and prints what it does"};
  std::string bootstrap_flag;
  std::string guarantee = "exactly_once_v2";
  std::string state_dir = "/tmp/brook-streams";
  int64_t max_messages = 0;
  app.add_option("--bootstrap-server", bootstrap_flag,
                 "Kafka brokers (absent: the leave-requests app's embedded broker)");
  app.add_option("--processing-guarantee", guarantee, "at_least_once or exactly_once_v2")
      ->check(CLI::IsMember({"at_least_once", "exactly_once_v2"}));
  app.add_option("--state-dir", state_dir, "the leave-requests app's state dir");
  app.add_option("--max-messages", max_messages, "stop after N events (0: never)");
  CLI11_PARSE(app, argc, argv);
  SetLogLevel("warn");  // the output is the service's own lines; BROOK_LOG_LEVEL overrides
  InitLoggingFromEnv();
  const std::string bootstrap = ResolveBootstrap(bootstrap_flag, state_dir);
  if (bootstrap.empty()) return 1;

  auto consumer = framework::client::Consumer::Create(
      {{"bootstrap.servers", bootstrap},
       {"group.id", group},
       {"client.id", name},
       {"isolation.level",
        guarantee == "exactly_once_v2" ? "read_committed" : "read_uncommitted"}},
      nullptr);
  if (!consumer.ok()) {
    std::cerr << name << ": " << consumer.status().ToString() << std::endl;
    return 1;
  }
  if (Status status = (*consumer)->Subscribe({topic}); !status.ok()) {
    std::cerr << name << ": " << status.ToString() << std::endl;
    return 1;
  }
  InstallStopHandlers();
  std::cout << name << ": reading " << topic << " from " << bootstrap << std::endl;
  int64_t handled = 0;
  while (!StopRequested() && (max_messages == 0 || handled < max_messages)) {
    const size_t room = max_messages == 0 ? 500 : static_cast<size_t>(std::min<int64_t>(
                                                        500, max_messages - handled));
    auto records = (*consumer)->Poll(std::chrono::milliseconds(200), room);
    if (!records.ok()) {
      std::cerr << name << ": " << records.status().ToString() << std::endl;
      return 1;
    }
    std::map<framework::client::TopicPartition, int64_t> offsets;
    for (const auto& record : *records) {
      std::cout << name << ": "
                << handle(std::string(record.key.value_or("")),
                          std::string(record.value.value_or("")))
                << std::endl;
      offsets[{std::string(record.topic), record.partition}] = record.offset + 1;
      ++handled;
    }
    records->clear();
    if (!offsets.empty()) {
      if (Status status = (*consumer)->CommitSync(offsets); !status.ok()) {
        std::cerr << name << ": commit failed: " << status.ToString() << std::endl;
      }
    }
  }
  (*consumer)->Close().IgnoreError();
  std::cout << name << ": stopped after " << handled << " events" << std::endl;
  return 0;
}

}  // namespace brook::examples::leave
