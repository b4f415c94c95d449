// An app built outside Brook's tree against the installed library (README.md beside it).
// It runs on the embedded broker (no bootstrap.servers): produces three lines into `lines` with
// librdkafka, counts the words per length in a RocksDB store, and checks the counts through an
// interactive query. Exit 0 when they are right; 1 with a message when not.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "framework/api/kafka_streams.h"
#include "framework/api/serdes.h"
#include "operators/dsl/streams_builder.h"

using namespace brook::streams;

namespace {

const std::vector<std::string> kLines = {"one two three", "four five six seven", "eight"};

bool Produce(const std::string& bootstrap) {
  char error[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), error, sizeof error) !=
      RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "producer config: %s\n", error);
    return false;
  }
  rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (!producer) {
    std::fprintf(stderr, "producer: %s\n", error);
    return false;
  }
  bool ok = true;
  for (const std::string& line : kLines) {
    rd_kafka_resp_err_t err =
        rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("lines"), RD_KAFKA_V_KEY("k", 1),
                          RD_KAFKA_V_VALUE(const_cast<char*>(line.data()), line.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err) {
      std::fprintf(stderr, "produce: %s\n", rd_kafka_err2str(err));
      ok = false;
    }
  }
  if (rd_kafka_flush(producer, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) ok = false;
  rd_kafka_destroy(producer);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: word-lengths <state.dir>\n");
    return 2;
  }
  StreamsBuilder builder;
  builder
      .stream("lines", Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()))
      .flatMapValues([](const std::string& line) {
        std::vector<std::string> words;
        std::istringstream in(line);
        for (std::string word; in >> word;) words.push_back(word);
        return words;
      })
      .groupBy(
          [](const std::string&, const std::string& word) { return std::to_string(word.size()); },
          Grouped<std::string, std::string>::with(Serdes::String(), Serdes::String()))
      .count(Materialized<std::string, int64_t>::as("lengths"));

  StreamsConfig config;
  config.set(StreamsConfig::kApplicationId, "word-lengths")
      .set(StreamsConfig::kStateDir, argv[1])
      .set(StreamsConfig::kCommitIntervalMs, "100");
  KafkaStreams streams(builder.build(), config);
  streams.start();
  if (!Produce(streams.bootstrapServers())) return 1;

  // Lengths of the words in kLines: 3 -> one two six, 4 -> four five, 5 -> three seven eight.
  const std::map<std::string, int64_t> expected = {{"3", 3}, {"4", 2}, {"5", 3}};
  std::map<std::string, int64_t> counts;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (counts != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (streams.state() != KafkaStreams::State::kRunning) continue;
    try {
      auto store =
          streams.store<ReadOnlyKeyValueStore<std::string, ValueAndTimestamp<int64_t>>>("lengths");
      counts.clear();
      for (const auto& [length, _] : expected) {
        if (auto count = store->get(length)) counts[length] = count->value;
      }
    } catch (const InvalidStateStoreException&) {
      // A rebalance between the state check and the query: ask again.
    }
  }
  streams.close();
  for (const auto& [length, count] : counts)
    std::printf("length %s: %lld words\n", length.c_str(), static_cast<long long>(count));
  if (counts != expected) {
    std::fprintf(stderr, "word-lengths: the counts differ from the expected 3:3, 4:2, 5:3\n");
    return 1;
  }
  std::printf("word-lengths: counts as expected\n");
  return 0;
}
