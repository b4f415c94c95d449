#include "examples/wordcount/wordcount_topology.h"

#include "framework/api/serdes.h"
#include "operators/dsl/streams_builder.h"

namespace brook::examples::wordcount {

using streams::Consumed;
using streams::Grouped;
using streams::Materialized;
using streams::Produced;
using streams::Serdes;

std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  for (char c : line) {
    const bool lower = c >= 'a' && c <= 'z';
    const bool upper = c >= 'A' && c <= 'Z';
    if (lower || upper || (c >= '0' && c <= '9')) {
      word.push_back(upper ? static_cast<char>(c - 'A' + 'a') : c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

streams::Topology BuildTopology(const std::string& input, const std::string& output) {
  streams::StreamsBuilder builder;
  builder.stream(input, Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()))
      .flatMapValues([](const std::string& line) { return Words(line); })
      .groupBy([](const std::string&, const std::string& word) { return word; },
               Grouped<std::string, std::string>::with(Serdes::String(), Serdes::String()))
      .count(Materialized<std::string, int64_t>::as("counts-store"))
      .toStream()
      .mapValues([](int64_t count) { return std::to_string(count); })
      .to(output, Produced<std::string, std::string>::with(Serdes::String(), Serdes::String()));
  return builder.build();
}

}  // namespace brook::examples::wordcount
