// Joins run by KafkaStreams against the in-process broker: the co-partitioning that the test
// driver cannot show (it has no partitions). Both inputs of a join must have the same number
// of partitions; a repartition topic in front of a join takes the other side's count, as Kafka
// Streams' CopartitionedTopicsEnforcer does.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "framework/api/kafka_streams.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"
#include "tests/operators/dsl_e2e_fixture.h"

namespace brook::streams {
namespace {

using framework::client::Properties;
using namespace std::chrono_literals;
using testing::S;
using testing::StringConsumed;
using testing::StringProduced;

using JoinE2ETest = DslE2ETest;

// Orders keyed by order id on 4 partitions, re-keyed by customer and joined with the customers
// table on 2: the repartition topic gets 2 partitions, so each customer's orders meet the task
// that holds that customer, and every order finds its customer.
TEST_F(JoinE2ETest, RepartitionTopicBeforeAJoinTakesTheTablesPartitionCount) {
  CreateTopic("cp-orders", 4);
  CreateTopic("cp-customers", 2);
  CreateTopic("cp-out", 1);
  std::vector<std::pair<S, S>> customers;
  for (int c = 0; c < 10; ++c)
    customers.emplace_back("c" + std::to_string(c), "name" + std::to_string(c));
  Send("cp-customers", customers);
  std::this_thread::sleep_for(20ms);  // orders are stamped after every customer
  std::vector<std::pair<S, S>> orders;
  for (int o = 0; o < 100; ++o)
    orders.emplace_back("o" + std::to_string(o), "c" + std::to_string(o % 10));
  Send("cp-orders", orders);

  StreamsBuilder builder;
  KTable<S, S> table = builder.table("cp-customers", StringConsumed());
  builder.stream("cp-orders", StringConsumed())
      .selectKey([](const S&, const S& customer) { return customer; })
      .join(
          table, [](const S& customer, const S& name) { return customer + "=" + name; },
          Joined<S, S, S>::with(Serdes::String(), Serdes::String(), Serdes::String()))
      .to("cp-out", StringProduced());
  KafkaStreams streams(builder.build(), Config("cp-app"));
  streams.start();

  auto consumer = MakeConsumer("cp-reader", nullptr, Properties{{"auto.offset.reset", "earliest"}});
  ASSERT_TRUE(consumer->Subscribe({"cp-out"}).ok());
  auto records = PollRecords(*consumer, orders.size(), 60s);
  EXPECT_TRUE(streams.close(30s));

  std::map<S, int> per_customer;
  for (const auto& record : records) {
    const S key(record.key.value_or(""));
    EXPECT_EQ(std::string(record.value.value_or("")), key + "=name" + key.substr(1));
    ++per_customer[key];
  }
  EXPECT_EQ(records.size(), orders.size());
  EXPECT_EQ(per_customer.size(), 10u);
  for (const auto& [customer, count] : per_customer) EXPECT_EQ(count, 10) << customer;
  // The repartition topic between selectKey and the join (named after its node) follows the
  // table's partition count, not the orders'.
  const auto repartitions = RepartitionTopics("cp-app");
  EXPECT_EQ(repartitions.size(), 1u);
  for (const auto& [topic, partitions] : repartitions) EXPECT_EQ(partitions, 2) << topic;
}

// Both sides of a stream-stream join re-keyed: clicks from 4 partitions, views from 2. Both
// repartition topics take the larger count (Kafka sets a group of repartition topics to its
// largest), and each click meets the view of its user.
TEST_F(JoinE2ETest, RepartitionTopicsOnBothSidesOfAJoinTakeTheLargerCount) {
  CreateTopic("cp-s-clicks", 4);
  CreateTopic("cp-s-views", 2);
  CreateTopic("cp-s-out", 1);
  std::vector<std::pair<S, S>> clicks;
  std::vector<std::pair<S, S>> views;
  for (int i = 0; i < 40; ++i) {
    clicks.emplace_back("click" + std::to_string(i), "u" + std::to_string(i));
    views.emplace_back("view" + std::to_string(i), "u" + std::to_string(i));
  }
  Send("cp-s-views", views);
  Send("cp-s-clicks", clicks);

  StreamsBuilder builder;
  auto by_user = [](const S&, const S& user) { return user; };
  KStream<S, S> view_stream = builder.stream("cp-s-views", StringConsumed()).selectKey(by_user);
  builder.stream("cp-s-clicks", StringConsumed())
      .selectKey(by_user)
      .join(
          view_stream, [](const S& user, const S&, const S&) { return "joined:" + user; },
          JoinWindows::ofTimeDifferenceWithNoGrace(std::chrono::minutes(5)),
          StreamJoined<S, S, S>::with(Serdes::String(), Serdes::String(), Serdes::String()))
      .to("cp-s-out", StringProduced());
  KafkaStreams streams(builder.build(), Config("cp-s-app"));
  streams.start();

  auto consumer =
      MakeConsumer("cp-s-reader", nullptr, Properties{{"auto.offset.reset", "earliest"}});
  ASSERT_TRUE(consumer->Subscribe({"cp-s-out"}).ok());
  auto records = PollRecords(*consumer, clicks.size(), 60s);
  EXPECT_TRUE(streams.close(30s));

  std::map<S, int> per_user;
  for (const auto& record : records) {
    const S key(record.key.value_or(""));
    EXPECT_EQ(std::string(record.value.value_or("")), "joined:" + key);
    ++per_user[key];
  }
  EXPECT_EQ(per_user.size(), clicks.size());
  for (const auto& [user, count] : per_user) EXPECT_EQ(count, 1) << user;
  const auto repartitions = RepartitionTopics("cp-s-app");
  EXPECT_EQ(repartitions.size(), 2u);
  for (const auto& [topic, partitions] : repartitions) EXPECT_EQ(partitions, 4) << topic;
}

// A left stream-stream join under KafkaStreams (Kafka 3.1+): the joined record comes out, the
// unjoined one only once a later record closes its window; never an early "c1+none". The emit
// interval is set to 0 through StreamsConfig, which the join processors read from the task.
TEST_F(JoinE2ETest, LeftStreamStreamJoinEmitsUnjoinedRecordsOnlyWhenTheirWindowCloses) {
  CreateTopic("lj-clicks", 1);
  CreateTopic("lj-views", 1);
  CreateTopic("lj-out", 1);
  Send("lj-clicks", {{"k1", "c1"}, {"k2", "c2"}}, 1000);
  Send("lj-views", {{"k1", "v1"}}, 1005);

  StreamsBuilder builder;
  builder.stream("lj-clicks", StringConsumed())
      .leftJoin(
          builder.stream("lj-views", StringConsumed()),
          [](const S& click, const std::optional<S>& view) {
            return click + "+" + view.value_or("none");
          },
          JoinWindows::ofTimeDifferenceWithNoGrace(std::chrono::milliseconds(10)),
          StreamJoined<S, S, S>::with(Serdes::String(), Serdes::String(), Serdes::String()))
      .to("lj-out", StringProduced());
  StreamsConfig config = Config("lj-app");
  config.set(StreamsConfig::kEmitIntervalMsOuterJoinSpuriousResultsFix, "0");
  KafkaStreams streams(builder.build(), config);
  streams.start();

  auto consumer =
      MakeConsumer("lj-reader", nullptr, Properties{{"auto.offset.reset", "earliest"}});
  ASSERT_TRUE(consumer->Subscribe({"lj-out"}).ok());
  auto joined = PollRecords(*consumer, 1, 60s);
  // A later click moves the join's stream time past c2's window.
  Send("lj-clicks", {{"k3", "c3"}}, 100000);
  auto unjoined = PollRecords(*consumer, 1, 60s);
  EXPECT_TRUE(streams.close(30s));

  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(std::string(joined[0].key.value_or("")), "k1");
  EXPECT_EQ(std::string(joined[0].value.value_or("")), "c1+v1");
  ASSERT_EQ(unjoined.size(), 1u);
  EXPECT_EQ(std::string(unjoined[0].key.value_or("")), "k2");
  EXPECT_EQ(std::string(unjoined[0].value.value_or("")), "c2+none");
}

// A stream on 4 partitions joined directly with a table on 2 cannot be co-partitioned: start()
// refuses, naming both topics and their counts.
TEST_F(JoinE2ETest, JoinOfTopicsWithDifferentPartitionCountsFailsStart) {
  CreateTopic("cp-clicks", 4);
  CreateTopic("cp-users", 2);
  StreamsBuilder builder;
  KTable<S, S> users = builder.table("cp-users", StringConsumed());
  builder.stream("cp-clicks", StringConsumed())
      .join(users, [](const S& click, const S& user) { return click + "@" + user; })
      .to("cp-click-out", StringProduced());
  KafkaStreams streams(builder.build(), Config("cp-bad-app"));
  try {
    streams.start();
    FAIL() << "start() should refuse topics that are not co-partitioned";
  } catch (const StreamsException& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("not co-partitioned"), std::string::npos) << message;
    EXPECT_NE(message.find("cp-clicks (4)"), std::string::npos) << message;
    EXPECT_NE(message.find("cp-users (2)"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace brook::streams
