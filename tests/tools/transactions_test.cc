// `brook transactions list|describe|describe-producers` against a real broker, with transactions
// made by librdkafka producers (one committed, one left Ongoing); and how the commands fail.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/tools/cli_fixture.h"
#include "tests/tools/groups_fixture.h"

namespace brook::tools {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

using Fields = std::vector<std::string>;

// A librdkafka transactional producer with transactions initialised (InitProducerId done).
class TransactionalProducer {
 public:
  TransactionalProducer(const std::string& bootstrap, const std::string& transactional_id) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char error[256];
    for (const auto& [key, value] :
         std::vector<std::pair<std::string, std::string>>{{"bootstrap.servers", bootstrap},
                                                          {"transactional.id", transactional_id},
                                                          {"linger.ms", "0"},
                                                          {"log_level", "0"}}) {
      rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error));
    }
    handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
    ready_ = handle_ != nullptr && Check(rd_kafka_init_transactions(handle_, 30000));
  }
  ~TransactionalProducer() {
    if (handle_ != nullptr) rd_kafka_destroy(handle_);
  }
  TransactionalProducer(const TransactionalProducer&) = delete;
  TransactionalProducer& operator=(const TransactionalProducer&) = delete;

  bool Begin() { return ready_ && Check(rd_kafka_begin_transaction(handle_)); }
  // Writes `count` records to `partition` of `topic` in the transaction and waits until each is
  // acknowledged. False when one was not.
  bool Send(const std::string& topic, int32_t partition, int count) {
    for (int i = 0; i < count; ++i) {
      const std::string value = "v" + std::to_string(i);
      if (rd_kafka_producev(handle_, RD_KAFKA_V_TOPIC(topic.c_str()),
                            RD_KAFKA_V_PARTITION(partition),
                            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                            RD_KAFKA_V_END) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return false;
      }
    }
    return rd_kafka_flush(handle_, 30000) == RD_KAFKA_RESP_ERR_NO_ERROR;
  }
  bool Commit() { return Check(rd_kafka_commit_transaction(handle_, 30000)); }

 private:
  static bool Check(rd_kafka_error_t* error) {
    if (error == nullptr) return true;
    ADD_FAILURE() << rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);
    return false;
  }

  rd_kafka_t* handle_ = nullptr;
  bool ready_ = false;
};

// `brook transactions` against a real broker.
class TransactionsCliTest : public GroupsCliTest {
 protected:
  // The row of `brook transactions describe ID` (the header checked on the way).
  Fields Describe(const std::string& transactional_id) {
    ProcessResult described = Brook({"transactions", "describe", transactional_id});
    EXPECT_EQ(described.exit_code, 0) << described.err;
    const auto rows = Rows(described.out);
    EXPECT_THAT(rows, SizeIs(2)) << described.out;
    if (rows.size() != 2) return {};
    EXPECT_THAT(rows[0], ElementsAre("CoordinatorId", "TransactionalId", "ProducerId",
                                     "ProducerEpoch", "TransactionState", "TransactionTimeoutMs",
                                     "CurrentTransactionStartTimeMs", "TransactionDurationMs",
                                     "TopicPartitions"));
    return rows[1];
  }
};

constexpr const char* kNumber = "[0-9]+";

TEST_F(TransactionsCliTest, ListShowsEveryTransactionalIdAndStateFiltersIt) {
  const std::string topic = CreateTopic(1);
  const std::string committed = Name("committed");
  const std::string ongoing = Name("ongoing");
  TransactionalProducer first(bootstrap_, committed);
  ASSERT_TRUE(first.Begin());
  ASSERT_TRUE(first.Send(topic, 0, 2));
  ASSERT_TRUE(first.Commit());
  TransactionalProducer second(bootstrap_, ongoing);
  ASSERT_TRUE(second.Begin());
  ASSERT_TRUE(second.Send(topic, 0, 1));

  ProcessResult listed = Brook({"transactions", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto rows = Rows(listed.out);
  ASSERT_FALSE(rows.empty());
  EXPECT_THAT(rows[0],
              ElementsAre("TransactionalId", "Coordinator", "ProducerId", "TransactionState"));
  EXPECT_THAT(rows, Contains(ElementsAre(committed, MatchesRegex(kNumber), MatchesRegex(kNumber),
                                         "CompleteCommit")))
      << listed.out;
  EXPECT_THAT(
      rows, Contains(ElementsAre(ongoing, MatchesRegex(kNumber), MatchesRegex(kNumber), "Ongoing")))
      << listed.out;

  ProcessResult filtered = Brook({"transactions", "list", "--state", "Ongoing", "PrepareCommit"});
  ASSERT_EQ(filtered.exit_code, 0) << filtered.err;
  EXPECT_THAT(Rows(filtered.out), Contains(ElementsAre(ongoing, _, _, "Ongoing")));
  EXPECT_THAT(Rows(filtered.out), Not(Contains(Contains(committed)))) << filtered.out;

  ProcessResult complete = Brook({"transactions", "list", "--state", "CompleteCommit"});
  ASSERT_EQ(complete.exit_code, 0) << complete.err;
  EXPECT_THAT(Rows(complete.out), Contains(ElementsAre(committed, _, _, "CompleteCommit")));
  EXPECT_THAT(Rows(complete.out), Not(Contains(Contains(ongoing)))) << complete.out;
}

TEST_F(TransactionsCliTest, DescribeShowsTheOngoingTransactionAndItsPartitions) {
  const std::string topic = CreateTopic(2);
  const std::string committed = Name("committed");
  const std::string ongoing = Name("ongoing");
  TransactionalProducer first(bootstrap_, committed);
  ASSERT_TRUE(first.Begin());
  ASSERT_TRUE(first.Send(topic, 1, 2));
  ASSERT_TRUE(first.Commit());
  TransactionalProducer second(bootstrap_, ongoing);
  ASSERT_TRUE(second.Begin());
  ASSERT_TRUE(second.Send(topic, 0, 1));
  ASSERT_TRUE(second.Send(topic, 1, 1));

  // librdkafka's default transaction.timeout.ms is 60000.
  EXPECT_THAT(Describe(ongoing), ElementsAre(MatchesRegex(kNumber), ongoing, MatchesRegex(kNumber),
                                             "0", "Ongoing", "60000", MatchesRegex(kNumber),
                                             MatchesRegex(kNumber), topic + "-0," + topic + "-1"));
  const Fields done = Describe(committed);
  ASSERT_GE(done.size(), 8u);
  EXPECT_THAT(Fields(done.begin(), done.begin() + 6),
              ElementsAre(MatchesRegex(kNumber), committed, MatchesRegex(kNumber), "0",
                          "CompleteCommit", "60000"));
  EXPECT_THAT(Fields(done.begin() + 6, done.end()), Not(Contains(HasSubstr(topic))))
      << "a completed transaction has no partitions";
}

TEST_F(TransactionsCliTest, DescribeProducersShowsTheStartOffsetOfTheOpenTransaction) {
  const std::string topic = CreateTopic(1);
  const std::string committed = Name("committed");
  const std::string ongoing = Name("ongoing");
  TransactionalProducer first(bootstrap_, committed);
  ASSERT_TRUE(first.Begin());
  ASSERT_TRUE(first.Send(topic, 0, 2));  // offsets 0 and 1
  ASSERT_TRUE(first.Commit());           // its marker at 2
  TransactionalProducer second(bootstrap_, ongoing);
  ASSERT_TRUE(second.Begin());
  ASSERT_TRUE(second.Send(topic, 0, 3));  // offsets 3, 4, 5
  const Fields first_row = Describe(committed);
  const Fields second_row = Describe(ongoing);
  ASSERT_GE(first_row.size(), 3u);
  ASSERT_GE(second_row.size(), 3u);

  ProcessResult described =
      Brook({"transactions", "describe-producers", "--topic", topic, "--partition", "0"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  const auto rows = Rows(described.out);
  ASSERT_THAT(rows, SizeIs(3)) << described.out;
  EXPECT_THAT(rows[0],
              ElementsAre("ProducerId", "ProducerEpoch", "LatestCoordinatorEpoch", "LastSequence",
                          "LastTimestamp", "CurrentTransactionStartOffset"));
  EXPECT_THAT(rows, Contains(ElementsAre(first_row[2], "0", MatchesRegex(kNumber), "1",
                                         MatchesRegex(kNumber), "None")))
      << described.out;
  EXPECT_THAT(rows, Contains(ElementsAre(second_row[2], "0", _, "2", MatchesRegex(kNumber), "3")))
      << described.out;
}

TEST_F(TransactionsCliTest, DescribeOfAnUnknownTransactionalIdIsAnError) {
  ProcessResult described = Brook({"transactions", "describe", Name("missing")});
  EXPECT_EQ(described.exit_code, 1);
  EXPECT_EQ(described.err, "brook: transactional id '" + Name("missing") +
                               "' does not exist (TRANSACTIONAL_ID_NOT_FOUND)\n");
  EXPECT_EQ(described.out, "");
}

TEST_F(TransactionsCliTest, DescribeProducersOfAnUnknownTopicOrPartitionIsAnError) {
  const std::string topic = CreateTopic(1);
  ProcessResult missing_topic =
      Brook({"transactions", "describe-producers", "--topic", Name("missing"), "--partition", "0"});
  EXPECT_EQ(missing_topic.exit_code, 1);
  EXPECT_EQ(missing_topic.err, "brook: topic '" + Name("missing") + "' does not exist\n");
  ProcessResult missing_partition =
      Brook({"transactions", "describe-producers", "--topic", topic, "--partition", "3"});
  EXPECT_EQ(missing_partition.exit_code, 1);
  EXPECT_EQ(missing_partition.err, "brook: topic '" + topic + "' has no partition 3\n");
  ProcessResult empty =
      Brook({"transactions", "describe-producers", "--topic", topic, "--partition", "0"});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_THAT(Rows(empty.out), SizeIs(1)) << "only the header: " << empty.out;
}

TEST_F(BrookCliTest, TransactionsAgainstABrokerWithoutTheApisFailCleanly) {
  // librdkafka's mock cluster has none of ListTransactions, DescribeTransactions and
  // DescribeProducers.
  const std::string topic = CreateTopic(1);
  const std::vector<std::pair<std::vector<std::string>, std::string>> commands = {
      {{"transactions", "list"}, "ListTransactions"},
      {{"transactions", "describe", "t"}, "DescribeTransactions"},
      {{"transactions", "describe-producers", "--topic", topic, "--partition", "0"},
       "DescribeProducers"}};
  for (auto [args, api] : commands) {
    args.insert(args.end(), {"--request-timeout-ms", "2000"});
    ProcessResult result = Brook(args);
    EXPECT_FALSE(result.timed_out) << args[1];
    EXPECT_EQ(result.exit_code, 1) << args[1];
    EXPECT_EQ(result.err, "brook: the broker does not support this request: " + api + "\n")
        << args[1];
  }
}

TEST_F(BrookCliTest, TransactionsReportBadFlagsAndUnreachableBrokers) {
  const std::vector<std::vector<std::string>> bad = {
      {"transactions"},
      {"transactions", "describe"},
      {"transactions", "list", "--state", "Finished"},
      {"transactions", "describe-producers", "--topic", "t"},
      {"transactions", "describe-producers", "--partition", "0"},
      {"transactions", "describe-producers", "--topic", "t", "--partition", "-1"},
  };
  for (const auto& args : bad) {
    ProcessResult result = BrookRaw(args);
    EXPECT_EQ(result.exit_code, 2) << ::testing::PrintToString(args) << result.err;
    EXPECT_FALSE(result.err.empty()) << ::testing::PrintToString(args);
  }
  ProcessResult plaintext_only = Brook({"transactions", "list", "-X", "security.protocol=SSL"});
  EXPECT_EQ(plaintext_only.exit_code, 1);
  EXPECT_THAT(plaintext_only.err, HasSubstr("plaintext only"));

  ProcessResult unreachable = BrookRaw({"transactions", "list", "--bootstrap-server", "127.0.0.1:1",
                                        "--request-timeout-ms", "2000"});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_THAT(unreachable.err, HasSubstr("brook: cannot reach broker at 127.0.0.1:1"));
}

}  // namespace
}  // namespace brook::tools
