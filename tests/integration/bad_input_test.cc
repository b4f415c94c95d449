// What the broker does with requests real clients would not send: each gets the error Kafka
// gives or a closed connection, never a crash or a hang, and other clients are still served.
#include <gtest/gtest.h>

#include "broker/protocol/error_code.h"
#include "broker/protocol/messages.h"
#include "broker/record/batch_builder.h"
#include "tests/integration/admin_helpers.h"
#include "tests/integration/broker_fixture.h"
#include "tests/integration/kafka_test_client.h"
#include "tests/integration/raw_client.h"

namespace brook::testing {
namespace {

namespace protocol = broker::protocol;
using protocol::ErrorCode;

class BadInputTest : public BrokerSuite {
 protected:
  // The broker still answers a plain ApiVersions on a new connection.
  void ExpectStillServing() {
    RawClient client(bootstrap_);
    client.Send(protocol::ApiVersionsRequest{}, 3);
    auto response = client.Receive<protocol::ApiVersionsRequest>(3);
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->error_code, 0);
  }

  // One produce of `records` to partition 0 of `topic`; the partition's error code.
  int16_t ProduceRaw(const std::string& topic, Bytes records, int16_t version = 9) {
    protocol::ProduceRequest request;
    request.acks = -1;
    request.timeout_ms = 5000;
    auto& t = request.topic_data.emplace_back();
    t.name = topic;
    auto& p = t.partition_data.emplace_back();
    p.index = 0;
    p.records = std::move(records);
    RawClient client(bootstrap_);
    client.Send(request, version);
    auto response = client.Receive<protocol::ProduceRequest>(version);
    EXPECT_TRUE(response.has_value());
    if (!response) return -999;
    return response->responses.at(0).partition_responses.at(0).error_code;
  }

  static Bytes Batch(int records, size_t value_size) {
    broker::record::RecordBatchBuilder builder;
    std::string value(value_size, 'v');
    for (int i = 0; i < records; ++i) builder.Add(1000 + i, AsBytes("k"), AsBytes(value));
    return *builder.Build();
  }

  void MakeTopic(const std::string& topic, std::map<std::string, std::string> configs = {}) {
    Producer admin(bootstrap_);
    ASSERT_EQ(CreateTopic(admin.handle(), topic, 1, configs), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
};

TEST_F(BadInputTest, AnUnknownApiKeyClosesTheConnection) {
  RawClient client(bootstrap_);
  Bytes frame = {0x03, 0xE7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};  // api 999
  client.SendFrame(frame);
  EXPECT_TRUE(client.ClosedByBroker());
  ExpectStillServing();
}

TEST_F(BadInputTest, AnUnsupportedVersionClosesTheConnection) {
  RawClient client(bootstrap_);
  client.Send(protocol::MetadataRequest{}, 0);  // fine
  ASSERT_TRUE(client.Receive<protocol::MetadataRequest>(0).has_value());
  // Produce v2 (magic 0/1 message sets) is below what Brook serves.
  Bytes frame = {0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00};
  client.SendFrame(frame);
  EXPECT_TRUE(client.ClosedByBroker());
  ExpectStillServing();
}

TEST_F(BadInputTest, AnUnknownApiVersionsVersionGetsTheV0FallbackAnswer) {
  RawClient client(bootstrap_);
  // ApiVersions v99, whose body the broker cannot know: header v2, empty tagged fields.
  Bytes frame = {0x00, 0x12, 0x00, 0x63, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00};
  client.SendFrame(frame);
  auto response = client.Receive<protocol::ApiVersionsRequest>(0);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->error_code, static_cast<int16_t>(ErrorCode::kUnsupportedVersion));
  bool lists_api_versions = false;
  for (const auto& api : response->api_keys) {
    if (api.api_key == 18) lists_api_versions = api.max_version == 3;
  }
  EXPECT_TRUE(lists_api_versions);
}

TEST_F(BadInputTest, TruncatedOrGarbageBodiesCloseTheConnection) {
  protocol::MetadataRequest request;
  request.topics.emplace().emplace_back().name = "some-topic";
  protocol::RequestHeader header;
  header.request_api_version = 9;
  header.correlation_id = 1;
  Bytes body;
  protocol::EncodeRequestFrame(header, request, &body);
  for (size_t cut = 10; cut < body.size(); ++cut) {
    RawClient client(bootstrap_);
    client.SendFrame(ByteView(body).first(cut));
    EXPECT_TRUE(client.ClosedByBroker()) << cut;
  }
  ExpectStillServing();
}

TEST_F(BadInputTest, ABatchWithABadCrcIsCorruptMessage) {
  std::string topic = TopicName();
  MakeTopic(topic);
  Bytes batch = Batch(3, 10);
  batch.back() ^= 0x55;
  EXPECT_EQ(ProduceRaw(topic, batch), static_cast<int16_t>(ErrorCode::kCorruptMessage));
}

TEST_F(BadInputTest, AnOversizedBatchIsMessageTooLarge) {
  std::string topic = TopicName();
  MakeTopic(topic, {{"max.message.bytes", "2000"}});
  EXPECT_EQ(ProduceRaw(topic, Batch(10, 500)), static_cast<int16_t>(ErrorCode::kMessageTooLarge));
  EXPECT_EQ(ProduceRaw(topic, Batch(2, 100)), 0);
}

TEST_F(BadInputTest, ProduceToAnUnknownTopicOrPartitionIsUnknownTopicOrPartition) {
  EXPECT_EQ(ProduceRaw("no-such-topic-anywhere", Batch(1, 1)),
            static_cast<int16_t>(ErrorCode::kUnknownTopicOrPartition));
  std::string topic = TopicName();
  MakeTopic(topic);
  protocol::ProduceRequest request;
  request.acks = 1;
  auto& t = request.topic_data.emplace_back();
  t.name = topic;
  auto& p = t.partition_data.emplace_back();
  p.index = 5;
  p.records = Batch(1, 1);
  RawClient client(bootstrap_);
  client.Send(request, 7);
  auto response = client.Receive<protocol::ProduceRequest>(7);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->responses[0].partition_responses[0].error_code,
            static_cast<int16_t>(ErrorCode::kUnknownTopicOrPartition));
}

TEST_F(BadInputTest, InvalidAcksAndEmptyRecordsAreRefused) {
  std::string topic = TopicName();
  MakeTopic(topic);
  protocol::ProduceRequest request;
  request.acks = 2;
  auto& t = request.topic_data.emplace_back();
  t.name = topic;
  t.partition_data.emplace_back().records = Batch(1, 1);
  RawClient client(bootstrap_);
  client.Send(request, 9);
  auto response = client.Receive<protocol::ProduceRequest>(9);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->responses[0].partition_responses[0].error_code,
            static_cast<int16_t>(ErrorCode::kInvalidRequiredAcks));
  EXPECT_EQ(ProduceRaw(topic, Bytes()), static_cast<int16_t>(ErrorCode::kInvalidRecord));
}

TEST_F(BadInputTest, FetchOutsideTheLogIsOffsetOutOfRange) {
  std::string topic = TopicName();
  MakeTopic(topic);
  ASSERT_EQ(ProduceRaw(topic, Batch(3, 1)), 0);
  protocol::FetchRequest request;
  request.max_wait_ms = 100;
  request.min_bytes = 1;
  auto& t = request.topics.emplace_back();
  t.topic = topic;
  auto& p = t.partitions.emplace_back();
  p.fetch_offset = 10;
  p.partition_max_bytes = 1 << 20;
  RawClient client(bootstrap_);
  client.Send(request, 11);
  auto response = client.Receive<protocol::FetchRequest>(11);
  ASSERT_TRUE(response.has_value());
  const auto& partition = response->responses.at(0).partitions.at(0);
  EXPECT_EQ(partition.error_code, static_cast<int16_t>(ErrorCode::kOffsetOutOfRange));
  EXPECT_EQ(partition.high_watermark, 3);
}

TEST_F(BadInputTest, AFetchWaitsForDataAndWakesOnProduce) {
  std::string topic = TopicName();
  MakeTopic(topic);
  protocol::FetchRequest request;
  request.max_wait_ms = 10'000;
  request.min_bytes = 1;
  auto& t = request.topics.emplace_back();
  t.topic = topic;
  auto& p = t.partitions.emplace_back();
  p.fetch_offset = 0;
  p.partition_max_bytes = 1 << 20;
  RawClient fetcher(bootstrap_);
  fetcher.Send(request, 11);
  ASSERT_EQ(ProduceRaw(topic, Batch(2, 5)), 0);
  auto response = fetcher.Receive<protocol::FetchRequest>(11);
  ASSERT_TRUE(response.has_value());
  const auto& partition = response->responses.at(0).partitions.at(0);
  EXPECT_EQ(partition.error_code, 0);
  EXPECT_EQ(partition.high_watermark, 2);
  ASSERT_TRUE(partition.records.has_value());
  EXPECT_GT(partition.records->size(), 61u);
}

}  // namespace
}  // namespace brook::testing
