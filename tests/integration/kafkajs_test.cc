// kafkajs 2.2.4 (npm; installed by scripts/setup.sh) as an independent client: its admin client
// creates a topic, its producer sends 10,000 messages that librdkafka and a kafkajs group
// consumer read back, and two kafkajs consumers share a topic in one group and hand it over
// when one leaves. The node scripts in kafkajs/ do the work; these tests judge their output.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "tests/integration/broker_fixture.h"
#include "tests/integration/kafka_test_client.h"
#include "tests/integration/subprocess.h"

namespace brook::testing {
namespace {

// The summary group.js prints: one "name value..." line each.
std::map<std::string, std::vector<std::string>> ParseSummary(const std::string& out) {
  std::map<std::string, std::vector<std::string>> summary;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string name, value;
    fields >> name;
    auto& values = summary[name];
    while (fields >> value) values.push_back(value);
  }
  return summary;
}

std::set<int> Partitions(const std::vector<std::string>& values) {
  std::set<int> out;
  for (const auto& v : values) out.insert(std::stoi(v));
  return out;
}

class KafkajsTest : public BrokerSuite {};

TEST_F(KafkajsTest, AdminCreatesATopicAndTheProducerDeliversEveryMessage) {
  std::string topic = TopicName();
  auto result = RunCommand(std::string("node ") + BROOK_KAFKAJS_DIR + "/produce.js " + bootstrap_ +
                           " " + topic);
  ASSERT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.out, "ok 10000\n");

  Consumer consumer(bootstrap_);
  consumer.Assign(topic, 3);
  auto records = consumer.Read(10'000);
  ASSERT_EQ(records.size(), 10'000u);
  std::set<int> seen;
  for (const auto& r : records) {
    ASSERT_EQ(r.headers.size(), 1u);
    int i = std::stoi(r.headers[0].second);
    EXPECT_EQ(r.key, "key-" + std::to_string(i));
    EXPECT_EQ(r.value, "value-" + std::to_string(i));
    seen.insert(i);
  }
  EXPECT_EQ(seen.size(), 10'000u);
}

TEST_F(KafkajsTest, AGroupConsumerReadsBackEveryMessageOnce) {
  std::string topic = TopicName();
  std::string kafkajs = std::string("node ") + BROOK_KAFKAJS_DIR;
  auto produced = RunCommand(kafkajs + "/produce.js " + bootstrap_ + " " + topic);
  ASSERT_EQ(produced.exit_code, 0) << produced.out;
  ASSERT_EQ(produced.out, "ok 10000\n");

  auto consumed =
      RunCommand(kafkajs + "/consume.js " + bootstrap_ + " " + topic + " " + topic + " 10000");
  ASSERT_EQ(consumed.exit_code, 0) << consumed.out.substr(0, 4000);
  // "<partition> <offset> <key> <value> <header count> <seq>" per message, then "done <n>".
  std::istringstream lines(consumed.out);
  std::string line;
  std::set<int> seen;
  std::set<std::pair<int, int64_t>> positions;
  size_t messages = 0;
  bool done = false;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    if (line.starts_with("done ")) {
      EXPECT_EQ(line, "done " + std::to_string(messages));
      done = true;
      continue;
    }
    int partition = -1;
    int64_t offset = -1;
    std::string key, value, seq;
    int header_count = -1;
    ASSERT_TRUE(fields >> partition >> offset >> key >> value >> header_count >> seq) << line;
    ++messages;
    EXPECT_EQ(header_count, 1) << line;
    if (seq == "-") {
      ADD_FAILURE() << "no seq header: " << line;
      continue;
    }
    int i = std::stoi(seq);
    EXPECT_EQ(key, "key-" + std::to_string(i));
    EXPECT_EQ(value, "value-" + std::to_string(i));
    EXPECT_TRUE(seen.insert(i).second) << "delivered twice: " << line;
    EXPECT_TRUE(positions.insert({partition, offset}).second) << "offset twice: " << line;
  }
  EXPECT_TRUE(done);
  EXPECT_EQ(messages, 10'000u);
  ASSERT_EQ(seen.size(), 10'000u);
  EXPECT_EQ(*seen.begin(), 0);
  EXPECT_EQ(*seen.rbegin(), 9'999);
}

TEST_F(KafkajsTest, TwoGroupConsumersSplitATopicAndHandItOverWhenOneLeaves) {
  std::string topic = TopicName();
  auto result = RunCommand(std::string("node ") + BROOK_KAFKAJS_DIR + "/group.js " + bootstrap_ +
                           " " + topic + " " + topic);
  ASSERT_EQ(result.exit_code, 0) << result.out;
  auto summary = ParseSummary(result.out);

  // The first split: disjoint, both non-empty, together every partition.
  std::set<int> a = Partitions(summary["split_a"]);
  std::set<int> b = Partitions(summary["split_b"]);
  EXPECT_FALSE(a.empty()) << result.out;
  EXPECT_FALSE(b.empty()) << result.out;
  std::set<int> both = a;
  both.insert(b.begin(), b.end());
  EXPECT_EQ(both, (std::set<int>{0, 1, 2})) << result.out;
  EXPECT_EQ(both.size(), a.size() + b.size()) << result.out;

  // After a left, b owns everything.
  EXPECT_EQ(Partitions(summary["final_b"]), (std::set<int>{0, 1, 2})) << result.out;

  // Nothing lost, nothing repeated, both consumers did work.
  ASSERT_EQ(summary["produced"].size(), 1u) << result.out;
  int produced = std::stoi(summary["produced"][0]);
  EXPECT_GT(produced, 0);
  EXPECT_EQ(summary["distinct"], std::vector<std::string>{std::to_string(produced)}) << result.out;
  EXPECT_EQ(summary["missing"], std::vector<std::string>{"0"}) << result.out;
  EXPECT_EQ(summary["duplicated"], std::vector<std::string>{"0"}) << result.out;
  EXPECT_EQ(summary["crashes"], std::vector<std::string>{"0"}) << result.out;
  ASSERT_EQ(summary["consumed_by_a"].size(), 1u) << result.out;
  ASSERT_EQ(summary["consumed_by_b"].size(), 1u) << result.out;
  int by_a = std::stoi(summary["consumed_by_a"][0]);
  int by_b = std::stoi(summary["consumed_by_b"][0]);
  EXPECT_GT(by_a, 0);
  EXPECT_GT(by_b, 0);
  EXPECT_EQ(by_a + by_b, produced) << result.out;
}

}  // namespace
}  // namespace brook::testing
