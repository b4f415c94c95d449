// kafkajs 2.2.4 (npm; installed by scripts/setup.sh) as an independent client: its admin client
// creates a topic, its producer sends 10,000 messages, librdkafka reads them back.
// Not yet covered: kafkajs consuming, which needs consumer groups (issue 4).
#include <gtest/gtest.h>

#include "tests/integration/broker_fixture.h"
#include "tests/integration/kafka_test_client.h"
#include "tests/integration/subprocess.h"

namespace brook::testing {
namespace {

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

}  // namespace
}  // namespace brook::testing
