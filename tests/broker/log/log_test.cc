#include "broker/log/log.h"

#include <gtest/gtest.h>

#include "broker/log/checkpoint.h"
#include "broker/log/mem_env.h"
#include "tests/broker/log/log_test_util.h"

namespace brook::broker::log {
namespace {

using testing::MakeBatch;
using testing::ReadAll;

class LogTest : public ::testing::Test {
 protected:
  std::unique_ptr<Log> OpenLog(LogConfig config = {}) {
    auto log = Log::Open(&env_, dir_, config, &clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(log).value() : nullptr;
  }
  AppendResult MustAppend(Log& log, Bytes batch) {
    auto result = log.Append(batch);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : AppendResult{};
  }

  MemEnv env_;
  ManualClock clock_{1'700'000'000'000};
  std::string dir_ = "/data/orders-3";
};

TEST_F(LogTest, AppendAssignsConsecutiveOffsets) {
  auto log = OpenLog();
  AppendResult a = MustAppend(*log, MakeBatch(5, clock_.NowMs()));
  AppendResult b = MustAppend(*log, MakeBatch(3, clock_.NowMs()));
  EXPECT_EQ(a.base_offset, Offset(0));
  EXPECT_EQ(a.last_offset, Offset(4));
  EXPECT_EQ(b.base_offset, Offset(5));
  EXPECT_EQ(b.log_end_offset, Offset(8));
  EXPECT_EQ(log->log_end_offset(), Offset(8));
  auto records = ReadAll(*log, Offset(0));
  ASSERT_EQ(records.size(), 8u);
  for (size_t i = 0; i < records.size(); ++i) EXPECT_EQ(records[i].offset, static_cast<int64_t>(i));
  EXPECT_EQ(records[5].key, "k0");
}

TEST_F(LogTest, StoredBatchKeepsItsCrcAfterOffsetRewrite) {
  auto log = OpenLog();
  MustAppend(*log, MakeBatch(2, clock_.NowMs()));
  MustAppend(*log, MakeBatch(2, clock_.NowMs()));
  auto read = log->Read(Offset(2), 1 << 20);
  ASSERT_TRUE(read.ok());
  auto bytes = read->ReadBytes();
  ASSERT_TRUE(bytes.ok());
  auto view = record::RecordBatchView::Parse(*bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->base_offset(), Offset(2));
  EXPECT_EQ(view->partition_leader_epoch(), 0);
  EXPECT_TRUE(view->VerifyCrc().ok());
}

TEST_F(LogTest, ReadReturnsWholeBatchesAndAtLeastOne) {
  auto log = OpenLog();
  Bytes big = MakeBatch(10, clock_.NowMs(), 1000);
  size_t batch_size = big.size();
  for (int i = 0; i < 4; ++i) MustAppend(*log, MakeBatch(10, clock_.NowMs(), 1000));
  // Smaller than one batch: still one batch.
  auto one = log->Read(Offset(0), 10);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size, batch_size);
  // Two and a half batches: two.
  auto two = log->Read(Offset(0), batch_size * 5 / 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size, 2 * batch_size);
  // Reading from the middle of a batch starts at that batch.
  auto mid = log->Read(Offset(15), batch_size);
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(mid->first_batch_offset, Offset(10));
  EXPECT_EQ(mid->size, batch_size);
}

TEST_F(LogTest, ReadAtLogEndIsEmptyAndPastItIsOutOfRange) {
  auto log = OpenLog();
  MustAppend(*log, MakeBatch(3, clock_.NowMs()));
  auto at_end = log->Read(Offset(3), 1000);
  ASSERT_TRUE(at_end.ok());
  EXPECT_TRUE(at_end->empty());
  EXPECT_EQ(at_end->log_end_offset, Offset(3));
  auto past = log->Read(Offset(4), 1000);
  EXPECT_EQ(past.status().code(), StatusCode::kOutOfRange);
}

TEST_F(LogTest, UpperBoundStopsBeforeLaterBatches) {
  auto log = OpenLog();
  for (int i = 0; i < 3; ++i) MustAppend(*log, MakeBatch(2, clock_.NowMs()));
  auto read = log->Read(Offset(0), 1 << 20, Offset(4));
  ASSERT_TRUE(read.ok());
  auto records = testing::DecodeAll(*read->ReadBytes());
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records.back().offset, 3);
  auto none = log->Read(Offset(4), 1 << 20, Offset(4));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(LogTest, BatchWithBadCrcIsRejectedAndNothingIsWritten) {
  auto log = OpenLog();
  Bytes batch = MakeBatch(3, clock_.NowMs());
  batch[batch.size() - 1] ^= 0x01;
  auto result = log->Append(batch);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_NE(result.status().message().find("CRC"), std::string::npos);
  EXPECT_EQ(log->log_end_offset(), Offset(0));
  EXPECT_EQ(log->size_bytes(), 0u);
}

TEST_F(LogTest, BatchWithWrongLengthIsRejected) {
  auto log = OpenLog();
  Bytes batch = MakeBatch(3, clock_.NowMs());
  Bytes longer = batch;
  longer.push_back(0);
  EXPECT_EQ(log->Append(longer).status().code(), StatusCode::kCorruption);
  Bytes shorter(batch.begin(), batch.end() - 1);
  EXPECT_EQ(log->Append(shorter).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(log->log_end_offset(), Offset(0));
}

TEST_F(LogTest, BatchOverMaxMessageBytesIsRejected) {
  LogConfig config;
  config.max_message_bytes = 1000;
  auto log = OpenLog(config);
  Bytes batch = MakeBatch(10, clock_.NowMs(), 200);
  auto result = log->Append(batch);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kTooLarge);
  EXPECT_NE(result.status().message().find("max.message.bytes"), std::string::npos);
}

TEST_F(LogTest, RollsBySizeAndNamesSegmentsByBaseOffset) {
  LogConfig config;
  config.segment_bytes = 2000;
  auto log = OpenLog(config);
  for (int i = 0; i < 10; ++i) MustAppend(*log, MakeBatch(5, clock_.NowMs(), 100));
  EXPECT_GT(log->segment_count(), 3u);
  auto names = env_.ListDir(dir_);
  ASSERT_TRUE(names.ok());
  for (const auto& seg : log->Segments()) {
    std::string base = fmt::format("{:020d}", seg.base_offset.value());
    for (const char* suffix : {".log", ".index", ".timeindex"}) {
      EXPECT_NE(std::find(names->begin(), names->end(), base + suffix), names->end())
          << base << suffix;
    }
    EXPECT_LE(seg.size, 2000u);
  }
  EXPECT_EQ(ReadAll(*log, Offset(0)).size(), 50u);
}

TEST_F(LogTest, RollsByAgeOfTheFirstBatch) {
  LogConfig config;
  config.segment_ms = 1000;
  auto log = OpenLog(config);
  MustAppend(*log, MakeBatch(1, clock_.NowMs()));
  MustAppend(*log, MakeBatch(1, clock_.NowMs() + 500));
  EXPECT_EQ(log->segment_count(), 1u);
  MustAppend(*log, MakeBatch(1, clock_.NowMs() + 1500));
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_EQ(log->Segments().back().base_offset, Offset(2));
}

TEST_F(LogTest, FindsOffsetsByTimestampAcrossSegments) {
  LogConfig config;
  config.segment_bytes = 3000;
  config.index_interval_bytes = 100;
  auto log = OpenLog(config);
  // Batch i holds timestamps 1000*i .. 1000*i+4.
  for (int i = 0; i < 20; ++i) MustAppend(*log, MakeBatch(5, 1000 * i, 50));
  ASSERT_GT(log->segment_count(), 2u);
  for (int i = 0; i < 20; ++i) {
    auto exact = log->FindOffsetByTimestamp(1000 * i + 2);
    ASSERT_TRUE(exact.ok());
    ASSERT_TRUE(exact->has_value());
    EXPECT_EQ((*exact)->first, Offset(5 * i + 2));
    EXPECT_EQ((*exact)->second, 1000 * i + 2);
    auto between = log->FindOffsetByTimestamp(1000 * i + 500);
    ASSERT_TRUE(between.ok());
    if (i < 19) {
      ASSERT_TRUE(between->has_value());
      EXPECT_EQ((*between)->first, Offset(5 * (i + 1)));
    } else {
      EXPECT_FALSE(between->has_value());
    }
  }
}

TEST_F(LogTest, CleanReopenKeepsEverythingAndScansOnlyTheTail) {
  LogConfig config;
  config.segment_bytes = 50'000;
  {
    auto log = OpenLog(config);
    for (int i = 0; i < 200; ++i) MustAppend(*log, MakeBatch(10, clock_.NowMs() + i, 40));
    ASSERT_TRUE(log->Close().ok());
    Bytes late = MakeBatch(1, 0);
    EXPECT_EQ(log->Append(late).status().code(), StatusCode::kFailedPrecondition);
  }
  auto log = OpenLog(config);
  EXPECT_TRUE(log->open_stats().clean_shutdown);
  EXPECT_EQ(log->open_stats().bytes_scanned, 0u);
  EXPECT_EQ(log->open_stats().segments_recovered, 0);
  EXPECT_EQ(log->log_end_offset(), Offset(2000));
  EXPECT_EQ(ReadAll(*log, Offset(0)).size(), 2000u);
  EXPECT_EQ(MustAppend(*log, MakeBatch(1, clock_.NowMs())).base_offset, Offset(2000));
  // The marker is gone while the log is open: a crash now is not a clean shutdown.
  EXPECT_FALSE(env_.FileExists(dir_ + "/" + kCleanShutdownFile));
}

TEST_F(LogTest, ALogOnlyReadSinceACleanOpenStaysClean) {
  {
    auto log = OpenLog();
    MustAppend(*log, MakeBatch(10, clock_.NowMs()));
    ASSERT_TRUE(log->Close().ok());
  }
  {
    auto log = OpenLog();
    EXPECT_EQ(ReadAll(*log, Offset(0)).size(), 10u);
  }  // dropped without Close(), but nothing was written
  auto log = OpenLog();
  EXPECT_TRUE(log->open_stats().clean_shutdown);
  EXPECT_EQ(log->open_stats().bytes_scanned, 0u);
}

TEST_F(LogTest, RetentionBySizeDeletesOldestClosedSegments) {
  LogConfig config;
  config.segment_bytes = 1000;
  auto log = OpenLog(config);
  for (int i = 0; i < 20; ++i) MustAppend(*log, MakeBatch(4, clock_.NowMs(), 100));
  auto before = log->Segments();
  uint64_t total = log->size_bytes();
  config.retention_bytes = static_cast<int64_t>(total / 2);
  log->SetConfig(config);
  auto deleted = log->ApplyRetention();
  ASSERT_TRUE(deleted.ok());
  // Exactly the oldest segments whose removal keeps the log at least retention.bytes big.
  int64_t excess = static_cast<int64_t>(total) - config.retention_bytes;
  int expected = 0;
  for (const auto& seg : before) {
    if (excess - static_cast<int64_t>(seg.size) < 0) break;
    excess -= static_cast<int64_t>(seg.size);
    ++expected;
  }
  EXPECT_EQ(*deleted, expected);
  EXPECT_GE(static_cast<int64_t>(log->size_bytes()), config.retention_bytes);
  EXPECT_EQ(log->log_start_offset(), before[expected].base_offset);
  EXPECT_EQ(log->Read(Offset(0), 100).status().code(), StatusCode::kOutOfRange);
}

TEST_F(LogTest, RetentionByTimeDeletesExpiredSegmentsAndKeepsTheLogEnd) {
  LogConfig config;
  config.segment_bytes = 1000;
  config.retention_ms = 10'000;
  auto log = OpenLog(config);
  int64_t t0 = clock_.NowMs();
  for (int i = 0; i < 10; ++i) MustAppend(*log, MakeBatch(4, t0, 100));
  for (int i = 0; i < 10; ++i) MustAppend(*log, MakeBatch(4, t0 + 20'000, 100));
  clock_.AdvanceMs(25'000);  // first half is 25 s old, second half 5 s
  auto deleted = log->ApplyRetention();
  ASSERT_TRUE(deleted.ok());
  EXPECT_GT(*deleted, 0);
  for (const auto& seg : log->Segments()) {
    if (seg.size > 0) {
      EXPECT_GE(seg.max_timestamp, t0 + 20'000);
    }
  }
  EXPECT_LE(log->log_start_offset(), Offset(40));
  clock_.AdvanceMs(60'000);  // everything expired: the log empties but keeps its end offset
  ASSERT_TRUE(log->ApplyRetention().ok());
  EXPECT_EQ(log->log_end_offset(), Offset(80));
  EXPECT_EQ(log->log_start_offset(), Offset(80));
  EXPECT_EQ(MustAppend(*log, MakeBatch(1, clock_.NowMs())).base_offset, Offset(80));
}

TEST_F(LogTest, DeleteRecordsMovesLogStartAndSurvivesReopen) {
  LogConfig config;
  config.segment_bytes = 1000;
  {
    auto log = OpenLog(config);
    for (int i = 0; i < 10; ++i) MustAppend(*log, MakeBatch(4, clock_.NowMs(), 100));
    size_t segments = log->segment_count();
    auto start = log->DeleteRecordsBefore(Offset(22));
    ASSERT_TRUE(start.ok());
    EXPECT_EQ(*start, Offset(22));
    EXPECT_LT(log->segment_count(), segments);
    EXPECT_EQ(log->Read(Offset(21), 100).status().code(), StatusCode::kOutOfRange);
    auto records = ReadAll(*log, Offset(22));
    EXPECT_EQ(records.front().offset, 22);
    EXPECT_EQ(log->DeleteRecordsBefore(Offset(41)).status().code(), StatusCode::kOutOfRange);
    ASSERT_TRUE(log->Close().ok());
  }
  auto log = OpenLog(config);
  EXPECT_EQ(log->log_start_offset(), Offset(22));
}

TEST_F(LogTest, FsyncOnAppendAdvancesTheRecoveryPointEveryAppend) {
  LogConfig config;
  config.flush_messages = 1;
  ASSERT_TRUE(config.FsyncEveryAppend());
  auto log = OpenLog(config);
  MustAppend(*log, MakeBatch(3, clock_.NowMs()));
  EXPECT_EQ(log->recovery_point(), Offset(3));
  MustAppend(*log, MakeBatch(3, clock_.NowMs()));
  EXPECT_EQ(log->recovery_point(), Offset(6));
}

TEST_F(LogTest, DefaultFlushPolicyLeavesTheRecoveryPointUntilFlush) {
  auto log = OpenLog();
  MustAppend(*log, MakeBatch(3, clock_.NowMs()));
  EXPECT_EQ(log->recovery_point(), Offset(0));
  ASSERT_TRUE(log->Flush().ok());
  EXPECT_EQ(log->recovery_point(), Offset(3));
  auto checkpoint = ReadOffsetCheckpoint(&env_, dir_ + "/" + kRecoveryPointCheckpointFile);
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_EQ(checkpoint->value(), Offset(3));
}

TEST_F(LogTest, FlushMsFlushesOnTheNextCheck) {
  LogConfig config;
  config.flush_ms = 1000;
  auto log = OpenLog(config);
  MustAppend(*log, MakeBatch(3, clock_.NowMs()));
  ASSERT_TRUE(log->MaybeFlush().ok());
  EXPECT_EQ(log->recovery_point(), Offset(0));
  clock_.AdvanceMs(1000);
  ASSERT_TRUE(log->MaybeFlush().ok());
  EXPECT_EQ(log->recovery_point(), Offset(3));
}

TEST_F(LogTest, PartitionDirectoryNamesParse) {
  EXPECT_EQ(PartitionDirName("orders", 3), "orders-3");
  auto parsed = ParsePartitionDirName("my-topic-12");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->first, "my-topic");
  EXPECT_EQ(parsed->second, 12);
  EXPECT_FALSE(ParsePartitionDirName("nodash").has_value());
  EXPECT_FALSE(ParsePartitionDirName("topic-x").has_value());
}

}  // namespace
}  // namespace brook::broker::log
