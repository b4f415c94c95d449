// docs/guides/testing.md: a word count tested with TopologyTestDriver, without a broker. A
// plain program (no test framework) so the guide shows only Brook: it exits 1 and says what
// differed when the counts are wrong. Runs as a unit test.
#include <cstdint>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"

using namespace brook::streams;

// [snippet:topology]
Topology WordCount() {
  StreamsBuilder builder;
  builder
      .stream("lines", Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()))
      .flatMapValues([](const std::string& line) {
        std::vector<std::string> words;
        std::istringstream in(line);
        for (std::string word; in >> word;) words.push_back(word);
        return words;
      })
      .groupBy([](const std::string&, const std::string& word) { return word; },
               Grouped<std::string, std::string>::with(Serdes::String(), Serdes::String()))
      .count(Materialized<std::string, int64_t>::as("counts"))
      .toStream()
      .to("word-counts", Produced<std::string, int64_t>::with(Serdes::String(), Serdes::Int64()));
  return builder.build();
}
// [snippet-end:topology]

int main() {
  // [snippet:test]
  TopologyTestDriver driver(WordCount());
  auto lines = driver.createInputTopic("lines", Serdes::String(), Serdes::String());
  auto counts = driver.createOutputTopic("word-counts", Serdes::String(), Serdes::Int64());

  lines.pipeInput("", "the cat", 1000);
  lines.pipeInput("", "the dog", 2000);

  // The last count of each word; the store holds the same.
  const std::map<std::string, int64_t> expected = {{"the", 2}, {"cat", 1}, {"dog", 1}};
  const std::map<std::string, int64_t> got = counts.readKeyValuesToMap();
  auto* store = driver.getTimestampedKeyValueStore<std::string, int64_t>("counts");
  const bool store_ok = store->get("the") && store->get("the")->value == 2;
  // [snippet-end:test]
  if (got != expected || !store_ok) {
    std::fprintf(stderr, "testing_driver: the counts differ from the=2 cat=1 dog=1\n");
    return 1;
  }
  std::printf("testing_driver: counts as expected\n");
  return 0;
}
