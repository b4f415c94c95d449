// The transaction coordinator's state machine driven directly with protocol messages on a manual
// clock, over real logs in a temp dir: commit and abort with their markers, EndTxn retries,
// fencing by InitProducerId and by the timeout, KIP-360 checks, recovery of a transaction the
// broker left in PrepareCommit, and expiry.
#include "broker/coordinator/txn/txn_coordinator.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "broker/log/batch_reader.h"
#include "broker/record/batch_builder.h"
#include "broker/record/control_record.h"

namespace brook::broker::coordinator::txn {
namespace {

using protocol::ErrorCode;

int16_t Code(ErrorCode code) { return static_cast<int16_t>(code); }

class TxnCoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/txn_coordinator_test-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    OpenTopics();
    ASSERT_TRUE(topics_->CreateTopic("orders", 2, {}).ok());
    Start();
  }
  void TearDown() override {
    txns_.reset();
    groups_.reset();
    topics_.reset();
    std::filesystem::remove_all(dir_);
  }
  void OpenTopics() {
    metadata::TopicManagerOptions options;
    options.log_dir = dir_;
    options.start_cleaner = false;
    auto opened = metadata::TopicManager::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    topics_ = std::move(opened).value();
  }
  void Start() {
    GroupCoordinatorOptions group_options;
    group_options.offsets_topic_partitions = 3;
    groups_ = std::make_unique<GroupCoordinator>(group_options, topics_.get(), &wheel_,
                                                 [this] { return now_; });
    groups_->Startup([](std::function<void()> task) { task(); });
    auto ids = ProducerIdManager::Open(log::Env::Posix(), dir_ + "/" + kProducerIdBlockFile);
    ASSERT_TRUE(ids.ok());
    producer_ids_ = std::move(ids).value();
    TxnCoordinatorOptions options;
    options.state_topic_partitions = 3;
    options.transactional_id_expiration_ms = 100000;
    txns_ = std::make_unique<TransactionCoordinator>(
        options, topics_.get(), producer_ids_.get(), groups_.get(), [this] { return now_; },
        [this](const std::string& log) { woken_.push_back(log); });
    ASSERT_TRUE(txns_->Startup().ok());
  }
  void Restart() {
    txns_.reset();
    groups_->Shutdown();
    groups_.reset();
    ASSERT_TRUE(topics_->Close().ok());
    topics_.reset();
    OpenTopics();
    Start();
  }

  protocol::InitProducerIdResponse Init(const std::string& id, int64_t pid = -1, int16_t epoch = -1,
                                        int16_t version = 4, int32_t timeout_ms = 60000) {
    EXPECT_EQ(txns_->EnsureStateTopic(), ErrorCode::kNone);
    protocol::InitProducerIdRequest r;
    r.transactional_id = id;
    r.transaction_timeout_ms = timeout_ms;
    r.producer_id = pid;
    r.producer_epoch = epoch;
    return txns_->InitProducerId(r, version);
  }
  int16_t Add(const std::string& id, int64_t pid, int16_t epoch, int32_t partition,
              int16_t version = 0) {
    protocol::AddPartitionsToTxnRequest r;
    r.v3_and_below_transactional_id = id;
    r.v3_and_below_producer_id = pid;
    r.v3_and_below_producer_epoch = epoch;
    auto& t = r.v3_and_below_topics.emplace_back();
    t.name = "orders";
    t.partitions = {partition};
    auto response = txns_->AddPartitions(r, version);
    return response.results_by_topic_v3_and_below.at(0)
        .results_by_partition.at(0)
        .partition_error_code;
  }
  int16_t End(const std::string& id, int64_t pid, int16_t epoch, bool commit, int16_t version = 1) {
    protocol::EndTxnRequest r;
    r.transactional_id = id;
    r.producer_id = pid;
    r.producer_epoch = epoch;
    r.committed = commit;
    return txns_->EndTxn(r, version).error_code;
  }
  // A transactional batch of one record from the producer to orders-`partition`.
  log::AppendResult Produce(int64_t pid, int16_t epoch, int32_t seq, int32_t partition) {
    record::BatchBuilderOptions options;
    options.producer_id = ProducerId(pid);
    options.producer_epoch = ProducerEpoch(epoch);
    options.base_sequence = seq;
    options.transactional = true;
    record::RecordBatchBuilder builder(options);
    builder.Add(now_, std::nullopt, AsBytes("v"));
    Bytes batch = builder.Build().value();
    auto result = topics_->GetLog("orders", partition)->Append(std::span<uint8_t>(batch));
    EXPECT_TRUE(result.ok());
    return *result;
  }
  // The control records of orders-`partition`: (type, producer epoch) in log order.
  std::vector<std::pair<record::ControlType, int16_t>> Markers(int32_t partition) {
    std::vector<std::pair<record::ControlType, int16_t>> out;
    log::Log* log = topics_->GetLog("orders", partition);
    auto read = log->Read(log->log_start_offset(), 1 << 20);
    EXPECT_TRUE(read.ok());
    Bytes bytes = read->ReadBytes().value();
    ByteView view(bytes);
    while (!view.empty()) {
      auto batch = record::RecordBatchView::Parse(view).value();
      if (batch.is_control()) {
        auto decoded = record::DecodedBatch::Decode(batch).value();
        for (const auto& r : decoded.records()) {
          auto control = record::ParseControlRecord(r).value();
          out.emplace_back(control.type, batch.producer_epoch().value());
        }
      }
      view = view.subspan(batch.size());
    }
    return out;
  }

  std::string dir_;
  int64_t now_ = 1'700'000'000'000;
  server::TimingWheel wheel_{now_};
  std::unique_ptr<metadata::TopicManager> topics_;
  std::unique_ptr<GroupCoordinator> groups_;
  std::unique_ptr<ProducerIdManager> producer_ids_;
  std::unique_ptr<TransactionCoordinator> txns_;
  std::vector<std::string> woken_;
};

TEST_F(TxnCoordinatorTest, CommitWritesAMarkerToEveryPartitionAndRetriesAreIdempotent) {
  auto init = Init("app");
  ASSERT_EQ(init.error_code, 0);
  int64_t pid = init.producer_id;
  int16_t epoch = init.producer_epoch;
  EXPECT_EQ(End("app", pid, epoch, true), Code(ErrorCode::kInvalidTxnState)) << "no transaction";
  ASSERT_EQ(Add("app", pid, epoch, 0), 0);
  ASSERT_EQ(Add("app", pid, epoch, 1), 0);
  EXPECT_EQ(txns_->Find("app")->stored.state, TxnState::kOngoing);
  ASSERT_TRUE(Produce(pid, epoch, 0, 0).appended());
  EXPECT_EQ(topics_->GetLog("orders", 0)->last_stable_offset(), Offset(0));

  EXPECT_EQ(End("app", pid, epoch, true), 0);
  EXPECT_EQ(txns_->Find("app")->stored.state, TxnState::kCompleteCommit);
  EXPECT_EQ(Markers(0).size(), 1u);
  EXPECT_EQ(Markers(1).size(), 1u) << "a partition without records gets its marker too";
  EXPECT_EQ(Markers(0)[0].first, record::ControlType::kCommit);
  EXPECT_EQ(topics_->GetLog("orders", 0)->last_stable_offset(), Offset(2));
  EXPECT_EQ(woken_.size(), 2u) << "fetches waiting on both partitions are woken";

  EXPECT_EQ(End("app", pid, epoch, true), 0) << "a retried commit";
  EXPECT_EQ(End("app", pid, epoch, false), Code(ErrorCode::kInvalidTxnState));
  EXPECT_EQ(Markers(0).size(), 1u);
}

TEST_F(TxnCoordinatorTest, ProducerChecksGiveKafkasCodesByVersion) {
  auto init = Init("app");
  int64_t pid = init.producer_id;
  EXPECT_EQ(Add("other", pid, 0, 0), Code(ErrorCode::kInvalidProducerIdMapping));
  EXPECT_EQ(Add("app", pid + 1, 0, 0), Code(ErrorCode::kInvalidProducerIdMapping));
  EXPECT_EQ(Add("app", pid, 5, 0, 0), Code(ErrorCode::kInvalidProducerEpoch));
  EXPECT_EQ(Add("app", pid, 5, 0, 2), Code(ErrorCode::kProducerFenced));
  EXPECT_EQ(Init("app", 999, 0).error_code, Code(ErrorCode::kProducerFenced)) << "KIP-360 v4";
  EXPECT_EQ(Init("app", 999, 0, 3).error_code, Code(ErrorCode::kInvalidProducerEpoch));
  EXPECT_EQ(Init("app", -1, -1, 4, 900001).error_code, Code(ErrorCode::kInvalidTransactionTimeout));
  EXPECT_EQ(txns_->Find("app")->stored.producer_epoch, ProducerEpoch(0)) << "nothing changed";
}

TEST_F(TxnCoordinatorTest, InitProducerIdFencesTheOldProducerAndAbortsItsTransaction) {
  auto first = Init("app");
  int64_t pid = first.producer_id;
  ASSERT_EQ(Add("app", pid, 0, 0), 0);
  ASSERT_TRUE(Produce(pid, 0, 0, 0).appended());

  auto second = Init("app");
  ASSERT_EQ(second.error_code, 0);
  EXPECT_EQ(second.producer_id, pid);
  EXPECT_EQ(second.producer_epoch, 2) << "epoch 1 went to the abort markers";
  auto markers = Markers(0);
  ASSERT_EQ(markers.size(), 1u);
  EXPECT_EQ(markers[0], std::make_pair(record::ControlType::kAbort, int16_t{1}));
  EXPECT_EQ(topics_->GetLog("orders", 0)->last_stable_offset(), Offset(2));

  // The zombie: its records and its coordinator calls are refused.
  EXPECT_EQ(Produce(pid, 0, 1, 0).producer_check, log::ProducerCheck::kInvalidProducerEpoch);
  EXPECT_EQ(Add("app", pid, 0, 0, 2), Code(ErrorCode::kProducerFenced));
  EXPECT_EQ(End("app", pid, 0, true, 2), Code(ErrorCode::kProducerFenced));
  // The new producer works.
  ASSERT_EQ(Add("app", pid, 2, 1), 0);
  EXPECT_EQ(End("app", pid, 2, true), 0);
}

TEST_F(TxnCoordinatorTest, TransactionsOverTheirTimeoutAreAbortedWithABumpedEpoch) {
  auto init = Init("slow", -1, -1, 4, /*timeout_ms=*/5000);
  int64_t pid = init.producer_id;
  ASSERT_EQ(Add("slow", pid, 0, 0), 0);
  ASSERT_TRUE(Produce(pid, 0, 0, 0).appended());
  now_ += 4000;
  EXPECT_EQ(txns_->AbortTimedOutTransactions(), 0);
  now_ += 2000;
  EXPECT_EQ(txns_->AbortTimedOutTransactions(), 1);
  EXPECT_EQ(txns_->Find("slow")->stored.state, TxnState::kCompleteAbort);
  EXPECT_EQ(txns_->Find("slow")->stored.producer_epoch, ProducerEpoch(1));
  EXPECT_EQ(End("slow", pid, 0, true, 1), Code(ErrorCode::kInvalidProducerEpoch));
  auto aborted = topics_->GetLog("orders", 0)->CollectAbortedTxns(Offset(0), Offset(10));
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].producer_id, ProducerId(pid));
}

TEST_F(TxnCoordinatorTest, StateSurvivesARestartAndAHalfDoneCommitIsCompleted) {
  auto init = Init("app");
  int64_t pid = init.producer_id;
  ASSERT_EQ(Add("app", pid, 0, 0), 0);
  ASSERT_EQ(Add("app", pid, 0, 1), 0);
  ASSERT_TRUE(Produce(pid, 0, 0, 0).appended());
  // The broker stops right after logging PrepareCommit, before any marker: written by hand.
  {
    std::string topic(kTransactionStateTopic);
    StoredTxn prepare = txns_->Find("app")->stored;
    prepare.state = TxnState::kPrepareCommit;
    record::RecordBatchBuilder builder;
    Bytes key = TxnKeyBytes("app");
    Bytes value = TxnValueBytes(prepare);
    builder.Add(now_, ByteView(key), std::optional<ByteView>(ByteView(value)));
    Bytes batch = builder.Build().value();
    log::Log* log = topics_->GetLog(topic, TxnPartition("app", 3));
    ASSERT_TRUE(log->Append(std::span<uint8_t>(batch)).ok());
  }
  Restart();
  const TxnMetadata* txn = txns_->Find("app");
  ASSERT_NE(txn, nullptr);
  EXPECT_EQ(txn->stored.state, TxnState::kCompleteCommit);
  EXPECT_EQ(
      Markers(0),
      (std::vector<std::pair<record::ControlType, int16_t>>{{record::ControlType::kCommit, 0}}));
  EXPECT_EQ(Markers(1).size(), 1u);
  EXPECT_EQ(topics_->GetLog("orders", 0)->last_stable_offset(), Offset(2));
  // And the completion itself is stored: another restart finds it complete, writes nothing.
  Restart();
  EXPECT_EQ(txns_->Find("app")->stored.state, TxnState::kCompleteCommit);
  EXPECT_EQ(Markers(0).size(), 1u);
  // The producer goes on with a bumped epoch; ids are not reused after the restart.
  auto next = Init("app", pid, 0);
  EXPECT_EQ(next.error_code, 0);
  EXPECT_EQ(next.producer_epoch, 1);
  EXPECT_GT(Init("fresh").producer_id, pid);
}

TEST_F(TxnCoordinatorTest, OngoingTransactionSurvivesARestartAndCanStillCommit) {
  auto init = Init("app");
  int64_t pid = init.producer_id;
  ASSERT_EQ(Add("app", pid, 0, 0), 0);
  ASSERT_TRUE(Produce(pid, 0, 0, 0).appended());
  Restart();
  EXPECT_EQ(txns_->Find("app")->stored.state, TxnState::kOngoing);
  EXPECT_EQ(topics_->GetLog("orders", 0)->last_stable_offset(), Offset(0));
  EXPECT_EQ(End("app", pid, 0, true), 0);
  EXPECT_EQ(topics_->GetLog("orders", 0)->last_stable_offset(), Offset(2));
}

TEST_F(TxnCoordinatorTest, ProduceOutsideTheTransactionIsInvalidTxnState) {
  auto init = Init("app");
  int64_t pid = init.producer_id;
  EXPECT_EQ(txns_->CheckTransactionalProduce("app", ProducerId(pid), ProducerEpoch(0), "orders", 0),
            ErrorCode::kInvalidTxnState);
  ASSERT_EQ(Add("app", pid, 0, 0), 0);
  EXPECT_EQ(txns_->CheckTransactionalProduce("app", ProducerId(pid), ProducerEpoch(0), "orders", 0),
            ErrorCode::kNone);
  EXPECT_EQ(txns_->CheckTransactionalProduce("app", ProducerId(pid), ProducerEpoch(0), "orders", 1),
            ErrorCode::kInvalidTxnState);
}

TEST_F(TxnCoordinatorTest, IdleTransactionalIdsExpireAndOpenOnesDoNot) {
  auto idle = Init("idle");
  auto busy = Init("busy");
  ASSERT_EQ(Add("busy", busy.producer_id, 0, 0), 0);
  now_ += 100001;
  EXPECT_EQ(txns_->ExpireTransactionalIds(), 1);
  EXPECT_EQ(txns_->Find("idle"), nullptr);
  EXPECT_NE(txns_->Find("busy"), nullptr);
  Restart();
  EXPECT_EQ(txns_->Find("idle"), nullptr) << "the tombstone is replayed";
  EXPECT_NE(txns_->Find("busy"), nullptr);
  auto again = Init("idle");
  EXPECT_GT(again.producer_id, busy.producer_id) << "a forgotten id gets a new producer id";
  EXPECT_EQ(again.producer_epoch, 0);
  EXPECT_NE(again.producer_id, idle.producer_id);
}

TEST_F(TxnCoordinatorTest, DescribeAndListTransactions) {
  auto init = Init("app");
  ASSERT_EQ(Add("app", init.producer_id, 0, 1), 0);
  Init("other");
  protocol::DescribeTransactionsRequest describe;
  describe.transactional_ids = {"app", "nope"};
  auto described = txns_->Describe(describe);
  ASSERT_EQ(described.transaction_states.size(), 2u);
  EXPECT_EQ(described.transaction_states[0].transaction_state, "Ongoing");
  ASSERT_EQ(described.transaction_states[0].topics.size(), 1u);
  EXPECT_EQ(described.transaction_states[0].topics[0].partitions, std::vector<int32_t>{1});
  EXPECT_EQ(described.transaction_states[1].error_code, Code(ErrorCode::kTransactionalIdNotFound));

  protocol::ListTransactionsRequest list;
  list.state_filters = {"Ongoing", "Bogus"};
  auto listed = txns_->List(list);
  ASSERT_EQ(listed.transaction_states.size(), 1u);
  EXPECT_EQ(listed.transaction_states[0].transactional_id, "app");
  EXPECT_EQ(listed.unknown_state_filters, std::vector<std::string>{"Bogus"});
}

}  // namespace
}  // namespace brook::broker::coordinator::txn
