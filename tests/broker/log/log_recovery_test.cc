// Crash recovery checked against a model: random appends, then damage (a torn tail cut at every
// byte, flipped bytes, lost or broken index files), then Open() must keep exactly the batches
// before the damage, serve them intact, and go on appending from there.
#include <random>

#include <gtest/gtest.h>

#include "broker/log/checkpoint.h"
#include "broker/log/index_format.h"
#include "broker/log/log.h"
#include "broker/log/mem_env.h"
#include "tests/broker/log/log_test_util.h"

namespace brook::broker::log {
namespace {

using testing::MakeBatch;
using testing::ReadAll;

// One appended batch as the model remembers it.
struct ModelBatch {
  Offset base;
  Offset next;
  int64_t first_timestamp;
  int count;
};

class LogRecoveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.segment_bytes = 6000;
    config_.index_interval_bytes = 256;
  }

  std::unique_ptr<Log> OpenLog() {
    auto log = Log::Open(&env_, dir_, config_, &clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(log).value() : nullptr;
  }

  // Appends `n` random batches; records them in model_.
  void AppendRandom(Log& log, int n) {
    for (int i = 0; i < n; ++i) {
      int count = 1 + static_cast<int>(rng_() % 8);
      size_t value_size = rng_() % 120;
      int64_t ts = next_timestamp_;
      next_timestamp_ += count + static_cast<int64_t>(rng_() % 50);
      auto codec = (rng_() % 4 == 0) ? record::Compression::kLz4 : record::Compression::kNone;
      Bytes batch = MakeBatch(count, ts, value_size, "k", codec);
      auto result = log.Append(batch);
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      model_.push_back({result->base_offset, result->last_offset + 1, ts, count});
    }
  }

  // The log holds exactly model_[0, kept) and accepts appends after it.
  void ExpectPrefix(Log& log, size_t kept) {
    Offset end = kept == 0 ? Offset(0) : model_[kept - 1].next;
    ASSERT_EQ(log.log_end_offset(), end);
    auto records = ReadAll(log, Offset(0));
    int64_t expected_records = 0;
    for (size_t i = 0; i < kept; ++i) expected_records += model_[i].count;
    ASSERT_EQ(static_cast<int64_t>(records.size()), expected_records);
    size_t r = 0;
    for (size_t i = 0; i < kept; ++i) {
      for (int j = 0; j < model_[i].count; ++j, ++r) {
        ASSERT_EQ(records[r].offset, model_[i].base.value() + j);
        ASSERT_EQ(records[r].timestamp, model_[i].first_timestamp + j);
      }
    }
    Bytes batch = MakeBatch(1, next_timestamp_);
    auto appended = log.Append(batch);
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
    EXPECT_EQ(appended->base_offset, end);
  }

  // Position of model batch `i` inside its segment file, and that file's path.
  std::pair<std::string, uint64_t> Locate(Log& log, size_t i) {
    auto read = log.Read(model_[i].base, 1);
    EXPECT_TRUE(read.ok());
    return {read->file->path(), read->position};
  }

  MemEnv env_;
  ManualClock clock_;
  LogConfig config_;
  std::string dir_ = "/data/events-0";
  std::mt19937_64 rng_{7};
  std::vector<ModelBatch> model_;
  int64_t next_timestamp_ = 1'000'000;
};

TEST_F(LogRecoveryTest, TornTailIsCutAtEveryByteToTheLastWholeBatch) {
  std::vector<std::pair<std::string, uint64_t>> where;
  {
    auto log = OpenLog();
    AppendRandom(*log, 40);
    for (size_t i = 0; i < model_.size(); ++i) where.push_back(Locate(*log, i));
  }  // dropped without Close(): a crash
  auto crashed = env_.Snapshot();
  const std::string active = where.back().first;
  size_t first_checked = model_.size() - 3;
  while (where[first_checked].first != active) ++first_checked;
  uint64_t file_end = crashed.at(active).size();
  for (uint64_t cut = where[first_checked].second; cut < file_end; ++cut) {
    env_.Restore(crashed);
    ASSERT_TRUE(env_.TruncateFile(active, cut).ok());
    auto log = OpenLog();
    ASSERT_NE(log, nullptr);
    size_t kept = first_checked;
    while (kept < model_.size() && where[kept].first == active &&
           where[kept].second + (kept + 1 < model_.size() && where[kept + 1].first == active
                                     ? where[kept + 1].second - where[kept].second
                                     : file_end - where[kept].second) <=
               cut) {
      ++kept;
    }
    SCOPED_TRACE(::testing::Message() << "cut at byte " << cut << ", keeping " << kept);
    EXPECT_FALSE(log->open_stats().clean_shutdown);
    // The cut falls inside batch `kept`: its partial bytes are what recovery removes.
    EXPECT_EQ(log->open_stats().bytes_truncated, cut - where[kept].second);
    ExpectPrefix(*log, kept);
  }
}

TEST_F(LogRecoveryTest, FlippedByteDropsTheDamagedBatchAndEverythingAfter) {
  std::vector<std::pair<std::string, uint64_t>> where;
  {
    auto log = OpenLog();
    AppendRandom(*log, 30);
    AppendRandom(*log, 30);
    for (size_t i = 0; i < model_.size(); ++i) where.push_back(Locate(*log, i));
  }
  // Rolling flushes the closed segment, so the unflushed tail that recovery validates is the
  // active segment; flushed segments are trusted, as Kafka trusts them.
  size_t first_unflushed = model_.size() - 1;
  while (first_unflushed > 0 && where[first_unflushed - 1].first == where.back().first) {
    --first_unflushed;
  }
  ASSERT_LT(first_unflushed + 3, model_.size());
  auto crashed = env_.Snapshot();
  for (int trial = 0; trial < 200; ++trial) {
    size_t victim = first_unflushed + rng_() % (model_.size() - first_unflushed);
    uint64_t size = (victim + 1 < model_.size() && where[victim + 1].first == where[victim].first)
                        ? where[victim + 1].second - where[victim].second
                        : crashed.at(where[victim].first).size() - where[victim].second;
    uint64_t at = rng_() % size;
    uint8_t mask = static_cast<uint8_t>(1u << (rng_() % 8));
    env_.Restore(crashed);
    ASSERT_TRUE(env_.FlipByte(where[victim].first, where[victim].second + at, mask).ok());
    auto log = OpenLog();
    ASSERT_NE(log, nullptr);
    SCOPED_TRACE(::testing::Message() << "batch " << victim << " byte " << at);
    // The partition leader epoch (bytes 12..15) is neither checked nor covered by the CRC:
    // a flip there damages nothing a reader uses.
    bool harmless = at >= 12 && at < 16;
    ExpectPrefix(*log, harmless ? model_.size() : victim);
    if (!harmless) {
      EXPECT_GT(log->open_stats().bytes_truncated, 0u);
    }
  }
}

TEST_F(LogRecoveryTest, CrashRecoveryScansOnlyTheUnflushedTail) {
  config_.segment_bytes = 1 << 20;  // one segment: the flushed part and the tail share it
  uint64_t tail_bytes = 0;
  {
    auto log = OpenLog();
    AppendRandom(*log, 200);
    ASSERT_TRUE(log->Flush().ok());
    uint64_t before = log->size_bytes();
    AppendRandom(*log, 5);
    tail_bytes = log->size_bytes() - before;
  }
  // The crash also tore the last batch.
  std::string active_log = dir_ + "/" + fmt::format("{:020d}.log", 0);
  ASSERT_TRUE(env_.TruncateFile(active_log, *env_.FileSize(active_log) - 3).ok());
  model_.pop_back();
  auto log = OpenLog();
  const auto& stats = log->open_stats();
  EXPECT_FALSE(stats.clean_shutdown);
  EXPECT_EQ(stats.bytes_truncated, tail_bytes > 0 ? stats.bytes_truncated : 0u);
  EXPECT_GT(stats.bytes_truncated, 0u);
  EXPECT_GE(stats.bytes_scanned + stats.bytes_truncated + 3, tail_bytes);
  // At most one index interval plus one batch before the recovery point is re-read.
  EXPECT_LE(stats.bytes_scanned, tail_bytes + config_.index_interval_bytes + 2000);
  EXPECT_LT(stats.bytes_scanned, log->size_bytes() / 4);
  ExpectPrefix(*log, model_.size());
}

TEST_F(LogRecoveryTest, MissingIndexFilesAreRebuiltAfterCleanShutdown) {
  {
    auto log = OpenLog();
    AppendRandom(*log, 80);
    ASSERT_TRUE(log->Close().ok());
  }
  auto names = env_.ListDir(dir_);
  ASSERT_TRUE(names.ok());
  int removed = 0;
  for (const auto& name : *names) {
    if (name.ends_with(kOffsetIndexFileSuffix) && removed++ % 2 == 0) {
      ASSERT_TRUE(env_.DeleteFile(dir_ + "/" + name).ok());
    }
  }
  ASSERT_GT(removed, 1);
  auto log = OpenLog();
  EXPECT_TRUE(log->open_stats().clean_shutdown);
  EXPECT_GT(log->open_stats().segments_recovered, 0);
  ExpectPrefix(*log, model_.size());
  // Lookups by timestamp use the rebuilt time indexes.
  for (size_t i = 0; i < model_.size(); i += 7) {
    auto found = log->FindOffsetByTimestamp(model_[i].first_timestamp);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->first, model_[i].base);
  }
}

TEST_F(LogRecoveryTest, DamagedIndexFilesAreRebuilt) {
  {
    auto log = OpenLog();
    AppendRandom(*log, 80);
    ASSERT_TRUE(log->Close().ok());
  }
  auto names = env_.ListDir(dir_);
  ASSERT_TRUE(names.ok());
  for (const auto& name : *names) {
    std::string path = dir_ + "/" + name;
    if (name.ends_with(kOffsetIndexFileSuffix) && *env_.FileSize(path) >= 8) {
      ASSERT_TRUE(env_.FlipByte(path, 5).ok());  // a position byte: order or range breaks
    } else if (name.ends_with(kTimeIndexFileSuffix) && *env_.FileSize(path) > 3) {
      ASSERT_TRUE(env_.TruncateFile(path, *env_.FileSize(path) - 3).ok());  // not whole entries
    }
  }
  auto log = OpenLog();
  ExpectPrefix(*log, model_.size());
}

TEST_F(LogRecoveryTest, CorruptBatchInAnUnflushedClosedSegmentDropsLaterSegments) {
  std::vector<std::pair<std::string, uint64_t>> where;
  {
    auto log = OpenLog();
    AppendRandom(*log, 60);
    ASSERT_GT(log->segment_count(), 3u);
    for (size_t i = 0; i < model_.size(); ++i) where.push_back(Locate(*log, i));
  }
  // Pretend nothing was ever flushed: every segment is recovered.
  ASSERT_TRUE(env_.DeleteFile(dir_ + "/" + kRecoveryPointCheckpointFile).ok());
  size_t victim = 10;
  ASSERT_NE(where[victim].first, where.back().first);
  ASSERT_TRUE(env_.FlipByte(where[victim].first, where[victim].second + 40).ok());
  auto log = OpenLog();
  EXPECT_GT(log->open_stats().segments_deleted, 0);
  ExpectPrefix(*log, victim);
}

TEST_F(LogRecoveryTest, GarbageCheckpointsFallBackToAFullScan) {
  {
    auto log = OpenLog();
    AppendRandom(*log, 30);
    ASSERT_TRUE(log->Flush().ok());
  }
  Bytes garbage = ToBytes("not a checkpoint");
  ASSERT_TRUE(
      env_.WriteSmallFileAtomically(dir_ + "/" + kRecoveryPointCheckpointFile, garbage).ok());
  ASSERT_TRUE(
      env_.WriteSmallFileAtomically(dir_ + "/" + kLogStartOffsetCheckpointFile, garbage).ok());
  auto log = OpenLog();
  EXPECT_EQ(log->log_start_offset(), Offset(0));
  ExpectPrefix(*log, model_.size());
}

TEST_F(LogRecoveryTest, RandomCrashesAgreeWithTheModel) {
  // Many rounds of: append some, maybe flush, maybe close cleanly, maybe tear the tail; reopen.
  size_t committed = 0;  // batches the model says must be there
  for (int round = 0; round < 30; ++round) {
    auto log = OpenLog();
    ASSERT_NE(log, nullptr);
    ExpectPrefix(*log, committed);
    // ExpectPrefix appended one batch; account for it.
    model_.resize(committed);
    model_.push_back(
        {Offset(log->log_end_offset().value() - 1), log->log_end_offset(), next_timestamp_, 1});
    next_timestamp_ += 1;
    AppendRandom(*log, 1 + static_cast<int>(rng_() % 10));
    switch (rng_() % 3) {
      case 0:
        ASSERT_TRUE(log->Close().ok());
        committed = model_.size();
        break;
      case 1: {
        // Crash with a torn last batch.
        auto read = log->Read(model_.back().base, 1);
        ASSERT_TRUE(read.ok());
        std::string path = read->file->path();
        uint64_t cut = read->position + 1 + rng_() % (read->size - 1);
        log.reset();
        ASSERT_TRUE(env_.TruncateFile(path, cut).ok());
        committed = model_.size() - 1;
        break;
      }
      default:
        log.reset();  // crash with whole batches in the page cache
        committed = model_.size();
        break;
    }
  }
}

}  // namespace
}  // namespace brook::broker::log
