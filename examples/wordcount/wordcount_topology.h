#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "framework/api/topology.h"

namespace brook::examples::wordcount {

// The words of `line`: its runs of ASCII letters and digits, lower-cased. Everything else
// separates words ("Hello, World 2x!" -> hello, world, 2x).
std::vector<std::string> Words(std::string_view line);

// The classic word count (Kafka Streams' WordCountDemo): lines of text on `input` (any key) ->
// one record per update of a word's count on `output`, key = the word, value = its count as a
// decimal string. The counts live in the RocksDB store "counts-store" (changelog
// "<application.id>-counts-store-changelog"), after a repartition by word.
streams::Topology BuildTopology(const std::string& input, const std::string& output);

}  // namespace brook::examples::wordcount
