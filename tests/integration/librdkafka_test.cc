// librdkafka (the client every Brook app uses) against the in-process broker.
#include <algorithm>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/integration/admin_helpers.h"
#include "tests/integration/broker_fixture.h"
#include "tests/integration/kafka_test_client.h"

namespace brook::testing {
namespace {

class LibrdkafkaTest : public BrokerSuite {};

// A value with every byte value in it, different per record.
std::string ValueFor(int64_t i) {
  std::string v = fmt::format("value-{}-", i);
  for (int b = 0; b < 40; ++b) v.push_back(static_cast<char>((i * 31 + b * 7) & 0xff));
  return v;
}

void ProduceAndCheck(const std::string& bootstrap, const std::string& topic, int64_t count,
                     int partitions, const Config& producer_config) {
  Producer producer(bootstrap, producer_config);
  ASSERT_EQ(CreateTopic(producer.handle(), topic, partitions), RD_KAFKA_RESP_ERR_NO_ERROR);
  const int64_t t0 = 1'700'000'000'000;
  for (int64_t i = 0; i < count; ++i) {
    producer.Send(topic, static_cast<int32_t>(i % partitions), fmt::format("key-{}", i),
                  ValueFor(i), t0 + i, {{"seq", std::to_string(i)}, {"h2", "x"}});
  }
  producer.Flush();
  ASSERT_EQ(producer.failed(), 0) << producer.last_error();
  ASSERT_EQ(producer.delivered(), count);

  Consumer consumer(bootstrap);
  consumer.Assign(topic, partitions);
  auto records = consumer.Read(static_cast<size_t>(count));
  ASSERT_EQ(static_cast<int64_t>(records.size()), count);
  std::vector<bool> seen(static_cast<size_t>(count), false);
  std::map<int32_t, int64_t> last_seq;
  std::map<int32_t, int64_t> last_offset;
  for (const auto& r : records) {
    ASSERT_EQ(r.headers.size(), 2u);
    int64_t i = std::stoll(r.headers[0].second);
    ASSERT_FALSE(seen[static_cast<size_t>(i)]) << "record " << i << " twice";
    seen[static_cast<size_t>(i)] = true;
    EXPECT_EQ(r.partition, i % partitions);
    EXPECT_EQ(r.key, fmt::format("key-{}", i));
    EXPECT_EQ(r.value, ValueFor(i));
    EXPECT_EQ(r.timestamp, t0 + i);
    EXPECT_EQ(r.headers[1], std::make_pair(std::string("h2"), std::string("x")));
    // Per-partition order: sequence numbers and offsets both increase.
    if (last_seq.count(r.partition)) {
      EXPECT_GT(i, last_seq[r.partition]);
      EXPECT_EQ(r.offset, last_offset[r.partition] + 1);
    }
    last_seq[r.partition] = i;
    last_offset[r.partition] = r.offset;
  }
}

TEST_F(LibrdkafkaTest, KeyedRecordsOverEightPartitionsArriveOnceInOrderAndIntact) {
  ProduceAndCheck(bootstrap_, TopicName(), 1'000'000, 8, {{"linger.ms", "5"}});
}

TEST_F(LibrdkafkaTest, EveryCompressionCodecRoundTrips) {
  for (const char* codec : {"gzip", "snappy", "lz4", "zstd"}) {
    SCOPED_TRACE(codec);
    ProduceAndCheck(bootstrap_, TopicName(std::string("-") + codec), 5'000, 2,
                    {{"compression.codec", codec}, {"linger.ms", "5"}});
  }
}

TEST_F(LibrdkafkaTest, AcksZeroOneAndAllDeliver) {
  for (const char* acks : {"0", "1", "all"}) {
    SCOPED_TRACE(acks);
    ProduceAndCheck(bootstrap_, TopicName(std::string("-acks") + acks), 2'000, 1, {{"acks", acks}});
  }
}

TEST_F(LibrdkafkaTest, OffsetsForTimesFindTheFirstRecordAtOrAfterTheTimestamp) {
  std::string topic = TopicName();
  Producer producer(bootstrap_);
  ASSERT_EQ(CreateTopic(producer.handle(), topic, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  const int64_t t0 = 1'700'000'000'000;
  for (int i = 0; i < 100; ++i) producer.Send(topic, 0, std::nullopt, "v", t0 + 10 * i);
  producer.Flush();
  auto lookup = [&](int64_t timestamp) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), 0)->offset = timestamp;
    EXPECT_EQ(rd_kafka_offsets_for_times(producer.handle(), list, 10000),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    int64_t offset = list->elems[0].offset;
    rd_kafka_topic_partition_list_destroy(list);
    return offset;
  };
  EXPECT_EQ(lookup(t0), 0);
  EXPECT_EQ(lookup(t0 + 55), 6);
  EXPECT_EQ(lookup(t0 + 990), 99);
  EXPECT_EQ(lookup(t0 + 991), -1);  // none: librdkafka reports the end (-1)
  int64_t low = -1, high = -1;
  ASSERT_EQ(
      rd_kafka_query_watermark_offsets(producer.handle(), topic.c_str(), 0, &low, &high, 10000),
      RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(low, 0);
  EXPECT_EQ(high, 100);
}

TEST_F(LibrdkafkaTest, AdminCreatesDescribesAndDeletesTopics) {
  std::string topic = TopicName();
  Producer admin(bootstrap_);
  ASSERT_EQ(CreateTopic(admin.handle(), topic, 3, {{"retention.ms", "3600000"}}),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  std::string message;
  EXPECT_EQ(CreateTopic(admin.handle(), topic, 3, {}, &message),
            RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
  EXPECT_EQ(CreateTopic(admin.handle(), topic + "-bad", 1, {{"no.such", "1"}}),
            RD_KAFKA_RESP_ERR_INVALID_CONFIG);
  EXPECT_EQ(CreateTopic(admin.handle(), "bad name!", 1), RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION);

  auto configs = DescribeTopicConfigs(admin.handle(), topic);
  ASSERT_TRUE(configs.count("retention.ms"));
  EXPECT_EQ(configs["retention.ms"].first, "3600000");
  EXPECT_EQ(configs["retention.ms"].second, RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG);
  EXPECT_EQ(configs["cleanup.policy"].first, "delete");

  const rd_kafka_metadata_t* metadata = nullptr;
  ASSERT_EQ(rd_kafka_metadata(admin.handle(), 1, nullptr, &metadata, 10000),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  bool listed = false;
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    if (topic == metadata->topics[i].topic) {
      listed = true;
      EXPECT_EQ(metadata->topics[i].partition_cnt, 3);
    }
  }
  rd_kafka_metadata_destroy(metadata);
  EXPECT_TRUE(listed);

  EXPECT_EQ(DeleteTopic(admin.handle(), topic), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(DeleteTopic(admin.handle(), topic), RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
}

TEST(BrokerRestartTest, DataSurvivesABrokerRestart) {
  TempDir dir;
  std::string topic = "restart-topic";
  {
    auto broker = broker::app::EmbeddedBroker::Start(dir.path());
    ASSERT_TRUE(broker.ok());
    Producer producer((*broker)->bootstrap());
    ASSERT_EQ(CreateTopic(producer.handle(), topic, 4), RD_KAFKA_RESP_ERR_NO_ERROR);
    for (int i = 0; i < 10'000; ++i) producer.Send(topic, i % 4, std::to_string(i), ValueFor(i));
    producer.Flush();
    ASSERT_EQ(producer.failed(), 0);
  }
  auto broker = broker::app::EmbeddedBroker::Start(dir.path());
  ASSERT_TRUE(broker.ok());
  Consumer consumer((*broker)->bootstrap());
  consumer.Assign(topic, 4);
  auto records = consumer.Read(10'000);
  ASSERT_EQ(records.size(), 10'000u);
  std::set<std::string> keys;
  for (const auto& r : records) {
    keys.insert(*r.key);
    EXPECT_EQ(r.value, ValueFor(std::stoll(*r.key)));
  }
  EXPECT_EQ(keys.size(), 10'000u);
}

TEST(BrokerRestartTest, AProducerSurvivesABrokerRestartMidStream) {
  TempDir dir;
  std::string topic = "restart-mid-stream";
  auto first = broker::app::EmbeddedBroker::Start(dir.path());
  ASSERT_TRUE(first.ok());
  int port = (*first)->port();
  std::string bootstrap = (*first)->bootstrap();
  const int count = 20'000;
  {
    Producer producer(
        bootstrap,
        {{"linger.ms", "5"}, {"message.timeout.ms", "60000"}, {"reconnect.backoff.ms", "50"}});
    ASSERT_EQ(CreateTopic(producer.handle(), topic, 2), RD_KAFKA_RESP_ERR_NO_ERROR);
    for (int i = 0; i < count; ++i) {
      producer.Send(topic, i % 2, std::to_string(i), ValueFor(i));
      if (i == count / 2) {
        rd_kafka_flush(producer.handle(), 100);  // some in flight, some queued
        (*first)->Stop();
        first->reset();
        auto second = broker::app::EmbeddedBroker::Start(
            dir.path(), {{"listeners", fmt::format("PLAINTEXT://127.0.0.1:{}", port)}});
        ASSERT_TRUE(second.ok()) << second.status().ToString();
        *first = std::move(second).value();
      }
    }
    producer.Flush();
    EXPECT_EQ(producer.failed(), 0) << producer.last_error();
    EXPECT_EQ(producer.delivered(), count);
  }
  // Every acknowledged record is there (retries may have written some twice).
  Consumer consumer(bootstrap);
  consumer.Assign(topic, 2);
  auto records = consumer.Read(count, 5000);
  std::set<std::string> keys;
  for (const auto& r : records) keys.insert(*r.key);
  for (int i = 0; i < count; ++i) EXPECT_TRUE(keys.count(std::to_string(i))) << i;
}

}  // namespace
}  // namespace brook::testing
