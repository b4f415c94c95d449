// kafkajs 2.2.4 (npm; installed by scripts/setup.sh) as an independent client: its admin client
// creates a topic, its producer sends 10,000 messages that librdkafka and a kafkajs group
// consumer read back, and two kafkajs consumers share a topic in one group and hand it over
// when one leaves. Its transactional producer commits and aborts (what read_committed and
// read_uncommitted consumers of both clients see), commits group offsets inside a transaction,
// and its idempotent producer delivers each record once. The node scripts in kafkajs/ do the
// work; these tests judge their output.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "broker/protocol/messages.h"
#include "tests/integration/broker_fixture.h"
#include "tests/integration/kafka_test_client.h"
#include "tests/integration/raw_client.h"
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

class KafkajsTest : public BrokerSuite {
 protected:
  // `node kafkajs/<script> ARGS...`: its exit code, stdout and (on failure) stderr.
  static CommandResult Node(const std::string& script, const std::vector<std::string>& args) {
    std::string command = std::string("node ") + BROOK_KAFKAJS_DIR + "/" + script;
    for (const std::string& arg : args) command += " " + arg;
    return RunCommand(command);
  }
};

// The values `txn.js consume` printed ("<partition> <offset> <value>" lines), sorted, and
// whether its closing "done <n>" line counted them all.
struct TxnConsumed {
  std::vector<std::string> values;
  bool done = false;
};

TxnConsumed ParseTxnConsumed(const std::string& out) {
  TxnConsumed consumed;
  std::istringstream lines(out);
  std::string line;
  size_t messages = 0;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    if (line.starts_with("done ")) {
      consumed.done = line == "done " + std::to_string(messages);
      continue;
    }
    int partition = -1;
    int64_t offset = -1;
    std::string value;
    if (fields >> partition >> offset >> value) {
      consumed.values.push_back(value);
      ++messages;
    }
  }
  std::sort(consumed.values.begin(), consumed.values.end());
  return consumed;
}

// The values txn.js produce writes with `prefixes` ("c1", "a", "c2"), sorted.
std::vector<std::string> TxnValues(const std::vector<std::string>& prefixes) {
  std::vector<std::string> values;
  for (const std::string& prefix : prefixes) {
    for (int partition = 0; partition < 2; ++partition) {
      for (int i = 0; i < 5; ++i) {
        values.push_back(prefix + "-" + std::to_string(partition) + "-" + std::to_string(i));
      }
    }
  }
  std::sort(values.begin(), values.end());
  return values;
}

// The values of `records`, sorted.
std::vector<std::string> Values(const std::vector<ConsumedRecord>& records) {
  std::vector<std::string> values;
  for (const auto& record : records) values.push_back(record.value.value_or("-"));
  std::sort(values.begin(), values.end());
  return values;
}

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

TEST_F(KafkajsTest, TransactionalProducerCommitsAndAbortsAndReadCommittedSeesOnlyTheCommitted) {
  const std::string topic = TopicName();
  auto produced = Node("txn.js", {"produce", bootstrap_, topic, topic + "-txn"});
  ASSERT_EQ(produced.exit_code, 0) << produced.out;
  EXPECT_EQ(produced.out, "committed 20\naborted 10\n");

  // kafkajs's default consumer is read_committed.
  auto consumed = Node("txn.js", {"consume", bootstrap_, topic, topic + "-group", "committed"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.out;
  TxnConsumed kafkajs = ParseTxnConsumed(consumed.out);
  EXPECT_TRUE(kafkajs.done) << consumed.out;
  EXPECT_EQ(kafkajs.values, TxnValues({"c1", "c2"})) << consumed.out;

  Consumer librdkafka(bootstrap_, {{"isolation.level", "read_committed"}});
  librdkafka.Assign(topic, 2);
  EXPECT_EQ(Values(librdkafka.Read(20)), TxnValues({"c1", "c2"}));
  EXPECT_TRUE(librdkafka.Read(1, 2000).empty()) << "an aborted record reached read_committed";
}

TEST_F(KafkajsTest, ReadUncommittedConsumersAlsoSeeTheAbortedTransaction) {
  const std::string topic = TopicName();
  auto produced = Node("txn.js", {"produce", bootstrap_, topic, topic + "-txn"});
  ASSERT_EQ(produced.exit_code, 0) << produced.out;

  auto consumed = Node("txn.js", {"consume", bootstrap_, topic, topic + "-group", "uncommitted"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.out;
  TxnConsumed kafkajs = ParseTxnConsumed(consumed.out);
  EXPECT_TRUE(kafkajs.done) << consumed.out;
  EXPECT_EQ(kafkajs.values, TxnValues({"c1", "a", "c2"})) << consumed.out;

  Consumer librdkafka(bootstrap_, {{"isolation.level", "read_uncommitted"}});
  librdkafka.Assign(topic, 2);
  EXPECT_EQ(Values(librdkafka.Read(30)), TxnValues({"c1", "a", "c2"}));
}

TEST_F(KafkajsTest, SendOffsetsCommitsTheGroupOffsetsOnlyWithTheTransaction) {
  const std::string topic = TopicName();
  const std::string group = topic + "-group";
  auto result = Node("txn.js", {"offsets", bootstrap_, topic, group, topic + "-txn"});
  ASSERT_EQ(result.exit_code, 0) << result.out;
  auto summary = ParseSummary(result.out);
  EXPECT_EQ(summary["before_commit"], std::vector<std::string>{"-1"}) << result.out;
  EXPECT_EQ(summary["after_commit"], std::vector<std::string>{"3"}) << result.out;
  EXPECT_EQ(summary["after_abort"], std::vector<std::string>{"3"}) << result.out;

  // librdkafka sees the same committed offset (OffsetFetch v7 with RequireStable).
  Consumer member(bootstrap_, {{"group.id", group}, {"isolation.level", "read_committed"}});
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), 0);
  EXPECT_EQ(rd_kafka_committed(member.handle(), list, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(list->elems[0].err, RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(list->elems[0].offset, 3);
  rd_kafka_topic_partition_list_destroy(list);

  Consumer reader(bootstrap_, {{"isolation.level", "read_committed"}});
  reader.Assign(topic, 1);
  EXPECT_EQ(Values(reader.Read(1)), std::vector<std::string>{"with-offsets"});
  EXPECT_TRUE(reader.Read(1, 2000).empty()) << "the aborted record reached read_committed";
}

TEST_F(KafkajsTest, IdempotentProducerDeliversEveryRecordOnceInOrder) {
  const std::string topic = TopicName();
  constexpr int kCount = 200;
  auto result = Node("txn.js", {"idempotent", bootstrap_, topic, std::to_string(kCount)});
  ASSERT_EQ(result.exit_code, 0) << result.out;
  EXPECT_EQ(result.out, "sent " + std::to_string(kCount) + "\n");

  Consumer consumer(bootstrap_);
  consumer.Assign(topic, 1);
  auto records = consumer.Read(kCount);
  ASSERT_EQ(records.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(records[i].offset, i);
    EXPECT_EQ(records[i].value, "i-" + std::to_string(i));
  }
  EXPECT_TRUE(consumer.Read(1, 2000).empty()) << "a record arrived twice";

  // The partition knows one producer (kafkajs's idempotent one) whose last sequence is the last
  // record's.
  RawClient raw(bootstrap_);
  broker::protocol::DescribeProducersRequest request;
  auto& requested = request.topics.emplace_back();
  requested.name = topic;
  requested.partition_indexes = {0};
  raw.Send(request, 0);
  auto response = raw.Receive<broker::protocol::DescribeProducersRequest>(0);
  ASSERT_TRUE(response.has_value());
  ASSERT_EQ(response->topics.size(), 1u);
  ASSERT_EQ(response->topics[0].partitions.size(), 1u);
  const auto& partition = response->topics[0].partitions[0];
  EXPECT_EQ(partition.error_code, 0);
  ASSERT_EQ(partition.active_producers.size(), 1u);
  EXPECT_GE(partition.active_producers[0].producer_id, 0);
  EXPECT_EQ(partition.active_producers[0].last_sequence, kCount - 1);
  EXPECT_EQ(partition.active_producers[0].current_txn_start_offset, -1);
}

}  // namespace
}  // namespace brook::testing
