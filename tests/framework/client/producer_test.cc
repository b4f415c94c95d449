// Producer against the in-process broker: delivery errors with their tags, Kafka's default
// partitioner, and transactions (commit/abort seen by read_committed, offsets in the
// transaction, fencing by a newer producer).
#include "framework/client/producer.h"

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "tests/framework/client/client_test_util.h"

namespace brook::framework::client {
namespace {

class ProducerTest : public ClientTest {
 protected:
  static std::unique_ptr<Consumer> ReadCommittedConsumer(const std::string& topic) {
    auto consumer =
        MakeConsumer(TopicName("-reader"), nullptr, {{"isolation.level", "read_committed"}});
    EXPECT_TRUE(consumer->Subscribe({topic}).ok());
    return consumer;
  }
};

// Kafka's Utils.murmur2 (the Java client's default partitioner hashes keys with it).
int32_t JavaMurmur2(std::string_view data) {
  const uint32_t m = 0x5bd1e995;
  const size_t length = data.size();
  uint32_t h = 0x9747b28c ^ static_cast<uint32_t>(length);
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(data[i])); };
  for (size_t i = 0; i + 4 <= length; i += 4) {
    uint32_t k = byte(i) | byte(i + 1) << 8 | byte(i + 2) << 16 | byte(i + 3) << 24;
    k *= m;
    k ^= k >> 24;
    k *= m;
    h *= m;
    h ^= k;
  }
  const size_t tail = length & ~size_t{3};
  switch (length % 4) {
    case 3:
      h ^= byte(tail + 2) << 16;
      [[fallthrough]];
    case 2:
      h ^= byte(tail + 1) << 8;
      [[fallthrough]];
    case 1:
      h ^= byte(tail);
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return static_cast<int32_t>(h);
}

TEST_F(ProducerTest, TooLargeRecordIsReportedByTakeDeliveryErrorsWithItsTag) {
  const std::string topic = TopicName();
  CreateTopic(topic, 1, {{"max.message.bytes", "1000"}});
  auto producer = MakeProducer();
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->Send(Record(topic, 0, "k", "small"), /*tag=*/7).ok());
  ASSERT_TRUE(producer->Flush(10s).ok());
  const std::string big(5'000, 'x');
  ASSERT_TRUE(producer->Send(Record(topic, 0, "k", big, 1'234), /*tag=*/42).ok())
      << "under the producer's message.max.bytes: the broker refuses it";
  ASSERT_TRUE(producer->Flush(10s).ok()) << "a failed delivery is not a flush error";

  std::vector<DeliveryError> errors = producer->TakeDeliveryErrors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].topic, topic);
  EXPECT_EQ(errors[0].partition, 0);
  EXPECT_EQ(errors[0].tag, 42u);
  EXPECT_EQ(errors[0].status.code(), StatusCode::kTooLarge) << errors[0].status.ToString();
  EXPECT_NE(errors[0].status.message().find("MSG_SIZE_TOO_LARGE"), std::string::npos);
  EXPECT_FALSE(errors[0].fatal);
  EXPECT_TRUE(producer->TakeDeliveryErrors().empty()) << "handed out once";
  EXPECT_EQ(producer->delivered(), 1u);
  EXPECT_EQ(producer->failed(), 1u);
  EXPECT_TRUE(producer->FatalError().ok());
}

TEST_F(ProducerTest, RecordOverMessageMaxBytesFailsSend) {
  auto producer = MakeProducer({{"message.max.bytes", "2000"}});
  ASSERT_NE(producer, nullptr);
  const std::string big(5'000, 'x');
  Status status = producer->Send(Record(TopicName(), 0, std::nullopt, big));
  EXPECT_EQ(status.code(), StatusCode::kTooLarge) << status.ToString();
}

TEST_F(ProducerTest, KeyedRecordsLandWhereJavaClientsPutThem) {
  // Kafka's UtilsTest vectors for the hash itself.
  ASSERT_EQ(JavaMurmur2("21"), -973932308);
  ASSERT_EQ(JavaMurmur2("foobar"), -790332482);
  ASSERT_EQ(JavaMurmur2("abc"), 479470107);

  const std::string topic = TopicName();
  constexpr int32_t kPartitions = 5;
  CreateTopic(topic, kPartitions);
  auto producer = MakeProducer();
  ASSERT_NE(producer, nullptr);
  constexpr int kKeys = 30;
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = "key-" + std::to_string(i);
    ASSERT_TRUE(producer->Send(Record(topic, -1, key, "v")).ok());
  }
  ASSERT_TRUE(producer->Flush(10s).ok());
  auto consumer = MakeConsumer(TopicName("-group"));
  ASSERT_TRUE(consumer->Subscribe({topic}).ok());
  std::vector<RawRecord> records = PollRecords(*consumer, kKeys);
  ASSERT_EQ(records.size(), static_cast<size_t>(kKeys));
  for (const RawRecord& record : records) {
    const int32_t expected = (JavaMurmur2(*record.key) & 0x7fffffff) % kPartitions;
    EXPECT_EQ(record.partition, expected) << *record.key;
  }
}

TEST_F(ProducerTest, CommittedTransactionIsVisibleToReadCommittedAndAbortedOneIsNot) {
  const std::string topic = TopicName();
  CreateTopic(topic, 1);
  auto producer = MakeProducer({}, TopicName("-txn"));
  ASSERT_NE(producer, nullptr);
  EXPECT_TRUE(producer->transactional());
  ASSERT_TRUE(producer->InitTransactions(10s).ok());
  Status outside = producer->Send(Record(topic, 0, std::nullopt, "outside"));
  EXPECT_EQ(outside.code(), StatusCode::kFailedPrecondition) << outside.ToString();

  ASSERT_TRUE(producer->BeginTransaction().ok());
  ASSERT_TRUE(producer->Send(Record(topic, 0, std::nullopt, "c1")).ok());
  ASSERT_TRUE(producer->Send(Record(topic, 0, std::nullopt, "c2")).ok());
  TxnResult commit = producer->CommitTransaction(10s);
  ASSERT_TRUE(commit.ok()) << commit.status.ToString();

  ASSERT_TRUE(producer->BeginTransaction().ok());
  ASSERT_TRUE(producer->Send(Record(topic, 0, std::nullopt, "aborted")).ok());
  ASSERT_TRUE(producer->Flush(10s).ok()) << "in the log before the abort";
  TxnResult abort = producer->AbortTransaction(10s);
  ASSERT_TRUE(abort.ok()) << abort.status.ToString();

  ASSERT_TRUE(producer->BeginTransaction().ok());
  ASSERT_TRUE(producer->Send(Record(topic, 0, std::nullopt, "c3")).ok());
  ASSERT_TRUE(producer->CommitTransaction(10s).ok());
  EXPECT_TRUE(producer->TakeDeliveryErrors().empty());

  auto committed = ReadCommittedConsumer(topic);
  EXPECT_EQ(Values(PollRecords(*committed, 3)), (std::vector<std::string>{"c1", "c2", "c3"}));
  EXPECT_TRUE(PollRecords(*committed, 1, 500ms).empty());

  auto uncommitted =
      MakeConsumer(TopicName("-uncommitted"), nullptr, {{"isolation.level", "read_uncommitted"}});
  ASSERT_TRUE(uncommitted->Subscribe({topic}).ok());
  EXPECT_EQ(Values(PollRecords(*uncommitted, 4)),
            (std::vector<std::string>{"c1", "c2", "aborted", "c3"}));
}

TEST_F(ProducerTest, SendOffsetsToTransactionCommitsTheGroupsOffsets) {
  const std::string input = TopicName("-in");
  const std::string output = TopicName("-out");
  CreateTopic(input, 1);
  CreateTopic(output, 1);
  SendValues(input, 0, {"a", "b", "c"});
  auto consumer = MakeConsumer(TopicName("-group"));
  ASSERT_TRUE(consumer->Subscribe({input}).ok());
  ASSERT_EQ(PollRecords(*consumer, 3).size(), 3u);

  auto producer = MakeProducer({}, TopicName("-txn"));
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(producer->InitTransactions(10s).ok());
  ASSERT_TRUE(producer->BeginTransaction().ok());
  ASSERT_TRUE(producer->Send(Record(output, 0, std::nullopt, "abc")).ok());
  auto group = consumer->GroupMetadata();
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  TxnResult sent = producer->SendOffsetsToTransaction({{{input, 0}, 3}}, *group, 10s);
  ASSERT_TRUE(sent.ok()) << sent.status.ToString();
  TxnResult commit = producer->CommitTransaction(10s);
  ASSERT_TRUE(commit.ok()) << commit.status.ToString();

  auto committed = consumer->Committed({{input, 0}}, 5s);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(*committed, (std::map<TopicPartition, int64_t>{{{input, 0}, 3}}));
}

TEST_F(ProducerTest, SecondProducerWithTheSameTransactionalIdFencesTheFirst) {
  const std::string topic = TopicName();
  CreateTopic(topic, 1);
  auto first = MakeProducer({}, TopicName("-txn"));
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->InitTransactions(10s).ok());
  ASSERT_TRUE(first->BeginTransaction().ok());
  ASSERT_TRUE(first->Send(Record(topic, 0, std::nullopt, "zombie")).ok());
  ASSERT_TRUE(first->Flush(10s).ok());

  auto second = MakeProducer({}, TopicName("-txn"));
  ASSERT_NE(second, nullptr);
  TxnResult init = second->InitTransactions(10s);
  ASSERT_TRUE(init.ok()) << init.status.ToString();

  TxnResult commit = first->CommitTransaction(10s);
  EXPECT_FALSE(commit.ok());
  EXPECT_EQ(commit.kind, TxnErrorKind::kFenced)
      << TxnErrorKindName(commit.kind) << ": " << commit.status.ToString();
  EXPECT_FALSE(first->FatalError().ok());
  EXPECT_TRUE(first->fenced());
  TxnResult again = first->BeginTransaction();
  EXPECT_EQ(again.kind, TxnErrorKind::kFenced) << again.status.ToString();

  ASSERT_TRUE(second->BeginTransaction().ok());
  ASSERT_TRUE(second->Send(Record(topic, 0, std::nullopt, "live")).ok());
  ASSERT_TRUE(second->CommitTransaction(10s).ok());
  auto reader = ReadCommittedConsumer(topic);
  EXPECT_EQ(Values(PollRecords(*reader, 1)), std::vector<std::string>{"live"});
  EXPECT_TRUE(PollRecords(*reader, 1, 500ms).empty()) << "the zombie's record was aborted";
}

TEST_F(ProducerTest, TransactionalCallsOnAPlainProducerFailAsFatal) {
  auto producer = MakeProducer();
  ASSERT_NE(producer, nullptr);
  EXPECT_FALSE(producer->transactional());
  TxnResult begin = producer->BeginTransaction();
  EXPECT_FALSE(begin.ok());
  EXPECT_EQ(begin.kind, TxnErrorKind::kFatal) << begin.status.ToString();
}

TEST_F(ProducerTest, CreateRejectsSettingsThatContradictTheTransactionalId) {
  auto other_id = Producer::Create(Bootstrap({{"transactional.id", "a"}}), "b");
  EXPECT_EQ(other_id.status().code(), StatusCode::kInvalidArgument);
  auto no_idempotence = Producer::Create(Bootstrap({{"enable.idempotence", "false"}}), "b");
  EXPECT_EQ(no_idempotence.status().code(), StatusCode::kInvalidArgument);
  auto bad_value = Producer::Create(Bootstrap({{"linger.ms", "soon"}}));
  EXPECT_EQ(bad_value.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_value.status().message().find("linger.ms"), std::string::npos);
}

}  // namespace
}  // namespace brook::framework::client
