// The log with producer state: idempotent retries, transactions and the last stable offset,
// the aborted-transaction index, and all of it surviving a clean restart and a crash.
#include <gtest/gtest.h>

#include "broker/log/log.h"
#include "broker/log/mem_env.h"
#include "broker/record/batch_builder.h"
#include "broker/record/control_record.h"
#include "tests/broker/log/log_test_util.h"

namespace brook::broker::log {
namespace {

using testing::ReadAll;

Bytes ProducerBatch(int64_t pid, int16_t epoch, int32_t seq, int count, bool transactional) {
  record::BatchBuilderOptions options;
  options.producer_id = ProducerId(pid);
  options.producer_epoch = ProducerEpoch(epoch);
  options.base_sequence = seq;
  options.transactional = transactional;
  record::RecordBatchBuilder builder(options);
  for (int i = 0; i < count; ++i) {
    std::string value = fmt::format("p{}-s{}", pid, seq + i);
    builder.Add(1000 + seq + i, std::nullopt, AsBytes(value));
  }
  auto built = builder.Build();
  EXPECT_TRUE(built.ok());
  return std::move(built).value();
}

Bytes Marker(int64_t pid, int16_t epoch, bool commit) {
  return record::BuildControlBatch(
      commit ? record::ControlType::kCommit : record::ControlType::kAbort, ProducerId(pid),
      ProducerEpoch(epoch), 0, Offset(0), 2000);
}

class LogProducerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Log> OpenLog() {
    auto log = Log::Open(&env_, dir_, config_, &clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(log).value() : nullptr;
  }

  AppendResult Append(Log& log, Bytes batch, AppendOrigin origin = AppendOrigin::kClient) {
    AppendOptions options;
    options.origin = origin;
    auto result = log.Append(std::span<uint8_t>(batch), options);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : AppendResult{};
  }

  MemEnv env_;
  ManualClock clock_{1000};
  std::string dir_ = "/data/t-0";
  LogConfig config_;
};

TEST_F(LogProducerTest, RetriedBatchIsAnsweredWithItsOriginalOffsetAndNotWrittenAgain) {
  auto log = OpenLog();
  AppendResult first = Append(*log, ProducerBatch(7, 0, 0, 3, false));
  AppendResult second = Append(*log, ProducerBatch(7, 0, 3, 2, false));
  ASSERT_TRUE(first.appended());
  ASSERT_TRUE(second.appended());
  AppendResult retry = Append(*log, ProducerBatch(7, 0, 0, 3, false));
  EXPECT_EQ(retry.producer_check, ProducerCheck::kDuplicate);
  EXPECT_EQ(retry.base_offset, Offset(0));
  EXPECT_EQ(retry.last_offset, Offset(2));
  EXPECT_EQ(log->log_end_offset(), Offset(5));
  EXPECT_EQ(ReadAll(*log, Offset(0)).size(), 5u);
}

TEST_F(LogProducerTest, SequenceGapAndStaleEpochAreRefusedAndWriteNothing) {
  auto log = OpenLog();
  ASSERT_TRUE(Append(*log, ProducerBatch(7, 1, 0, 2, false)).appended());
  AppendResult gap = Append(*log, ProducerBatch(7, 1, 5, 1, false));
  EXPECT_EQ(gap.producer_check, ProducerCheck::kOutOfOrderSequence);
  EXPECT_FALSE(gap.producer_error.empty());
  AppendResult stale = Append(*log, ProducerBatch(7, 0, 2, 1, false));
  EXPECT_EQ(stale.producer_check, ProducerCheck::kInvalidProducerEpoch);
  EXPECT_EQ(log->log_end_offset(), Offset(2));
  // librdkafka's local epoch bump: epoch + 1 with sequence 0 goes on.
  EXPECT_TRUE(Append(*log, ProducerBatch(7, 2, 0, 1, false)).appended());
  EXPECT_EQ(log->log_end_offset(), Offset(3));
}

TEST_F(LogProducerTest, OpenTransactionsHoldTheLastStableOffsetAndAbortsAreIndexed) {
  auto log = OpenLog();
  ASSERT_TRUE(Append(*log, ProducerBatch(1, 0, 0, 2, false)).appended());  // 0-1, plain
  ASSERT_TRUE(Append(*log, ProducerBatch(2, 0, 0, 2, true)).appended());   // 2-3, txn of 2
  ASSERT_TRUE(Append(*log, ProducerBatch(3, 0, 0, 2, true)).appended());   // 4-5, txn of 3
  EXPECT_EQ(log->last_stable_offset(), Offset(2));
  EXPECT_EQ(log->log_end_offset(), Offset(6));

  ASSERT_TRUE(Append(*log, Marker(2, 0, false), AppendOrigin::kCoordinator).appended());  // 6
  EXPECT_EQ(log->last_stable_offset(), Offset(4));
  ASSERT_TRUE(Append(*log, Marker(3, 0, true), AppendOrigin::kCoordinator).appended());  // 7
  EXPECT_EQ(log->last_stable_offset(), Offset(8));

  std::vector<AbortedTxn> aborted = log->CollectAbortedTxns(Offset(0), Offset(8));
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].producer_id, ProducerId(2));
  EXPECT_EQ(aborted[0].first_offset, Offset(2));
  EXPECT_EQ(aborted[0].last_offset, Offset(6));
  // A fetch from after the marker does not need it.
  EXPECT_TRUE(log->CollectAbortedTxns(Offset(7), Offset(8)).empty());

  // A read_committed read stops at the LSO.
  ASSERT_TRUE(Append(*log, ProducerBatch(4, 0, 0, 1, true)).appended());  // 8, open
  auto read = log->Read(Offset(0), 1 << 20, log->last_stable_offset());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->last_stable_offset, Offset(8));
  auto bytes = read->ReadBytes();
  ASSERT_TRUE(bytes.ok());
  Offset next(0);
  testing::DecodeAll(*bytes, &next);
  EXPECT_EQ(next, Offset(8));
}

TEST_F(LogProducerTest, MarkerWithAnOlderEpochIsRefused) {
  auto log = OpenLog();
  ASSERT_TRUE(Append(*log, ProducerBatch(5, 3, 0, 1, true)).appended());
  AppendResult stale = Append(*log, Marker(5, 2, true), AppendOrigin::kCoordinator);
  EXPECT_EQ(stale.producer_check, ProducerCheck::kInvalidProducerEpoch);
  EXPECT_EQ(log->last_stable_offset(), Offset(0));
}

TEST_F(LogProducerTest, NonTransactionalWriteInsideATransactionIsRefused) {
  auto log = OpenLog();
  ASSERT_TRUE(Append(*log, ProducerBatch(5, 0, 0, 1, true)).appended());
  EXPECT_EQ(Append(*log, ProducerBatch(5, 0, 1, 1, false)).producer_check,
            ProducerCheck::kInvalidTxnState);
}

TEST_F(LogProducerTest, StateSurvivesACleanRestart) {
  {
    auto log = OpenLog();
    for (int i = 0; i < 6; ++i)
      ASSERT_TRUE(Append(*log, ProducerBatch(9, 0, i * 2, 2, false)).appended());
    ASSERT_TRUE(Append(*log, ProducerBatch(8, 0, 0, 1, true)).appended());  // 12, open
    ASSERT_TRUE(log->Close().ok());
  }
  auto log = OpenLog();
  EXPECT_EQ(log->last_stable_offset(), Offset(12));
  // Every one of the last five batches is still recognised as a duplicate.
  for (int i = 1; i < 6; ++i) {
    AppendResult retry = Append(*log, ProducerBatch(9, 0, i * 2, 2, false));
    EXPECT_EQ(retry.producer_check, ProducerCheck::kDuplicate) << "batch " << i;
    EXPECT_EQ(retry.base_offset, Offset(i * 2));
  }
  EXPECT_TRUE(Append(*log, ProducerBatch(9, 0, 12, 1, false)).appended());
}

TEST_F(LogProducerTest, StateAndAbortIndexAreRebuiltAfterACrash) {
  config_.segment_bytes = 400;  // several segments, so snapshots at rolls
  std::map<std::string, Bytes> crashed;
  {
    auto log = OpenLog();
    int32_t seq = 0;
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(Append(*log, ProducerBatch(9, 0, seq, 2, false)).appended());
      seq += 2;
    }
    ASSERT_TRUE(Append(*log, ProducerBatch(4, 0, 0, 2, true)).appended());
    ASSERT_TRUE(Append(*log, Marker(4, 0, false), AppendOrigin::kCoordinator).appended());
    ASSERT_TRUE(Append(*log, ProducerBatch(6, 0, 0, 1, true)).appended());  // left open
    ASSERT_GT(log->segment_count(), 2u);
    crashed = env_.Snapshot();  // no Close(): a crash
  }
  // Lose the .txnindex files too: the replay must write the entry again.
  for (auto it = crashed.begin(); it != crashed.end();) {
    it = it->first.ends_with(".txnindex") ? crashed.erase(it) : std::next(it);
  }
  env_.Restore(crashed);
  auto log = OpenLog();
  Offset end = log->log_end_offset();
  EXPECT_EQ(log->last_stable_offset(), end - 1);
  std::vector<AbortedTxn> aborted = log->CollectAbortedTxns(Offset(0), end);
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].producer_id, ProducerId(4));
  EXPECT_EQ(aborted[0].first_offset, Offset(40));
  EXPECT_EQ(aborted[0].last_offset, Offset(42));
  AppendResult retry = Append(*log, ProducerBatch(9, 0, 38, 2, false));
  EXPECT_EQ(retry.producer_check, ProducerCheck::kDuplicate);
  EXPECT_EQ(retry.base_offset, Offset(38));
  EXPECT_EQ(Append(*log, ProducerBatch(9, 0, 44, 1, false)).producer_check,
            ProducerCheck::kOutOfOrderSequence);
}

TEST_F(LogProducerTest, DamagedSnapshotFallsBackToReplayingTheLog) {
  {
    auto log = OpenLog();
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(Append(*log, ProducerBatch(9, 0, i, 1, false)).appended());
    ASSERT_TRUE(log->Close().ok());
  }
  std::string snapshot = dir_ + "/" + ProducerStateManager::SnapshotFileName(Offset(3));
  ASSERT_TRUE(env_.FileExists(snapshot));
  ASSERT_TRUE(env_.FlipByte(snapshot, 8).ok());
  auto log = OpenLog();
  EXPECT_FALSE(env_.FileExists(snapshot)) << "the unreadable snapshot is deleted";
  EXPECT_EQ(Append(*log, ProducerBatch(9, 0, 2, 1, false)).producer_check,
            ProducerCheck::kDuplicate);
  EXPECT_TRUE(Append(*log, ProducerBatch(9, 0, 3, 1, false)).appended());
}

}  // namespace
}  // namespace brook::broker::log
