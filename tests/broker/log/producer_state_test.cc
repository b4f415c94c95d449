#include "broker/log/producer_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "broker/log/mem_env.h"
#include "broker/record/batch_builder.h"
#include "broker/record/control_record.h"
#include "common/crc32c.h"

namespace brook::broker::log {
namespace {

using record::ControlType;
using ::testing::HasSubstr;

constexpr int64_t kTimestamp = 1'000'000;
const std::string kDir = "/data/orders-0";

// A data batch of `count` records whose base offset the log has already assigned.
Bytes DataBatch(int64_t producer_id, int16_t epoch, int32_t base_sequence, int count,
                Offset base_offset, bool transactional = false, int64_t timestamp = kTimestamp) {
  record::BatchBuilderOptions options;
  options.base_offset = base_offset;
  options.producer_id = ProducerId(producer_id);
  options.producer_epoch = ProducerEpoch(epoch);
  options.base_sequence = base_sequence;
  options.transactional = transactional;
  record::RecordBatchBuilder builder(options);
  for (int i = 0; i < count; ++i) {
    builder.Add(timestamp + i, AsBytes(fmt::format("k{}", i)), AsBytes("v"));
  }
  auto built = builder.Build();
  EXPECT_TRUE(built.ok()) << built.status().ToString();
  return std::move(built).value();
}

Bytes Marker(ControlType type, int64_t producer_id, int16_t epoch, Offset offset,
             int32_t coordinator_epoch = 0, int64_t timestamp = kTimestamp) {
  return record::BuildControlBatch(type, ProducerId(producer_id), ProducerEpoch(epoch),
                                   coordinator_epoch, offset, timestamp);
}

record::RecordBatchView View(const Bytes& bytes) {
  auto view = record::RecordBatchView::Parse(bytes);
  EXPECT_TRUE(view.ok()) << view.status().ToString();
  return *view;
}

// Rewrites the CRC of a snapshot after a test edited its body on purpose.
void Reseal(Bytes& snapshot) {
  StoreBigEndian<uint32_t>(snapshot.data() + 2, crc32c::Value(ByteView(snapshot).subspan(6)));
}

// Drives a ProducerStateManager as the log does: each batch is checked, then applied at the
// log end.
class ProducerStateTest : public ::testing::Test {
 protected:
  // Checks a data batch that would go at the log end, without appending it.
  ProducerCheckResult CheckData(int64_t producer_id, int16_t epoch, int32_t sequence, int count = 1,
                                bool transactional = false) {
    return state_.Check(
        View(DataBatch(producer_id, epoch, sequence, count, log_end_, transactional)));
  }

  // Appends a data batch that must pass Check().
  void Produce(int64_t producer_id, int16_t epoch, int32_t sequence, int count = 1,
               bool transactional = false, int64_t timestamp = kTimestamp) {
    Bytes batch =
        DataBatch(producer_id, epoch, sequence, count, log_end_, transactional, timestamp);
    ProducerCheckResult check = state_.Check(View(batch));
    EXPECT_EQ(check.check, ProducerCheck::kAppend) << check.message;
    Apply(batch);
  }

  // Appends a COMMIT or ABORT marker that must pass Check(); returns the transaction it closed.
  std::optional<CompletedTxn> EndTxn(ControlType type, int64_t producer_id, int16_t epoch,
                                     int32_t coordinator_epoch = 0,
                                     int64_t timestamp = kTimestamp) {
    Bytes marker = Marker(type, producer_id, epoch, log_end_, coordinator_epoch, timestamp);
    ProducerCheckResult check = state_.Check(View(marker));
    EXPECT_EQ(check.check, ProducerCheck::kAppend) << check.message;
    return Apply(marker);
  }

  std::optional<CompletedTxn> Apply(const Bytes& batch) {
    record::RecordBatchView view = View(batch);
    auto updated = state_.Update(view);
    EXPECT_TRUE(updated.ok()) << updated.status().ToString();
    log_end_ = view.next_offset();
    return updated.ok() ? *updated : std::nullopt;
  }

  const ProducerEntry& Entry(int64_t producer_id) {
    const ProducerEntry* entry = state_.Find(ProducerId(producer_id));
    EXPECT_NE(entry, nullptr) << "producer " << producer_id;
    static const ProducerEntry kMissing;
    return entry == nullptr ? kMissing : *entry;
  }

  ProducerStateManager state_;
  Offset log_end_{0};
};

TEST_F(ProducerStateTest, UnknownProducerMayStartAtAnySequence) {
  EXPECT_EQ(CheckData(7, 0, 42).check, ProducerCheck::kAppend);
  Produce(7, 0, 42, 3);
  const ProducerEntry& entry = Entry(7);
  EXPECT_EQ(entry.epoch, ProducerEpoch(0));
  EXPECT_EQ(entry.last_seq(), 44);
  EXPECT_EQ(entry.last_timestamp, kTimestamp + 2);
  ASSERT_EQ(entry.batches.size(), 1u);
  EXPECT_EQ(entry.batches[0], (ProducerBatch{42, 44, Offset(0), Offset(2), kTimestamp + 2}));
  Produce(7, 0, 45);
}

TEST_F(ProducerStateTest, SequenceMustContinueFromTheLastBatch) {
  Produce(7, 0, 0, 3);  // sequences 0..2
  ProducerCheckResult gap = CheckData(7, 0, 5);
  EXPECT_EQ(gap.check, ProducerCheck::kOutOfOrderSequence);
  EXPECT_THAT(gap.message, HasSubstr("Out of order sequence number for producer 7 at offset 3"));
  EXPECT_THAT(gap.message, HasSubstr("5 (incoming seq. number), 2 (current end sequence number)"));
  // Overlapping the last batch without being one of the retained batches is out of order too.
  EXPECT_EQ(CheckData(7, 0, 1).check, ProducerCheck::kOutOfOrderSequence);
  EXPECT_EQ(CheckData(7, 0, 3).check, ProducerCheck::kAppend);
}

TEST_F(ProducerStateTest, OlderEpochIsFenced) {
  Produce(7, 3, 0);
  ProducerCheckResult stale = CheckData(7, 2, 1);
  EXPECT_EQ(stale.check, ProducerCheck::kInvalidProducerEpoch);
  EXPECT_THAT(stale.message, HasSubstr("producer 7"));
  EXPECT_THAT(stale.message, HasSubstr("is 2, which is smaller than the last seen epoch 3"));
  // A retry of the retained batch under an older epoch is fenced, not a duplicate.
  EXPECT_EQ(CheckData(7, 2, 0).check, ProducerCheck::kInvalidProducerEpoch);
}

TEST_F(ProducerStateTest, EpochBumpRestartsSequencesAtZero) {
  Produce(7, 0, 0, 5);
  Produce(7, 0, 5, 5);
  ProducerCheckResult bad = CheckData(7, 1, 3);
  EXPECT_EQ(bad.check, ProducerCheck::kOutOfOrderSequence);
  EXPECT_THAT(bad.message, HasSubstr("new epoch of producer 7"));
  EXPECT_THAT(bad.message,
              HasSubstr("1 (request epoch), 3 (seq. number), 0 (current producer epoch)"));

  Produce(7, 1, 0, 2);
  const ProducerEntry& entry = Entry(7);
  EXPECT_EQ(entry.epoch, ProducerEpoch(1));
  ASSERT_EQ(entry.batches.size(), 1u);  // the old epoch's batches are gone
  EXPECT_EQ(entry.last_seq(), 1);
  EXPECT_EQ(CheckData(7, 0, 10).check, ProducerCheck::kInvalidProducerEpoch);
  EXPECT_EQ(CheckData(7, 0, 0, 5).check, ProducerCheck::kInvalidProducerEpoch);
  EXPECT_EQ(CheckData(7, 1, 2).check, ProducerCheck::kAppend);
}

TEST_F(ProducerStateTest, EachOfTheLastFiveBatchesIsRecognisedAsDuplicate) {
  std::vector<Offset> bases;
  for (int i = 0; i < 6; ++i) {
    bases.push_back(log_end_);
    Produce(7, 0, 2 * i, 2);
  }
  const ProducerEntry& entry = Entry(7);
  ASSERT_EQ(entry.batches.size(), kProducerBatchesRetained);
  EXPECT_EQ(entry.batches.front().first_seq, 2);

  // The sixth-oldest batch was forgotten: its retry is out of order, not a duplicate.
  EXPECT_EQ(CheckData(7, 0, 0, 2).check, ProducerCheck::kOutOfOrderSequence);
  for (int i = 1; i < 6; ++i) {
    ProducerCheckResult retry = CheckData(7, 0, 2 * i, 2);
    EXPECT_EQ(retry.check, ProducerCheck::kDuplicate) << "batch " << i;
    ASSERT_TRUE(retry.duplicate_of.has_value()) << "batch " << i;
    EXPECT_EQ(retry.duplicate_of->first_offset, bases[i]);
    EXPECT_EQ(retry.duplicate_of->last_offset, bases[i] + 1);
    EXPECT_EQ(*retry.duplicate_of, entry.batches[i - 1]);
  }
  // Same first sequence, different length: not the same batch.
  EXPECT_EQ(CheckData(7, 0, 10, 1).check, ProducerCheck::kOutOfOrderSequence);
}

TEST_F(ProducerStateTest, SequenceWrapsToZeroAfterInt32Max) {
  Produce(7, 0, INT32_MAX - 1, 4);  // INT32_MAX - 1, INT32_MAX, 0, 1
  EXPECT_EQ(Entry(7).batches.back().first_seq, INT32_MAX - 1);
  EXPECT_EQ(Entry(7).last_seq(), 1);
  EXPECT_EQ(CheckData(7, 0, INT32_MAX - 1, 4).check, ProducerCheck::kDuplicate);
  Produce(7, 0, 2);

  Produce(8, 0, INT32_MAX - 2, 3);  // ends exactly at INT32_MAX
  EXPECT_EQ(Entry(8).last_seq(), INT32_MAX);
  EXPECT_EQ(CheckData(8, 0, 1).check, ProducerCheck::kOutOfOrderSequence);
  Produce(8, 0, 0);
}

TEST_F(ProducerStateTest, NonTransactionalBatchInsideATransactionIsRejected) {
  Produce(7, 0, 0, 2, /*transactional=*/true);
  ProducerCheckResult plain = CheckData(7, 0, 2, 1, /*transactional=*/false);
  EXPECT_EQ(plain.check, ProducerCheck::kInvalidTxnState);
  EXPECT_THAT(plain.message, HasSubstr("Expected transactional write from producer 7"));
  EXPECT_THAT(plain.message, HasSubstr("open since offset 0"));
  EXPECT_EQ(CheckData(7, 0, 2, 1, /*transactional=*/true).check, ProducerCheck::kAppend);

  ASSERT_TRUE(EndTxn(ControlType::kCommit, 7, 0).has_value());
  EXPECT_EQ(CheckData(7, 0, 2, 1, /*transactional=*/false).check, ProducerCheck::kAppend);
}

TEST_F(ProducerStateTest, TransactionsMoveTheFirstUnstableOffset) {
  EXPECT_EQ(state_.FirstUnstableOffset(), std::nullopt);
  Produce(1, 0, 0, 2, /*transactional=*/true);  // offsets 0-1: producer 1 opens at 0
  Produce(2, 0, 0, 1, /*transactional=*/true);  // offset 2: producer 2 opens at 2
  Produce(1, 0, 2, 1, /*transactional=*/true);  // offset 3: producer 1 still open since 0
  EXPECT_EQ(state_.FirstUnstableOffset(), Offset(0));
  EXPECT_EQ(Entry(1).txn_first_offset, Offset(0));
  EXPECT_EQ(Entry(2).txn_first_offset, Offset(2));

  std::optional<CompletedTxn> committed = EndTxn(ControlType::kCommit, 1, 0, 4);  // offset 4
  ASSERT_TRUE(committed.has_value());
  EXPECT_EQ(committed->producer_id, ProducerId(1));
  EXPECT_EQ(committed->first_offset, Offset(0));
  EXPECT_EQ(committed->last_offset, Offset(4));
  EXPECT_FALSE(committed->aborted);
  EXPECT_EQ(state_.FirstUnstableOffset(), Offset(2));
  EXPECT_EQ(Entry(1).txn_first_offset, std::nullopt);
  EXPECT_EQ(Entry(1).coordinator_epoch, 4);

  std::optional<CompletedTxn> aborted = EndTxn(ControlType::kAbort, 2, 0, 4);  // offset 5
  ASSERT_TRUE(aborted.has_value());
  EXPECT_EQ(aborted->producer_id, ProducerId(2));
  EXPECT_EQ(aborted->first_offset, Offset(2));
  EXPECT_EQ(aborted->last_offset, Offset(5));
  EXPECT_TRUE(aborted->aborted);
  EXPECT_EQ(state_.FirstUnstableOffset(), std::nullopt);

  Produce(1, 0, 3, 1, /*transactional=*/true);  // offset 6: producer 1's next transaction
  EXPECT_EQ(state_.FirstUnstableOffset(), Offset(6));
}

TEST_F(ProducerStateTest, MarkerOfAnEmptyTransactionClosesNothing) {
  Produce(7, 0, 0);
  EXPECT_EQ(EndTxn(ControlType::kAbort, 7, 0), std::nullopt);
  EXPECT_EQ(state_.FirstUnstableOffset(), std::nullopt);

  // A marker for an unknown producer records its epoch; its next batch must start at 0.
  EXPECT_EQ(EndTxn(ControlType::kCommit, 9, 3, /*coordinator_epoch=*/2, kTimestamp + 50),
            std::nullopt);
  const ProducerEntry& entry = Entry(9);
  EXPECT_EQ(entry.epoch, ProducerEpoch(3));
  EXPECT_EQ(entry.coordinator_epoch, 2);
  EXPECT_EQ(entry.last_timestamp, kTimestamp + 50);
  EXPECT_TRUE(entry.batches.empty());
  EXPECT_EQ(entry.last_seq(), -1);
  ProducerCheckResult late = CheckData(9, 3, 5);
  EXPECT_EQ(late.check, ProducerCheck::kOutOfOrderSequence);
  EXPECT_THAT(late.message,
              HasSubstr("5 (incoming seq. number), -1 (current end sequence number)"));
  EXPECT_EQ(CheckData(9, 3, 0).check, ProducerCheck::kAppend);
}

TEST_F(ProducerStateTest, MarkerWithAHigherEpochDropsTheRetainedBatches) {
  Produce(7, 0, 0, 1, /*transactional=*/true);
  std::optional<CompletedTxn> fenced = EndTxn(ControlType::kAbort, 7, 1);  // coordinator bump
  ASSERT_TRUE(fenced.has_value());
  EXPECT_TRUE(fenced->aborted);
  EXPECT_EQ(Entry(7).epoch, ProducerEpoch(1));
  EXPECT_TRUE(Entry(7).batches.empty());
  EXPECT_EQ(CheckData(7, 0, 1, 1, true).check, ProducerCheck::kInvalidProducerEpoch);
  EXPECT_EQ(CheckData(7, 1, 1, 1, true).check, ProducerCheck::kOutOfOrderSequence);
  EXPECT_EQ(CheckData(7, 1, 0, 1, true).check, ProducerCheck::kAppend);
}

TEST_F(ProducerStateTest, MarkerWithAStaleEpochIsRejected) {
  Produce(7, 2, 0, 1, /*transactional=*/true);
  ProducerCheckResult stale = state_.Check(View(Marker(ControlType::kCommit, 7, 1, log_end_)));
  EXPECT_EQ(stale.check, ProducerCheck::kInvalidProducerEpoch);
  EXPECT_THAT(stale.message, HasSubstr("producer 7"));
  // Markers carry no sequence: the current and a newer epoch pass.
  EXPECT_EQ(state_.Check(View(Marker(ControlType::kCommit, 7, 2, log_end_))).check,
            ProducerCheck::kAppend);
  EXPECT_EQ(state_.Check(View(Marker(ControlType::kAbort, 7, 3, log_end_))).check,
            ProducerCheck::kAppend);
}

TEST_F(ProducerStateTest, UnreadableMarkerIsCorruption) {
  record::BatchBuilderOptions options;
  options.producer_id = ProducerId(7);
  options.producer_epoch = ProducerEpoch(0);
  options.transactional = true;
  options.control = true;
  record::RecordBatchBuilder builder(options);
  builder.Add(kTimestamp, AsBytes("k"), AsBytes("v"));  // a 1-byte key is no control key
  auto batch = builder.Build();
  ASSERT_TRUE(batch.ok());
  auto updated = state_.Update(View(*batch));
  EXPECT_EQ(updated.status().code(), StatusCode::kCorruption);
  EXPECT_THAT(updated.status().message(), HasSubstr("producer 7"));
  EXPECT_EQ(state_.size(), 0u);
}

TEST_F(ProducerStateTest, BatchesWithoutAProducerIdAreIgnored) {
  Bytes plain = DataBatch(-1, -1, -1, 3, Offset(0));
  EXPECT_EQ(state_.Check(View(plain)).check, ProducerCheck::kAppend);
  EXPECT_EQ(Apply(plain), std::nullopt);
  EXPECT_EQ(state_.size(), 0u);
}

TEST_F(ProducerStateTest, ExpiryKeepsProducersWithOpenTransactions) {
  Produce(1, 0, 0, 1, /*transactional=*/false, /*timestamp=*/1000);
  Produce(2, 0, 0, 1, /*transactional=*/true, /*timestamp=*/1000);
  Produce(3, 0, 0, 1, /*transactional=*/false, /*timestamp=*/5000);
  EXPECT_EQ(state_.RemoveExpired(/*now_ms=*/10'999, /*expiration_ms=*/10'000), 0);
  EXPECT_EQ(state_.RemoveExpired(11'000, 10'000), 1);
  EXPECT_EQ(state_.Find(ProducerId(1)), nullptr);
  EXPECT_NE(state_.Find(ProducerId(2)), nullptr);  // as old, but its transaction is open
  EXPECT_NE(state_.Find(ProducerId(3)), nullptr);

  EndTxn(ControlType::kCommit, 2, 0, 0, /*timestamp=*/1000);
  EXPECT_EQ(state_.RemoveExpired(11'000, 10'000), 1);
  EXPECT_EQ(state_.Find(ProducerId(2)), nullptr);
  EXPECT_EQ(CheckData(1, 0, 77).check, ProducerCheck::kAppend);  // unknown again
}

TEST_F(ProducerStateTest, SnapshotRoundTripKeepsEveryProducer) {
  for (int i = 0; i < 6; ++i) Produce(1, 0, 3 * i, 3);          // five batches retained
  Produce(2, 5, INT32_MAX, 2, /*transactional=*/true);          // wrapped, open since 18
  Produce(3, 0, 0, 1, /*transactional=*/true);                  // open since 20
  EndTxn(ControlType::kCommit, 4, 2, /*coordinator_epoch=*/7);  // a marker-only entry
  MemEnv env;
  ASSERT_TRUE(state_.WriteSnapshot(&env, kDir, log_end_).ok());

  ProducerStateManager loaded;
  ASSERT_TRUE(loaded.Update(View(DataBatch(99, 0, 0, 1, Offset(0)))).ok());  // replaced by Load
  ASSERT_TRUE(loaded.LoadSnapshot(&env, kDir, log_end_).ok());
  EXPECT_EQ(loaded.producers(), state_.producers());
  EXPECT_EQ(loaded.FirstUnstableOffset(), Offset(18));
  EXPECT_EQ(loaded.FirstUnstableOffset(), state_.FirstUnstableOffset());
  EXPECT_EQ(loaded.Find(ProducerId(99)), nullptr);

  // After a restart a retry of the oldest in-flight batch is still recognised.
  ProducerCheckResult retry = loaded.Check(View(DataBatch(1, 0, 3, 3, log_end_)));
  EXPECT_EQ(retry.check, ProducerCheck::kDuplicate);
  ASSERT_TRUE(retry.duplicate_of.has_value());
  EXPECT_EQ(retry.duplicate_of->first_offset, Offset(3));
  // And the loaded open transactions still close.
  auto closed = loaded.Update(View(Marker(ControlType::kAbort, 2, 5, log_end_)));
  ASSERT_TRUE(closed.ok());
  ASSERT_TRUE(closed->has_value());
  EXPECT_EQ((*closed)->first_offset, Offset(18));
  EXPECT_EQ(loaded.FirstUnstableOffset(), Offset(20));
}

TEST_F(ProducerStateTest, SnapshotBytesFollowTheDocumentedLayout) {
  Produce(7, 3, 10, 2, /*transactional=*/true);
  MemEnv env;
  ASSERT_TRUE(state_.WriteSnapshot(&env, kDir, Offset(2)).ok());
  auto data = env.ReadSmallFile(kDir + "/00000000000000000002.snapshot");
  ASSERT_TRUE(data.ok());
  ASSERT_EQ(data->size(), 10u + 34 + 32);
  const uint8_t* p = data->data();
  EXPECT_EQ(LoadBigEndian<int16_t>(p), 1);                              // version
  EXPECT_EQ(LoadBigEndian<uint32_t>(p + 2), crc32c::Value(p + 6, 70));  // CRC
  EXPECT_EQ(LoadBigEndian<int32_t>(p + 6), 1);                          // producers
  EXPECT_EQ(LoadBigEndian<int64_t>(p + 10), 7);                         // producer id
  EXPECT_EQ(LoadBigEndian<int16_t>(p + 18), 3);                         // epoch
  EXPECT_EQ(LoadBigEndian<int32_t>(p + 20), -1);                        // coordinator epoch
  EXPECT_EQ(LoadBigEndian<int64_t>(p + 24), kTimestamp + 1);            // last timestamp
  EXPECT_EQ(LoadBigEndian<int64_t>(p + 32), 0);                         // txn first offset
  EXPECT_EQ(LoadBigEndian<int32_t>(p + 40), 1);                         // batches
  EXPECT_EQ(LoadBigEndian<int32_t>(p + 44), 10);                        // first seq
  EXPECT_EQ(LoadBigEndian<int32_t>(p + 48), 11);                        // last seq
  EXPECT_EQ(LoadBigEndian<int64_t>(p + 52), 0);                         // first offset
  EXPECT_EQ(LoadBigEndian<int64_t>(p + 60), 1);                         // last offset
  EXPECT_EQ(LoadBigEndian<int64_t>(p + 68), kTimestamp + 1);            // max timestamp
}

TEST_F(ProducerStateTest, DamagedSnapshotIsCorruptionAndLeavesTheStateEmpty) {
  Produce(1, 0, 0, 3, /*transactional=*/true);
  Produce(2, 0, 0, 1);
  MemEnv env;
  ASSERT_TRUE(state_.WriteSnapshot(&env, kDir, Offset(4)).ok());
  const std::string path = kDir + "/" + ProducerStateManager::SnapshotFileName(Offset(4));
  const auto pristine = env.Snapshot();
  const uint64_t size = *env.FileSize(path);

  auto expect_corruption = [&](const std::string& damage) {
    ProducerStateManager loaded;
    ASSERT_TRUE(loaded.Update(View(DataBatch(99, 0, 0, 1, Offset(0), true))).ok());
    Status status = loaded.LoadSnapshot(&env, kDir, Offset(4));
    EXPECT_EQ(status.code(), StatusCode::kCorruption) << damage;
    EXPECT_THAT(status.message(), HasSubstr(path)) << damage;
    EXPECT_EQ(loaded.size(), 0u) << damage;
    EXPECT_EQ(loaded.FirstUnstableOffset(), std::nullopt) << damage;
  };
  // The version, the CRC, the producer count, a producer id, a batch, the last byte.
  for (uint64_t position :
       {uint64_t{0}, uint64_t{1}, uint64_t{3}, uint64_t{9}, uint64_t{12}, uint64_t{50}, size - 1}) {
    env.Restore(pristine);
    ASSERT_TRUE(env.FlipByte(path, position, 0x10).ok());
    expect_corruption(fmt::format("byte {} flipped", position));
  }
  for (uint64_t cut : {uint64_t{0}, uint64_t{5}, uint64_t{10}, size - 32, size - 1}) {
    env.Restore(pristine);
    ASSERT_TRUE(env.TruncateFile(path, cut).ok());
    expect_corruption(fmt::format("cut to {} bytes", cut));
  }
}

TEST_F(ProducerStateTest, SnapshotWithBadCountsIsCorruptionDespiteAGoodChecksum) {
  Produce(7, 0, 0, 2);
  MemEnv env;
  ASSERT_TRUE(state_.WriteSnapshot(&env, kDir, Offset(2)).ok());
  const std::string path = kDir + "/" + ProducerStateManager::SnapshotFileName(Offset(2));
  auto pristine = env.ReadSmallFile(path);
  ASSERT_TRUE(pristine.ok());

  auto expect_corruption = [&](Bytes data, const std::string& why) {
    ASSERT_TRUE(env.WriteSmallFileAtomically(path, data).ok());
    ProducerStateManager loaded;
    Status status = loaded.LoadSnapshot(&env, kDir, Offset(2));
    EXPECT_EQ(status.code(), StatusCode::kCorruption) << status.ToString();
    EXPECT_THAT(status.message(), HasSubstr(why));
    EXPECT_EQ(loaded.size(), 0u);
  };
  Bytes trailing = *pristine;
  trailing.push_back(0);
  Reseal(trailing);
  expect_corruption(trailing, "1 bytes after the last producer");

  Bytes more_producers = *pristine;
  StoreBigEndian<int32_t>(more_producers.data() + 6, 2);
  Reseal(more_producers);
  expect_corruption(more_producers, "producer count 2");

  Bytes six_batches = *pristine;
  StoreBigEndian<int32_t>(six_batches.data() + 40, 6);
  Reseal(six_batches);
  expect_corruption(six_batches, "6 batches");

  Bytes newer = *pristine;
  StoreBigEndian<int16_t>(newer.data(), 2);
  expect_corruption(newer, "unknown version 2");
}

TEST_F(ProducerStateTest, MissingSnapshotIsNotFound) {
  MemEnv env;
  Status status = state_.LoadSnapshot(&env, kDir, Offset(5));
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_FALSE(env.FileExists(kDir + "/00000000000000000005.snapshot"));
}

TEST_F(ProducerStateTest, SnapshotsAreListedAndDeletedByOffset) {
  EXPECT_EQ(ProducerStateManager::SnapshotFileName(Offset(100)), "00000000000000000100.snapshot");
  MemEnv env;
  for (int64_t offset : {250, 0, 100}) {
    ASSERT_TRUE(state_.WriteSnapshot(&env, kDir, Offset(offset)).ok());
  }
  ASSERT_TRUE(env.OpenFile(kDir + "/00000000000000000000.log").ok());
  ASSERT_TRUE(env.OpenFile(kDir + "/00000000000000000300.snapshot.tmp").ok());
  auto listed = ProducerStateManager::ListSnapshots(&env, kDir);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, (std::vector<Offset>{Offset(0), Offset(100), Offset(250)}));

  ASSERT_TRUE(ProducerStateManager::DeleteSnapshotsAfter(&env, kDir, Offset(100)).ok());
  EXPECT_EQ(*ProducerStateManager::ListSnapshots(&env, kDir),
            (std::vector<Offset>{Offset(0), Offset(100)}));
  ASSERT_TRUE(ProducerStateManager::DeleteSnapshotsBefore(&env, kDir, Offset(100)).ok());
  EXPECT_EQ(*ProducerStateManager::ListSnapshots(&env, kDir), (std::vector<Offset>{Offset(100)}));
  EXPECT_TRUE(env.FileExists(kDir + "/00000000000000000000.log"));
}

}  // namespace
}  // namespace brook::broker::log
