// Compaction checked against a model (std::map of the latest value per key), plus Kafka's rules
// for tombstones, transaction markers and aborted data, and crash-safe segment swaps.
#include "broker/log/log_cleaner.h"

#include <map>
#include <random>

#include <gtest/gtest.h>

#include "broker/log/checkpoint.h"
#include "broker/log/mem_env.h"
#include "broker/log/segment_swap.h"
#include "broker/record/control_record.h"
#include "tests/broker/log/log_test_util.h"

namespace brook::broker::log {
namespace {

using testing::ReadAll;
using testing::SeenRecord;

struct Put {
  std::string key;
  std::optional<std::string> value;  // nullopt = tombstone
};

class LogCleanerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.cleanup_compact = true;
    config_.cleanup_delete = false;
    config_.segment_bytes = 2000;
    config_.index_interval_bytes = 128;
    config_.delete_retention_ms = 60'000;
  }

  std::unique_ptr<Log> OpenLog() {
    auto log = Log::Open(&env_, dir_, config_, &clock_);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(log).value() : nullptr;
  }

  // Appends one batch of puts; returns the offset of the first.
  Offset Append(Log& log, const std::vector<Put>& puts, record::BatchBuilderOptions options = {}) {
    record::RecordBatchBuilder builder(options);
    for (const auto& put : puts) {
      std::optional<ByteView> value;
      if (put.value) value = AsBytes(*put.value);
      builder.Add(clock_.NowMs(), AsBytes(put.key), value);
    }
    Bytes batch = *builder.Build();
    auto result = log.Append(batch);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result->base_offset;
  }

  Offset AppendMarker(Log& log, record::ControlType type, int64_t producer) {
    Bytes marker = record::BuildControlBatch(type, ProducerId(producer), ProducerEpoch(0), 0,
                                             Offset(0), clock_.NowMs());
    auto result = log.Append(marker);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result->base_offset;
  }

  static record::BatchBuilderOptions Transactional(int64_t producer, int32_t sequence) {
    record::BatchBuilderOptions options;
    options.producer_id = ProducerId(producer);
    options.producer_epoch = ProducerEpoch(0);
    options.base_sequence = sequence;
    options.transactional = true;
    return options;
  }

  CleanStats MustClean(Log& log) {
    auto stats = LogCleaner::Clean(log);
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : CleanStats{};
  }

  MemEnv env_;
  ManualClock clock_;
  LogConfig config_;
  std::string dir_ = "/data/app-store-changelog-0";
};

TEST_F(LogCleanerTest, KeepsExactlyTheLatestValuePerKeyWithOffsetsIntact) {
  std::mt19937 rng(11);
  for (int round = 0; round < 5; ++round) {
    env_.Restore({});
    auto log = OpenLog();
    std::map<std::string, std::pair<int64_t, std::optional<std::string>>> latest;  // the model
    std::vector<std::pair<int64_t, Put>> all;
    for (int b = 0; b < 120; ++b) {
      std::vector<Put> puts;
      int n = 1 + static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) {
        std::string key = fmt::format("key-{}", rng() % 30);
        std::optional<std::string> value;
        if (rng() % 6 != 0) value = fmt::format("v{}-{}", b, i);
        puts.push_back({key, value});
      }
      Offset base = Append(*log, puts);
      for (int i = 0; i < n; ++i) all.push_back({base.value() + i, puts[i]});
    }
    ASSERT_GT(log->segment_count(), 5u);
    Offset active_base = log->Segments().back().base_offset;
    for (const auto& [offset, put] : all) {
      if (offset < active_base.value()) latest[put.key] = {offset, put.value};
    }
    CleanStats stats = MustClean(*log);
    EXPECT_EQ(stats.end_offset, active_base);
    EXPECT_GT(stats.records_removed, 0);
    EXPECT_LT(stats.bytes_out, stats.bytes_in);

    auto check = [&](bool tombstones_expired) {
      auto records = ReadAll(*log, log->log_start_offset());
      std::map<std::string, int> seen;
      size_t in_active = 0;
      for (const auto& r : records) {
        if (r.offset >= active_base.value()) {
          ++in_active;
          continue;
        }
        auto it = latest.find(r.key);
        ASSERT_NE(it, latest.end()) << r.key;
        EXPECT_EQ(r.offset, it->second.first) << "only the latest offset of " << r.key;
        EXPECT_EQ(r.value, it->second.second.value_or("")) << r.key;
        EXPECT_EQ(++seen[r.key], 1);
      }
      for (const auto& [key, entry] : latest) {
        bool expected = entry.second.has_value() || !tombstones_expired;
        EXPECT_EQ(seen.count(key) == 1, expected) << key;
      }
      size_t active_records = 0;
      for (const auto& [offset, put] : all) active_records += offset >= active_base.value();
      EXPECT_EQ(in_active, active_records) << "the active segment is never cleaned";
    };
    check(false);
    // Tombstones outlive a second pass within delete.retention.ms, and go after it.
    MustClean(*log);
    check(false);
    clock_.AdvanceMs(config_.delete_retention_ms + 1);
    MustClean(*log);
    check(true);
  }
}

TEST_F(LogCleanerTest, CleanedLogSurvivesReopen) {
  Offset end;
  std::vector<SeenRecord> before;
  {
    auto log = OpenLog();
    for (int b = 0; b < 60; ++b) Append(*log, {{fmt::format("k{}", b % 7), fmt::format("v{}", b)}});
    MustClean(*log);
    before = ReadAll(*log, log->log_start_offset());
    end = log->log_end_offset();
    ASSERT_TRUE(log->Close().ok());
  }
  auto log = OpenLog();
  EXPECT_EQ(log->log_end_offset(), end);
  auto after = ReadAll(*log, log->log_start_offset());
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].offset, before[i].offset);
  // The checkpoint remembers where the dirty part starts.
  auto checkpoint = ReadOffsetCheckpoint(&env_, dir_ + "/" + kCleanerOffsetCheckpointFile);
  ASSERT_TRUE(checkpoint.ok());
  EXPECT_TRUE(checkpoint->has_value());
}

TEST_F(LogCleanerTest, AbortedTransactionDataIsRemovedAndItsMarkerExpires) {
  auto log = OpenLog();
  Append(*log, {{"a", "committed-1"}});
  Offset aborted = Append(*log, {{"b", "aborted"}, {"c", "aborted"}}, Transactional(7, 0));
  Offset abort_marker = AppendMarker(*log, record::ControlType::kAbort, 7);
  Offset committed = Append(*log, {{"d", "txn-committed"}}, Transactional(8, 0));
  Offset commit_marker = AppendMarker(*log, record::ControlType::kCommit, 8);
  // Later traffic from other producers so neither marker is its producer's last batch.
  Append(*log, {{"e", "x"}}, Transactional(7, 2));
  AppendMarker(*log, record::ControlType::kCommit, 7);
  Append(*log, {{"f", "y"}}, Transactional(8, 1));
  AppendMarker(*log, record::ControlType::kCommit, 8);
  for (int i = 0; i < 40; ++i) Append(*log, {{fmt::format("pad{}", i), std::string(100, 'p')}});

  auto offsets_in_log = [&]() {
    std::vector<int64_t> batches;
    auto read = log->Read(log->log_start_offset(), 1 << 20);
    Bytes bytes = *read->ReadBytes();
    ByteView rest(bytes);
    while (!rest.empty()) {
      auto view = record::RecordBatchView::Parse(rest);
      if (!view.ok()) break;
      batches.push_back(view->base_offset().value());
      rest = rest.subspan(view->size());
    }
    return batches;
  };
  auto contains = [](const std::vector<int64_t>& v, Offset o) {
    return std::find(v.begin(), v.end(), o.value()) != v.end();
  };

  MustClean(*log);
  auto pass1 = offsets_in_log();
  EXPECT_FALSE(contains(pass1, aborted)) << "aborted data is dropped";
  EXPECT_TRUE(contains(pass1, abort_marker)) << "the marker outlives its data by a pass";
  EXPECT_TRUE(contains(pass1, committed));
  EXPECT_TRUE(contains(pass1, commit_marker)) << "committed data still there";
  for (const auto& r : ReadAll(*log, log->log_start_offset())) EXPECT_NE(r.key, "b");

  MustClean(*log);  // no aborted data left: the ABORT marker gets a delete horizon
  EXPECT_TRUE(contains(offsets_in_log(), abort_marker));
  clock_.AdvanceMs(config_.delete_retention_ms + 1);
  MustClean(*log);
  auto pass3 = offsets_in_log();
  EXPECT_FALSE(contains(pass3, abort_marker)) << "expired marker of an empty transaction";
  EXPECT_TRUE(contains(pass3, commit_marker)) << "its transaction still has data";
}

TEST_F(LogCleanerTest, OpenTransactionBoundsTheCleanableRange) {
  auto log = OpenLog();
  for (int i = 0; i < 20; ++i) Append(*log, {{"k", fmt::format("v{}", i)}});
  Offset open_txn = Append(*log, {{"k", "in-flight"}}, Transactional(9, 0));
  for (int i = 0; i < 40; ++i)
    Append(*log, {{"k", fmt::format("w{}", i)}, {"pad", std::string(80, 'p')}});
  ASSERT_LT(open_txn, log->Segments().back().base_offset);
  CleanStats stats = MustClean(*log);
  EXPECT_EQ(stats.end_offset, open_txn);
  // Everything from the open transaction on is untouched.
  int64_t after = 0;
  for (const auto& r : ReadAll(*log, log->log_start_offset()))
    after += r.offset >= open_txn.value();
  EXPECT_EQ(after, log->log_end_offset() - open_txn);
}

TEST_F(LogCleanerTest, LastBatchOfAProducerIsKeptEvenWhenEmptied) {
  auto log = OpenLog();
  record::BatchBuilderOptions idempotent;
  idempotent.producer_id = ProducerId(42);
  idempotent.producer_epoch = ProducerEpoch(3);
  idempotent.base_sequence = 17;
  Offset last = Append(*log, {{"k", "old"}}, idempotent);
  for (int i = 0; i < 40; ++i)
    Append(*log, {{"k", fmt::format("new{}", i)}, {"pad", std::string(80, 'p')}});
  MustClean(*log);
  auto read = log->Read(log->log_start_offset(), 1 << 20);
  Bytes bytes = *read->ReadBytes();
  auto view = record::RecordBatchView::Parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->base_offset(), last);
  EXPECT_EQ(view->record_count(), 0);
  EXPECT_EQ(view->producer_id(), ProducerId(42));
  EXPECT_EQ(view->producer_epoch(), ProducerEpoch(3));
  EXPECT_EQ(view->base_sequence(), 17);
  EXPECT_TRUE(view->VerifyCrc().ok());
}

TEST_F(LogCleanerTest, DirtyRatioFollowsTheUncleanedPart) {
  auto log = OpenLog();
  for (int i = 0; i < 40; ++i) Append(*log, {{fmt::format("k{}", i % 5), std::string(100, 'v')}});
  auto before = LogCleaner::DirtyRatio(*log);
  ASSERT_TRUE(before.ok());
  EXPECT_DOUBLE_EQ(*before, 1.0);  // nothing cleaned yet
  MustClean(*log);
  auto after = LogCleaner::DirtyRatio(*log);
  ASSERT_TRUE(after.ok());
  EXPECT_DOUBLE_EQ(*after, 0.0);
}

TEST_F(LogCleanerTest, CommittedSwapIsCompletedOnOpenAndUncommittedOutputIsDropped) {
  std::map<std::string, Bytes> before_clean;
  std::vector<SeenRecord> cleaned_records;
  std::vector<SeenRecord> original_records;
  std::vector<Offset> replaced;
  {
    auto log = OpenLog();
    for (int b = 0; b < 60; ++b) Append(*log, {{fmt::format("k{}", b % 4), fmt::format("v{}", b)}});
    ASSERT_TRUE(log->Close().ok());
  }
  before_clean = env_.Snapshot();
  {
    auto log = OpenLog();
    original_records = ReadAll(*log, Offset(0));
    for (const auto& seg : log->Segments()) replaced.push_back(seg.base_offset);
    replaced.pop_back();              // the active segment
    config_.segment_bytes = 1 << 20;  // one group: every closed segment into one
    log->SetConfig(config_);
    MustClean(*log);
    ASSERT_EQ(log->Segments().size(), 2u);
    cleaned_records = ReadAll(*log, Offset(0));
    ASSERT_TRUE(log->Close().ok());
  }
  auto after_clean = env_.Snapshot();
  ASSERT_LT(cleaned_records.size(), original_records.size());
  std::string base = fmt::format("{:020d}", replaced.front().value());

  // Crash after the cleaned files were synced but before the marker: the old log stays.
  auto uncommitted = before_clean;
  for (const char* suffix : {".log", ".index", ".timeindex"}) {
    uncommitted[dir_ + "/" + base + suffix + ".cleaned"] =
        after_clean.at(dir_ + "/" + base + suffix);
  }
  env_.Restore(uncommitted);
  {
    auto log = OpenLog();
    EXPECT_EQ(ReadAll(*log, Offset(0)).size(), original_records.size());
    auto names = env_.ListDir(dir_);
    ASSERT_TRUE(names.ok());
    for (const auto& name : *names) EXPECT_FALSE(name.ends_with(".cleaned")) << name;
  }

  // Crash after the marker, at each step of completing the swap: the cleaned log wins.
  for (int step = 0; step < 4; ++step) {
    auto committed = uncommitted;
    std::string text;
    for (Offset o : replaced) text += fmt::format("{}\n", o.value());
    committed[dir_ + "/" + base + ".swap"] = ToBytes(text);
    if (step >= 1) {  // old segments deleted
      for (Offset o : replaced) {
        for (const char* suffix : {".log", ".index", ".timeindex"}) {
          committed.erase(dir_ + "/" + fmt::format("{:020d}", o.value()) + suffix);
        }
      }
    }
    if (step >= 2) {  // offset index renamed into place
      committed[dir_ + "/" + base + ".index"] = committed.at(dir_ + "/" + base + ".index.cleaned");
      committed.erase(dir_ + "/" + base + ".index.cleaned");
    }
    if (step >= 3) {  // time index renamed too
      committed[dir_ + "/" + base + ".timeindex"] =
          committed.at(dir_ + "/" + base + ".timeindex.cleaned");
      committed.erase(dir_ + "/" + base + ".timeindex.cleaned");
    }
    env_.Restore(committed);
    auto log = OpenLog();
    SCOPED_TRACE(::testing::Message() << "crash at step " << step);
    auto records = ReadAll(*log, log->log_start_offset());
    ASSERT_EQ(records.size(), cleaned_records.size());
    for (size_t i = 0; i < records.size(); ++i)
      EXPECT_EQ(records[i].offset, cleaned_records[i].offset);
    EXPECT_FALSE(env_.FileExists(dir_ + "/" + base + ".swap"));
  }
}

TEST_F(LogCleanerTest, BackgroundThreadCleansLogsOverTheDirtyRatio) {
  config_.min_cleanable_dirty_ratio = 0.5;
  auto log = OpenLog();
  for (int i = 0; i < 60; ++i) Append(*log, {{fmt::format("k{}", i % 3), std::string(100, 'v')}});
  uint64_t size_before = log->size_bytes();
  LogCleaner cleaner(/*backoff_ms=*/5);
  cleaner.Register(log.get());
  cleaner.Start();
  for (int i = 0; i < 2000 && log->size_bytes() >= size_before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  cleaner.Unregister(log.get());
  cleaner.Stop();
  EXPECT_LT(log->size_bytes(), size_before);
  auto ratio = LogCleaner::DirtyRatio(*log);
  ASSERT_TRUE(ratio.ok());
  EXPECT_LT(*ratio, config_.min_cleanable_dirty_ratio);
}

TEST_F(LogCleanerTest, DeletePolicyLogsAreNotCompacted) {
  config_.cleanup_compact = false;
  config_.cleanup_delete = true;
  auto log = OpenLog();
  Append(*log, {{"k", "v"}});
  EXPECT_EQ(LogCleaner::Clean(*log).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace brook::broker::log
