// docs/guides/streams.md, "A first app": shout every line of `words` into `shouted`.
// Runs on the embedded broker when BROOK_BOOTSTRAP is unset; stops on Ctrl-C.
#include <csignal>
#include <cstdlib>
#include <thread>

#include "framework/api/kafka_streams.h"
#include "operators/dsl/streams_builder.h"

using namespace brook::streams;

static volatile std::sig_atomic_t stop = 0;

int main() {
  // [snippet:app]
  StreamsBuilder builder;
  builder.stream<std::string, std::string>("words")
      .filter([](const std::string&, const std::string& line) { return !line.empty(); })
      .mapValues([](std::string line) {
        for (char& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return line;
      })
      .to("shouted");

  StreamsConfig config;
  config.set("application.id", "shouter")
      .set("default.key.serde", "string")
      .set("default.value.serde", "string");
  if (const char* bootstrap = std::getenv("BROOK_BOOTSTRAP")) {
    config.set("bootstrap.servers", bootstrap);
  }
  KafkaStreams streams(builder.build(), config);
  std::signal(SIGINT, [](int) { stop = 1; });
  std::signal(SIGTERM, [](int) { stop = 1; });
  streams.start();  // logs the embedded broker's address
  // [snippet-end:app]
  while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  streams.close();
}
