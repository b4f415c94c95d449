// brook-broker [server.properties] [--override key=value]...
//
// A single-node broker that Kafka clients use unchanged. Stops gracefully on SIGTERM or SIGINT:
// stops accepting, answers in-flight requests, flushes and marks every log cleanly shut down.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "broker/app/broker.h"
#include "broker/app/properties.h"
#include "common/logging.h"

namespace {

constexpr const char* kUsage =
    "usage: brook-broker [server.properties] [--override key=value]...\n"
    "Kafka's property names (node.id, listeners, log.dirs, num.partitions, ...);\n"
    "see config/server.properties.\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "brook-broker: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace brook::broker::app;
  brook::InitLoggingFromEnv();
  auto logger = brook::GetLogger("broker");

  std::string properties_file;
  std::vector<std::pair<std::string, std::string>> overrides;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--override") {
      if (i + 1 == argc) return Fail("--override needs key=value");
      auto parsed = ParseOverride(argv[++i]);
      if (!parsed.ok()) return Fail(parsed.status().message());
      overrides.push_back(*parsed);
    } else if (arg.rfind("--override=", 0) == 0) {
      auto parsed = ParseOverride(arg.substr(11));
      if (!parsed.ok()) return Fail(parsed.status().message());
      overrides.push_back(*parsed);
    } else if (!arg.empty() && arg[0] == '-') {
      std::fputs(kUsage, stderr);
      return 2;
    } else if (properties_file.empty()) {
      properties_file = arg;
    } else {
      return Fail("more than one properties file given");
    }
  }

  Properties props;
  if (!properties_file.empty()) {
    auto loaded = LoadPropertiesFile(properties_file);
    if (!loaded.ok()) return Fail(loaded.status().message());
    props = *loaded;
  }
  for (const auto& [key, value] : overrides) props[key] = value;
  std::vector<std::string> unknown;
  std::vector<std::string> ignored;
  auto config = BrokerConfig::FromProperties(props, &unknown, &ignored);
  if (!config.ok()) return Fail(config.status().message());
  for (const auto& key : unknown) logger->warn("unknown configuration '{}' ignored", key);
  for (const auto& key : ignored) logger->info("'{}' has no effect on a single node", key);

  // Block the stop signals in every thread; this one waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto broker = Broker::Start(*config);
  if (!broker.ok()) return Fail(broker.status().ToString());
  std::printf("brook-broker: serving at %s (cluster %s, data in %s)\n",
              (*broker)->bootstrap().c_str(), (*broker)->cluster_id().c_str(),
              config->log_dir.c_str());
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  logger->info("received {}: shutting down", received == SIGTERM ? "SIGTERM" : "SIGINT");
  (*broker)->Stop();
  return 0;
}
