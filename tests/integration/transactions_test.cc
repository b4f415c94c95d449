// Transactions with librdkafka against the in-process broker: commit and abort across
// 3 topics x 4 partitions, what read_committed and read_uncommitted consumers see, and the last
// stable offset and aborted-transaction list (checked with raw ListOffsets and Fetch) at every
// step.
#include <librdkafka/rdkafka.h>

#include <gtest/gtest.h>

#include "tests/integration/admin_helpers.h"
#include "tests/integration/broker_fixture.h"
#include "tests/integration/kafka_test_client.h"
#include "tests/integration/raw_client.h"

namespace brook::testing {
namespace {

using broker::protocol::FetchRequest;
using broker::protocol::ListOffsetsRequest;

constexpr int kPartitions = 4;

// A transactional producer; every call must succeed.
class TxnProducer {
 public:
  TxnProducer(const std::string& bootstrap, const std::string& transactional_id)
      : producer_(bootstrap, {{"transactional.id", transactional_id}, {"linger.ms", "0"}}) {
    Check(rd_kafka_init_transactions(producer_.handle(), 30000), "init_transactions");
  }
  void Begin() { Check(rd_kafka_begin_transaction(producer_.handle()), "begin"); }
  void Send(const std::string& topic, int32_t partition, const std::string& value) {
    producer_.Send(topic, partition, std::nullopt, value);
  }
  void Flush() { producer_.Flush(); }
  void Commit() { Check(rd_kafka_commit_transaction(producer_.handle(), 30000), "commit"); }
  void Abort() { Check(rd_kafka_abort_transaction(producer_.handle(), 30000), "abort"); }
  Producer& producer() { return producer_; }

 private:
  static void Check(rd_kafka_error_t* error, const char* what) {
    if (error != nullptr) {
      ADD_FAILURE() << what << ": " << rd_kafka_error_string(error);
      rd_kafka_error_destroy(error);
    }
  }
  Producer producer_;
};

class TransactionsTest : public BrokerSuite {
 protected:
  // ListOffsets latest with the isolation level: the LSO (1) or the high watermark (0).
  int64_t Latest(const std::string& topic, int32_t partition, int8_t isolation) {
    RawClient raw(bootstrap_);
    ListOffsetsRequest request;
    request.replica_id = -1;
    request.isolation_level = isolation;
    auto& t = request.topics.emplace_back();
    t.name = topic;
    auto& p = t.partitions.emplace_back();
    p.partition_index = partition;
    p.timestamp = -1;
    raw.Send(request, 2);
    auto response = raw.Receive<ListOffsetsRequest>(2);
    if (!response) return -100;
    EXPECT_EQ(response->topics.at(0).partitions.at(0).error_code, 0);
    return response->topics.at(0).partitions.at(0).offset;
  }
  int64_t Lso(const std::string& topic, int32_t partition) { return Latest(topic, partition, 1); }
  int64_t Hw(const std::string& topic, int32_t partition) { return Latest(topic, partition, 0); }

  // A read_committed Fetch (v11) of one partition from `offset`: (LSO, aborted list).
  std::pair<int64_t, std::vector<std::pair<int64_t, int64_t>>> FetchCommitted(
      const std::string& topic, int32_t partition, int64_t offset) {
    RawClient raw(bootstrap_);
    FetchRequest request;
    request.replica_id = -1;
    request.max_wait_ms = 0;
    request.min_bytes = 0;
    request.max_bytes = 1 << 20;
    request.isolation_level = 1;
    request.session_epoch = -1;
    auto& t = request.topics.emplace_back();
    t.topic = topic;
    auto& p = t.partitions.emplace_back();
    p.partition = partition;
    p.fetch_offset = offset;
    p.partition_max_bytes = 1 << 20;
    p.current_leader_epoch = -1;
    p.log_start_offset = -1;
    raw.Send(request, 11);
    auto response = raw.Receive<FetchRequest>(11);
    std::pair<int64_t, std::vector<std::pair<int64_t, int64_t>>> out{-100, {}};
    if (!response) return out;
    const auto& part = response->responses.at(0).partitions.at(0);
    EXPECT_EQ(part.error_code, 0);
    out.first = part.last_stable_offset;
    if (part.aborted_transactions) {
      for (const auto& a : *part.aborted_transactions)
        out.second.emplace_back(a.producer_id, a.first_offset);
    }
    return out;
  }

  static std::vector<ConsumedRecord> ReadAllOf(const std::vector<std::string>& topics,
                                               const std::string& isolation, size_t expect) {
    std::vector<ConsumedRecord> out;
    for (const auto& topic : topics) {
      Consumer consumer(bootstrap_, {{"isolation.level", isolation}});
      consumer.Assign(topic, kPartitions);
      auto got = consumer.Read(expect / topics.size(), 3000);
      // Anything beyond what is expected would show up within a short extra wait.
      auto more = consumer.Read(1, 500);
      out.insert(out.end(), got.begin(), got.end());
      out.insert(out.end(), more.begin(), more.end());
    }
    return out;
  }
};

TEST_F(TransactionsTest, CommittedAndAbortedTransactionsAcrossThreeTopics) {
  std::vector<std::string> topics = {TopicName("-a"), TopicName("-b"), TopicName("-c")};
  {
    Consumer admin(bootstrap_);
    for (const auto& t : topics) ASSERT_EQ(CreateTopic(admin.handle(), t, kPartitions), 0);
  }
  TxnProducer producer(bootstrap_, TopicName("-txn"));

  // Transaction 1: 5 records per partition, then commit.
  producer.Begin();
  for (const auto& t : topics) {
    for (int p = 0; p < kPartitions; ++p) {
      for (int i = 0; i < 5; ++i) producer.Send(t, p, "commit-" + std::to_string(i));
    }
  }
  producer.Flush();
  for (const auto& t : topics) {
    for (int p = 0; p < kPartitions; ++p) {
      EXPECT_EQ(Hw(t, p), 5) << t << "-" << p;
      EXPECT_EQ(Lso(t, p), 0) << "an open transaction holds the LSO at its first offset";
      EXPECT_EQ(FetchCommitted(t, p, 0).first, 0);
    }
  }
  producer.Commit();
  for (const auto& t : topics) {
    for (int p = 0; p < kPartitions; ++p) {
      EXPECT_EQ(Hw(t, p), 6) << "5 records and the COMMIT marker";
      EXPECT_EQ(Lso(t, p), 6);
    }
  }

  // Transaction 2: 3 records per partition, then abort.
  producer.Begin();
  for (const auto& t : topics) {
    for (int p = 0; p < kPartitions; ++p) {
      for (int i = 0; i < 3; ++i) producer.Send(t, p, "abort-" + std::to_string(i));
    }
  }
  producer.Flush();
  EXPECT_EQ(Lso(topics[0], 0), 6);
  producer.Abort();
  for (const auto& t : topics) {
    for (int p = 0; p < kPartitions; ++p) {
      EXPECT_EQ(Hw(t, p), 10) << "3 records and the ABORT marker";
      EXPECT_EQ(Lso(t, p), 10);
      auto [lso, aborted] = FetchCommitted(t, p, 0);
      EXPECT_EQ(lso, 10);
      ASSERT_EQ(aborted.size(), 1u) << t << "-" << p;
      EXPECT_EQ(aborted[0].second, 6) << "the aborted transaction starts at offset 6";
      EXPECT_TRUE(FetchCommitted(t, p, 10).second.empty()) << "nothing aborted after 10";
    }
  }

  auto committed = ReadAllOf(topics, "read_committed", 60);
  EXPECT_EQ(committed.size(), 60u);
  for (const auto& r : committed) EXPECT_EQ(r.value->rfind("commit-", 0), 0u) << *r.value;

  auto uncommitted = ReadAllOf(topics, "read_uncommitted", 96);
  EXPECT_EQ(uncommitted.size(), 96u) << "both transactions' records";
}

}  // namespace
}  // namespace brook::testing
