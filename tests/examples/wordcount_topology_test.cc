#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "examples/wordcount/wordcount_topology.h"
#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"

namespace brook::examples::wordcount {
namespace {

using streams::Serdes;

TEST(WordCountTest, WordsAreLowerCasedRunsOfLettersAndDigits) {
  EXPECT_EQ(Words("Hello, World 2x! hello--again_ok"),
            (std::vector<std::string>{"hello", "world", "2x", "hello", "again", "ok"}));
  EXPECT_TRUE(Words(" ,.;!").empty());
  EXPECT_EQ(Words("\xc3\xa9t\xc3\xa9"), (std::vector<std::string>{"t"}));  // non-ASCII separates
}

TEST(WordCountTest, CountsAreDecimalStringsPerWord) {
  streams::StreamsConfig config;
  config.set("application.id", "wordcount-test");
  streams::TopologyTestDriver driver(BuildTopology("text", "counts"), config);
  auto in = driver.createInputTopic("text", Serdes::String(), Serdes::String());
  auto out = driver.createOutputTopic("counts", Serdes::String(), Serdes::String());
  in.pipeInput("", "the quick brown fox");
  in.pipeInput("", "The lazy dog, the END");
  std::map<std::string, std::string> last;
  for (const auto& kv : out.readKeyValuesToList()) last[kv.key] = kv.value;
  EXPECT_EQ(last, (std::map<std::string, std::string>{{"the", "3"},
                                                      {"quick", "1"},
                                                      {"brown", "1"},
                                                      {"fox", "1"},
                                                      {"lazy", "1"},
                                                      {"dog", "1"},
                                                      {"end", "1"}}));
  auto* store = driver.getKeyValueStore<std::string, int64_t>("counts-store");
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->get("the"), 3);
}

}  // namespace
}  // namespace brook::examples::wordcount
