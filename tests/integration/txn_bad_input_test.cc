// What the broker does with idempotent and transactional requests a well-behaved producer would
// not send: each gets Kafka's error code, and nothing else is affected: no partition's log end
// offset moves, the connection that sent it is still served, and the producer (or the one
// holding the right epoch) then runs a normal transaction that commits.
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "broker/protocol/error_code.h"
#include "broker/protocol/messages.h"
#include "broker/record/batch_builder.h"
#include "tests/integration/admin_helpers.h"
#include "tests/integration/broker_fixture.h"
#include "tests/integration/group_member.h"
#include "tests/integration/kafka_test_client.h"
#include "tests/integration/raw_client.h"

namespace brook::testing {
namespace {

namespace protocol = broker::protocol;
using protocol::ErrorCode;

// The versions librdkafka 2.0.2 sends (BRIEF §5, §7).
constexpr int16_t kInitProducerIdVersion = 4;
constexpr int16_t kAddPartitionsVersion = 0;
constexpr int16_t kAddOffsetsVersion = 0;
constexpr int16_t kEndTxnVersion = 1;
constexpr int16_t kTxnOffsetCommitVersion = 3;
constexpr int16_t kProduceVersion = 7;
constexpr int32_t kTxnTimeoutMs = 60000;

struct Produced {
  int16_t error_code = -999;
  int64_t base_offset = -1;
};

// A batch of `records` records with values "<first_value>", "<first_value + 1>", ...
Bytes Batch(int64_t producer_id, int16_t epoch, int32_t base_sequence, int records,
            bool transactional, int first_value = 0) {
  broker::record::BatchBuilderOptions options;
  options.producer_id = ProducerId(producer_id);
  options.producer_epoch = ProducerEpoch(epoch);
  options.base_sequence = base_sequence;
  options.transactional = transactional;
  broker::record::RecordBatchBuilder builder(options);
  for (int i = 0; i < records; ++i) {
    std::string value = std::to_string(first_value + i);
    builder.Add(1000 + i, std::nullopt, AsBytes(value));
  }
  return *builder.Build();
}

// One Produce of `batch` to `topic`-`partition` over `client`: the partition's error code and
// base offset.
Produced ProduceBatch(RawClient& client, const std::string& topic, int32_t partition, Bytes batch,
                      const std::optional<std::string>& transactional_id = std::nullopt,
                      int16_t version = kProduceVersion) {
  protocol::ProduceRequest request;
  request.transactional_id = transactional_id;
  request.acks = -1;
  request.timeout_ms = 5000;
  auto& t = request.topic_data.emplace_back();
  t.name = topic;
  t.partition_data.push_back({.index = partition, .records = std::move(batch)});
  auto response = Call(client, request, version);
  if (response.responses.size() != 1 || response.responses[0].partition_responses.size() != 1) {
    ADD_FAILURE() << "Produce answered " << response.responses.size() << " topics";
    return {};
  }
  const auto& p = response.responses[0].partition_responses[0];
  return {p.error_code, p.base_offset};
}

// A transactional producer spelled out request by request over its own connection, with the
// versions librdkafka 2.0.2 uses. Sequence numbers per partition advance only on NONE. Not
// thread-safe.
class RawTxnProducer {
 public:
  RawTxnProducer(const std::string& bootstrap, std::string transactional_id)
      : client_(bootstrap), transactional_id_(std::move(transactional_id)) {}

  // InitProducerId, expecting NONE: a new epoch, sequences from 0.
  void Init() {
    protocol::InitProducerIdRequest request;
    request.transactional_id = transactional_id_;
    request.transaction_timeout_ms = kTxnTimeoutMs;
    auto response = Call(client_, request, kInitProducerIdVersion);
    ASSERT_EQ(response.error_code, 0) << transactional_id_;
    producer_id_ = response.producer_id;
    epoch_ = response.producer_epoch;
    sequences_.clear();
  }

  // AddPartitionsToTxn as this producer (or with another `epoch`): error code per partition.
  std::map<std::pair<std::string, int32_t>, int16_t> AddPartitions(
      const std::vector<std::pair<std::string, std::vector<int32_t>>>& topics,
      int16_t version = kAddPartitionsVersion, std::optional<int16_t> epoch = std::nullopt) {
    protocol::AddPartitionsToTxnRequest request;
    request.v3_and_below_transactional_id = transactional_id_;
    request.v3_and_below_producer_id = producer_id_;
    request.v3_and_below_producer_epoch = epoch.value_or(epoch_);
    for (const auto& [name, partitions] : topics) {
      request.v3_and_below_topics.push_back({.name = name, .partitions = partitions});
    }
    auto response = Call(client_, request, version);
    std::map<std::pair<std::string, int32_t>, int16_t> out;
    for (const auto& t : response.results_by_topic_v3_and_below) {
      for (const auto& p : t.results_by_partition) {
        out[{t.name, p.partition_index}] = p.partition_error_code;
      }
    }
    return out;
  }
  // AddPartitionsToTxn of one partition; its error code.
  int16_t Add(const std::string& topic, int32_t partition) {
    auto result = AddPartitions({{topic, {partition}}});
    auto it = result.find({topic, partition});
    if (it == result.end()) {
      ADD_FAILURE() << "no answer for " << topic << "-" << partition;
      return -999;
    }
    return it->second;
  }

  int16_t AddOffsets(const std::string& group_id) {
    protocol::AddOffsetsToTxnRequest request;
    request.transactional_id = transactional_id_;
    request.producer_id = producer_id_;
    request.producer_epoch = epoch_;
    request.group_id = group_id;
    return Call(client_, request, kAddOffsetsVersion).error_code;
  }

  // A transactional batch of `records` records with the partition's next sequence.
  Produced Produce(const std::string& topic, int32_t partition, int records) {
    int32_t& sequence = sequences_[{topic, partition}];
    Produced result = ProduceBatch(client_, topic, partition,
                                   Batch(producer_id_, epoch_, sequence, records,
                                         /*transactional=*/true, sequence),
                                   transactional_id_);
    if (result.error_code == 0) sequence += records;
    return result;
  }

  // TxnOffsetCommit v3 of `offset` for partition 0 of `topic`, as `member` of `generation`;
  // the partition's error code.
  int16_t CommitOffset(const std::string& group_id, const std::string& topic, int64_t offset,
                       int32_t generation, const std::string& member_id) {
    protocol::TxnOffsetCommitRequest request;
    request.transactional_id = transactional_id_;
    request.group_id = group_id;
    request.producer_id = producer_id_;
    request.producer_epoch = epoch_;
    request.generation_id = generation;
    request.member_id = member_id;
    auto& t = request.topics.emplace_back();
    t.name = topic;
    t.partitions.push_back({.partition_index = 0, .committed_offset = offset});
    auto response = Call(client_, request, kTxnOffsetCommitVersion);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "TxnOffsetCommit answered " << response.topics.size() << " topics";
      return -999;
    }
    return response.topics[0].partitions[0].error_code;
  }

  int16_t End(bool commit, int16_t version = kEndTxnVersion) {
    protocol::EndTxnRequest request;
    request.transactional_id = transactional_id_;
    request.producer_id = producer_id_;
    request.producer_epoch = epoch_;
    request.committed = commit;
    return Call(client_, request, version).error_code;
  }

  RawClient& client() { return client_; }
  const std::string& transactional_id() const { return transactional_id_; }
  int64_t producer_id() const { return producer_id_; }
  int16_t epoch() const { return epoch_; }

 private:
  RawClient client_;
  std::string transactional_id_;
  int64_t producer_id_ = -1;
  int16_t epoch_ = -1;
  std::map<std::pair<std::string, int32_t>, int32_t> sequences_;
};

class TxnBadInputTest : public BrokerSuite {
 protected:
  void MakeTopic(const std::string& topic, int partitions) {
    Producer admin(bootstrap_);
    ASSERT_EQ(CreateTopic(admin.handle(), topic, partitions), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  // ListOffsets latest: the log end offset (isolation 0) or the last stable offset (1).
  int64_t Latest(const std::string& topic, int32_t partition, int8_t isolation = 0) {
    RawClient client(bootstrap_);
    protocol::ListOffsetsRequest request;
    request.replica_id = -1;
    request.isolation_level = isolation;
    auto& t = request.topics.emplace_back();
    t.name = topic;
    t.partitions.push_back({.partition_index = partition, .timestamp = -1});
    auto response = Call(client, request, 2);
    if (response.topics.size() != 1 || response.topics[0].partitions.size() != 1) {
      ADD_FAILURE() << "ListOffsets answered " << response.topics.size() << " topics";
      return -100;
    }
    EXPECT_EQ(response.topics[0].partitions[0].error_code, 0);
    return response.topics[0].partitions[0].offset;
  }
  int64_t EndOffset(const std::string& topic, int32_t partition) {
    return Latest(topic, partition, 0);
  }

  // The sum of the log end offsets of every __consumer_offsets partition.
  int64_t OffsetsTopicEnd() {
    RawClient client(bootstrap_);
    protocol::MetadataRequest metadata;
    metadata.topics.emplace().push_back({.name = "__consumer_offsets"});
    auto described = Call(client, metadata, 1);
    if (described.topics.size() != 1 || described.topics[0].error_code != 0) {
      ADD_FAILURE() << "__consumer_offsets is not there";
      return -100;
    }
    protocol::ListOffsetsRequest request;
    request.replica_id = -1;
    auto& t = request.topics.emplace_back();
    t.name = "__consumer_offsets";
    for (const auto& p : described.topics[0].partitions) {
      t.partitions.push_back({.partition_index = p.partition_index, .timestamp = -1});
    }
    auto listed = Call(client, request, 2);
    int64_t sum = 0;
    for (const auto& p : listed.topics.at(0).partitions) {
      EXPECT_EQ(p.error_code, 0);
      sum += p.offset;
    }
    return sum;
  }

  // DescribeTransactions of `transactional_id`: (error code, state, partitions in the
  // transaction).
  std::tuple<int16_t, std::string, size_t> Describe(const std::string& transactional_id) {
    RawClient client(bootstrap_);
    protocol::DescribeTransactionsRequest request;
    request.transactional_ids = {transactional_id};
    auto response = Call(client, request, 0);
    if (response.transaction_states.size() != 1) {
      ADD_FAILURE() << "DescribeTransactions answered " << response.transaction_states.size();
      return {-999, "", 0};
    }
    const auto& s = response.transaction_states[0];
    size_t partitions = 0;
    for (const auto& t : s.topics) partitions += t.partitions.size();
    return {s.error_code, s.transaction_state, partitions};
  }

  // `producer` runs a whole transaction on partition 0 of `topic`: AddPartitionsToTxn, 3
  // records, EndTxn(commit), all NONE; the records sit where the log ended, the COMMIT marker
  // follows them, the last stable offset reaches the end, and a read_committed consumer reads
  // them.
  void ExpectATransactionCommits(RawTxnProducer& producer, const std::string& topic) {
    int64_t end = EndOffset(topic, 0);
    ASSERT_EQ(producer.Add(topic, 0), 0);
    Produced produced = producer.Produce(topic, 0, 3);
    ASSERT_EQ(produced.error_code, 0);
    EXPECT_EQ(produced.base_offset, end);
    ASSERT_EQ(producer.End(/*commit=*/true), 0);
    EXPECT_EQ(EndOffset(topic, 0), end + 4) << "3 records and the COMMIT marker";
    EXPECT_EQ(Latest(topic, 0, /*isolation=*/1), end + 4);

    Consumer consumer(bootstrap_, {{"isolation.level", "read_committed"}});
    consumer.Assign(topic, 1, end);
    auto records = consumer.Read(3, 10000);
    ASSERT_EQ(records.size(), 3u);
    for (int64_t i = 0; i < 3; ++i) EXPECT_EQ(records[i].offset, end + i);
  }

  // InitProducerId for an idempotent producer (no transactional id) over `client`.
  std::pair<int64_t, int16_t> InitIdempotent(RawClient& client) {
    protocol::InitProducerIdRequest request;
    request.transactional_id = std::nullopt;
    request.transaction_timeout_ms = kTxnTimeoutMs;
    auto response = Call(client, request, kInitProducerIdVersion);
    EXPECT_EQ(response.error_code, 0);
    return {response.producer_id, response.producer_epoch};
  }
};

TEST_F(TxnBadInputTest, EndTxnWithoutATransactionIsInvalidTxnState) {
  std::string topic = TopicName();
  MakeTopic(topic, 1);
  RawTxnProducer producer(bootstrap_, TopicName("-txn"));
  producer.Init();

  EXPECT_EQ(producer.End(/*commit=*/true), Code(ErrorCode::kInvalidTxnState));
  EXPECT_EQ(producer.End(/*commit=*/false), Code(ErrorCode::kInvalidTxnState));
  EXPECT_EQ(producer.End(/*commit=*/true, /*version=*/3), Code(ErrorCode::kInvalidTxnState));
  EXPECT_EQ(EndOffset(topic, 0), 0);
  EXPECT_EQ(Describe(producer.transactional_id()),
            std::make_tuple(Code(ErrorCode::kNone), std::string("Empty"), size_t{0}));

  ExpectATransactionCommits(producer, topic);
  // After a commit: a retried commit is NONE, an abort is the wrong state.
  EXPECT_EQ(producer.End(/*commit=*/true), Code(ErrorCode::kNone));
  EXPECT_EQ(producer.End(/*commit=*/false), Code(ErrorCode::kInvalidTxnState));
  EXPECT_EQ(EndOffset(topic, 0), 4);
  ExpectATransactionCommits(producer, topic);
}

TEST_F(TxnBadInputTest, EndTxnForAnUnknownTransactionalIdIsInvalidProducerIdMapping) {
  std::string topic = TopicName();
  MakeTopic(topic, 1);
  RawTxnProducer producer(bootstrap_, TopicName("-txn"));
  producer.Init();

  RawClient stranger(bootstrap_);
  protocol::EndTxnRequest request;
  request.transactional_id = TopicName("-never-initialised");
  request.producer_id = producer.producer_id();
  request.producer_epoch = producer.epoch();
  request.committed = true;
  EXPECT_EQ(Call(stranger, request, kEndTxnVersion).error_code,
            Code(ErrorCode::kInvalidProducerIdMapping));
  // A known transactional id with another producer id.
  request.transactional_id = producer.transactional_id();
  request.producer_id = producer.producer_id() + 1000;
  EXPECT_EQ(Call(stranger, request, kEndTxnVersion).error_code,
            Code(ErrorCode::kInvalidProducerIdMapping));
  request.committed = false;
  EXPECT_EQ(Call(stranger, request, 3).error_code, Code(ErrorCode::kInvalidProducerIdMapping));
  EXPECT_EQ(std::get<0>(Describe(TopicName("-never-initialised"))),
            Code(ErrorCode::kTransactionalIdNotFound))
      << "EndTxn must not create the transactional id";

  // The stranger's connection still serves: it initialises its own transactional id.
  protocol::InitProducerIdRequest init;
  init.transactional_id = TopicName("-stranger");
  init.transaction_timeout_ms = kTxnTimeoutMs;
  EXPECT_EQ(Call(stranger, init, kInitProducerIdVersion).error_code, 0);
  EXPECT_EQ(EndOffset(topic, 0), 0);
  ExpectATransactionCommits(producer, topic);
}

TEST_F(TxnBadInputTest, AddPartitionsWithAWrongEpochIsInvalidProducerEpochBeforeV2ThenFenced) {
  std::string topic = TopicName();
  MakeTopic(topic, 1);
  RawTxnProducer producer(bootstrap_, TopicName("-txn"));
  producer.Init();
  int16_t stale = producer.epoch();
  producer.Init();  // a new epoch fences the first
  ASSERT_EQ(producer.epoch(), stale + 1);

  for (int16_t version = 0; version <= 3; ++version) {
    int16_t expected =
        Code(version < 2 ? ErrorCode::kInvalidProducerEpoch : ErrorCode::kProducerFenced);
    for (int16_t epoch : {stale, static_cast<int16_t>(producer.epoch() + 1)}) {
      auto result = producer.AddPartitions({{topic, {0}}}, version, epoch);
      ASSERT_EQ(result.size(), 1u);
      EXPECT_EQ(result.begin()->second, expected) << "v" << version << " epoch " << epoch;
    }
  }
  EXPECT_EQ(Describe(producer.transactional_id()),
            std::make_tuple(Code(ErrorCode::kNone), std::string("Empty"), size_t{0}))
      << "no partition was added";
  EXPECT_EQ(EndOffset(topic, 0), 0);
  ExpectATransactionCommits(producer, topic);
}

TEST_F(TxnBadInputTest, AddPartitionsNamingAnUnknownTopicFailsItAndAttemptsNoOther) {
  std::string topic = TopicName();
  std::string unknown = TopicName("-never-created");
  MakeTopic(topic, 2);
  RawTxnProducer producer(bootstrap_, TopicName("-txn"));
  producer.Init();

  auto result = producer.AddPartitions({{topic, {0, 1, 7}}, {unknown, {0}}});
  EXPECT_EQ(result, (std::map<std::pair<std::string, int32_t>, int16_t>{
                        {{topic, 0}, Code(ErrorCode::kOperationNotAttempted)},
                        {{topic, 1}, Code(ErrorCode::kOperationNotAttempted)},
                        {{topic, 7}, Code(ErrorCode::kUnknownTopicOrPartition)},
                        {{unknown, 0}, Code(ErrorCode::kUnknownTopicOrPartition)}}));
  EXPECT_EQ(Describe(producer.transactional_id()),
            std::make_tuple(Code(ErrorCode::kNone), std::string("Empty"), size_t{0}))
      << "no partition was added";
  // Not part of a transaction, partition 0 refuses the producer's transactional batch.
  EXPECT_EQ(producer.Produce(topic, 0, 1).error_code, Code(ErrorCode::kInvalidTxnState));
  EXPECT_EQ(EndOffset(topic, 0), 0);
  EXPECT_EQ(EndOffset(topic, 1), 0);
  ExpectATransactionCommits(producer, topic);
}

TEST_F(TxnBadInputTest, InitProducerIdWithATimeoutAboveTheMaximumIsInvalidTransactionTimeout) {
  std::string topic = TopicName();
  MakeTopic(topic, 1);
  std::string id = TopicName("-txn");
  RawClient client(bootstrap_);
  protocol::InitProducerIdRequest request;
  request.transactional_id = id;
  for (int32_t timeout : {900'001, 0, -1}) {  // transaction.max.timeout.ms is 900000
    request.transaction_timeout_ms = timeout;
    auto response = Call(client, request, kInitProducerIdVersion);
    EXPECT_EQ(response.error_code, Code(ErrorCode::kInvalidTransactionTimeout)) << timeout;
    EXPECT_EQ(response.producer_id, -1);
  }
  EXPECT_EQ(std::get<0>(Describe(id)), Code(ErrorCode::kTransactionalIdNotFound));

  // Nor does it fence a producer whose transaction is open.
  RawTxnProducer producer(bootstrap_, id);
  producer.Init();
  ASSERT_EQ(producer.Add(topic, 0), 0);
  ASSERT_EQ(producer.Produce(topic, 0, 2).error_code, 0);
  request.transaction_timeout_ms = 900'001;
  EXPECT_EQ(Call(client, request, kInitProducerIdVersion).error_code,
            Code(ErrorCode::kInvalidTransactionTimeout));
  EXPECT_EQ(Describe(id),
            std::make_tuple(Code(ErrorCode::kNone), std::string("Ongoing"), size_t{1}));
  EXPECT_EQ(EndOffset(topic, 0), 2);
  EXPECT_EQ(Latest(topic, 0, /*isolation=*/1), 0) << "the transaction is still open";
  ASSERT_EQ(producer.End(/*commit=*/true), 0);
  EXPECT_EQ(EndOffset(topic, 0), 3);
  EXPECT_EQ(Latest(topic, 0, /*isolation=*/1), 3);

  // The refused connection still serves a valid timeout (for another id, not to fence).
  request.transactional_id = TopicName("-other");
  request.transaction_timeout_ms = 900'000;
  EXPECT_EQ(Call(client, request, kInitProducerIdVersion).error_code, 0);
  ExpectATransactionCommits(producer, topic);
}

TEST_F(TxnBadInputTest, TxnOffsetCommitWithAStaleGenerationIsIllegalGeneration) {
  std::string topic = TopicName();
  std::string group = TopicName("-group");
  MakeTopic(topic, 1);
  GroupMember member(bootstrap_, group);
  member.JoinAndSync();
  int32_t stale = member.generation();
  member.JoinAndSync();  // the leader rejoining starts a new generation
  ASSERT_EQ(member.generation(), stale + 1);

  RawTxnProducer producer(bootstrap_, TopicName("-txn"));
  producer.Init();
  ASSERT_EQ(producer.AddOffsets(group), 0);
  int64_t offsets_end = OffsetsTopicEnd();
  EXPECT_EQ(producer.CommitOffset(group, topic, 5, stale, member.member_id()),
            Code(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(producer.CommitOffset(group, topic, 5, member.generation() + 1, member.member_id()),
            Code(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(producer.CommitOffset(group, topic, 5, member.generation(), "nobody"),
            Code(ErrorCode::kUnknownMemberId));
  EXPECT_EQ(OffsetsTopicEnd(), offsets_end) << "nothing written to __consumer_offsets";

  // The group is unharmed and holds no pending offset.
  EXPECT_EQ(member.Heartbeat(), 0);
  protocol::OffsetFetchRequest fetch;
  fetch.group_id = group;
  fetch.topics = std::vector<protocol::OffsetFetchRequest::OffsetFetchRequestTopic>{
      {.name = topic, .partition_indexes = {0}}};
  fetch.require_stable = true;
  auto fetched = Call(member.client(), fetch, 7);
  EXPECT_EQ(fetched.error_code, 0);
  ASSERT_EQ(fetched.topics.size(), 1u);
  ASSERT_EQ(fetched.topics[0].partitions.size(), 1u);
  EXPECT_EQ(fetched.topics[0].partitions[0].error_code, 0);
  EXPECT_EQ(fetched.topics[0].partitions[0].committed_offset, -1);

  // The same producer and connection commit the current generation's offset.
  EXPECT_EQ(producer.CommitOffset(group, topic, 7, member.generation(), member.member_id()), 0);
  ASSERT_EQ(producer.End(/*commit=*/true), 0);
  fetched = Call(member.client(), fetch, 7);
  ASSERT_EQ(fetched.topics.size(), 1u);
  ASSERT_EQ(fetched.topics[0].partitions.size(), 1u);
  EXPECT_EQ(fetched.topics[0].partitions[0].error_code, 0);
  EXPECT_EQ(fetched.topics[0].partitions[0].committed_offset, 7);
  EXPECT_EQ(member.Heartbeat(), 0);
  ExpectATransactionCommits(producer, topic);
}

TEST_F(TxnBadInputTest, AnIdempotentBatchAfterASequenceGapIsOutOfOrderSequenceNumber) {
  std::string topic = TopicName();
  MakeTopic(topic, 1);
  RawClient client(bootstrap_);
  auto [producer_id, epoch] = InitIdempotent(client);
  Produced first = ProduceBatch(client, topic, 0, Batch(producer_id, epoch, 0, 3, false));
  ASSERT_EQ(first.error_code, 0);
  EXPECT_EQ(first.base_offset, 0);

  for (int16_t version : {3, 7, 9}) {
    // Sequence 3 is next; 5 leaves a gap.
    Produced gap = ProduceBatch(client, topic, 0, Batch(producer_id, epoch, 5, 2, false),
                                std::nullopt, version);
    EXPECT_EQ(gap.error_code, Code(ErrorCode::kOutOfOrderSequenceNumber)) << "v" << version;
    EXPECT_EQ(gap.base_offset, -1);
  }
  EXPECT_EQ(EndOffset(topic, 0), 3);

  Produced next = ProduceBatch(client, topic, 0, Batch(producer_id, epoch, 3, 2, false, 3));
  EXPECT_EQ(next.error_code, 0);
  EXPECT_EQ(next.base_offset, 3);
  EXPECT_EQ(EndOffset(topic, 0), 5);
  RawTxnProducer txn(bootstrap_, TopicName("-txn"));
  txn.Init();
  ExpectATransactionCommits(txn, topic);
}

TEST_F(TxnBadInputTest, ARetriedIdempotentBatchIsNoneWithItsOriginalOffset) {
  std::string topic = TopicName();
  MakeTopic(topic, 1);
  RawClient client(bootstrap_);
  auto [producer_id, epoch] = InitIdempotent(client);
  Bytes a = Batch(producer_id, epoch, 0, 3, false);
  Bytes b = Batch(producer_id, epoch, 3, 2, false, 3);
  ASSERT_EQ(ProduceBatch(client, topic, 0, a).base_offset, 0);
  ASSERT_EQ(ProduceBatch(client, topic, 0, b).base_offset, 3);

  for (int16_t version : {3, 7, 9}) {
    Produced again_a = ProduceBatch(client, topic, 0, a, std::nullopt, version);
    EXPECT_EQ(again_a.error_code, 0) << "v" << version;
    EXPECT_EQ(again_a.base_offset, 0) << "v" << version;
    Produced again_b = ProduceBatch(client, topic, 0, b, std::nullopt, version);
    EXPECT_EQ(again_b.error_code, 0) << "v" << version;
    EXPECT_EQ(again_b.base_offset, 3) << "v" << version;
  }
  EXPECT_EQ(EndOffset(topic, 0), 5);

  Produced next = ProduceBatch(client, topic, 0, Batch(producer_id, epoch, 5, 1, false, 5));
  EXPECT_EQ(next.error_code, 0);
  EXPECT_EQ(next.base_offset, 5);
  Consumer consumer(bootstrap_);
  consumer.Assign(topic, 1);
  auto records = consumer.Read(6, 10000);
  ASSERT_EQ(records.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(records[i].offset, i);
    EXPECT_EQ(records[i].value.value_or("(null)"), std::to_string(i));
  }
  RawTxnProducer txn(bootstrap_, TopicName("-txn"));
  txn.Init();
  ExpectATransactionCommits(txn, topic);
}

TEST_F(TxnBadInputTest, AnIdempotentBatchWithAStaleEpochIsInvalidProducerEpoch) {
  std::string topic = TopicName();
  MakeTopic(topic, 1);
  RawClient client(bootstrap_);
  auto [producer_id, epoch] = InitIdempotent(client);
  ASSERT_EQ(epoch, 0);
  ASSERT_EQ(ProduceBatch(client, topic, 0, Batch(producer_id, 0, 0, 2, false)).base_offset, 0);
  // librdkafka's idempotent producer bumps its epoch locally: epoch + 1, sequences from 0.
  Produced bumped = ProduceBatch(client, topic, 0, Batch(producer_id, 1, 0, 2, false, 2));
  ASSERT_EQ(bumped.error_code, 0);
  EXPECT_EQ(bumped.base_offset, 2);

  for (int16_t version : {3, 7, 9}) {
    Produced stale = ProduceBatch(client, topic, 0, Batch(producer_id, 0, 2, 1, false, 4),
                                  std::nullopt, version);
    EXPECT_EQ(stale.error_code, Code(ErrorCode::kInvalidProducerEpoch)) << "v" << version;
  }
  EXPECT_EQ(EndOffset(topic, 0), 4);

  Produced next = ProduceBatch(client, topic, 0, Batch(producer_id, 1, 2, 1, false, 4));
  EXPECT_EQ(next.error_code, 0);
  EXPECT_EQ(next.base_offset, 4);
  RawTxnProducer txn(bootstrap_, TopicName("-txn"));
  txn.Init();
  ExpectATransactionCommits(txn, topic);
}

TEST_F(TxnBadInputTest, ATransactionalProduceToAPartitionNotInTheTransactionIsInvalidTxnState) {
  std::string topic = TopicName();
  MakeTopic(topic, 2);
  RawTxnProducer producer(bootstrap_, TopicName("-txn"));
  producer.Init();

  // Before any AddPartitionsToTxn.
  EXPECT_EQ(producer.Produce(topic, 0, 2).error_code, Code(ErrorCode::kInvalidTxnState));
  EXPECT_EQ(EndOffset(topic, 0), 0);
  // With partition 0 added, partition 1 still refuses.
  ASSERT_EQ(producer.Add(topic, 0), 0);
  EXPECT_EQ(producer.Produce(topic, 1, 2).error_code, Code(ErrorCode::kInvalidTxnState));
  EXPECT_EQ(EndOffset(topic, 1), 0);

  Produced produced = producer.Produce(topic, 0, 2);
  ASSERT_EQ(produced.error_code, 0);
  EXPECT_EQ(produced.base_offset, 0);
  ASSERT_EQ(producer.End(/*commit=*/true), 0);
  EXPECT_EQ(EndOffset(topic, 0), 3) << "2 records and the COMMIT marker";
  EXPECT_EQ(Latest(topic, 0, /*isolation=*/1), 3);
  EXPECT_EQ(EndOffset(topic, 1), 0) << "no marker where the transaction never was";
  ExpectATransactionCommits(producer, topic);
}

}  // namespace
}  // namespace brook::testing
