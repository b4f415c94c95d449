#include "broker/record/control_record.h"

#include <gtest/gtest.h>

#include "broker/record/record_batch.h"
#include "tests/broker/record/test_records.h"

namespace brook::broker::record {
namespace {

using testing::FromHex;

// COMMIT marker at offset 5, ProducerId 677595000, epoch 0, coordinator epoch 0, timestamp
// 1700000000000, partition leader epoch 0: reference/kafka-protocol/captures/
// control-batch-example.txt.
constexpr std::string_view kCommitMarker =
    "0000000000000005000000420000000002657ba5870030000000000000018bcfe568000000018bcfe568000000"
    "0000286347780000ffffffff000000012000000008000000010c00000000000000";

TEST(ControlRecordTest, CommitMarkerMatchesKafkasBytes) {
  Bytes bytes = BuildControlBatch(ControlType::kCommit, ProducerId(677595000), ProducerEpoch(0),
                                  /*coordinator_epoch=*/0, Offset(5), 1'700'000'000'000);
  EXPECT_EQ(bytes.size(), kControlBatchSize);
  EXPECT_EQ(HexString(bytes), kCommitMarker);
}

TEST(ControlRecordTest, MarkerHeaderIsTransactionalControlWithoutSequence) {
  Bytes bytes = BuildControlBatch(ControlType::kAbort, ProducerId(9), ProducerEpoch(3), 17,
                                  Offset(40), 123, /*partition_leader_epoch=*/6);
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  EXPECT_TRUE(batch.VerifyCrc().ok());
  EXPECT_EQ(batch.attributes(), 0x30);
  EXPECT_EQ(batch.base_sequence(), -1);
  EXPECT_EQ(batch.record_count(), 1);
  EXPECT_EQ(batch.last_offset_delta(), 0);
  EXPECT_EQ(batch.partition_leader_epoch(), 6);
  EXPECT_EQ(batch.base_timestamp(), 123);
  EXPECT_EQ(batch.max_timestamp(), 123);
}

TEST(ControlRecordTest, ParseReadsTypeAndCoordinatorEpoch) {
  Bytes bytes =
      BuildControlBatch(ControlType::kAbort, ProducerId(9), ProducerEpoch(3), 17, Offset(40), 123);
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  DecodedBatch decoded = std::move(DecodedBatch::Decode(batch)).value();
  ASSERT_EQ(decoded.records().size(), 1u);
  EXPECT_EQ(decoded.records()[0].offset, Offset(40));
  Result<ControlRecord> control = ParseControlRecord(decoded.records()[0]);
  ASSERT_TRUE(control.ok()) << control.status().ToString();
  EXPECT_EQ(control->version, 0);
  EXPECT_EQ(control->type, ControlType::kAbort);
  EXPECT_EQ(control->value_version, 0);
  EXPECT_EQ(control->coordinator_epoch, 17);
}

TEST(ControlRecordTest, KeyOtherThanFourBytesIsCorruption) {
  Bytes key = FromHex("000001");
  RecordView record;
  record.key = ByteView(key);
  EXPECT_EQ(ParseControlRecord(record).status().code(), StatusCode::kCorruption);
  record.key = std::nullopt;
  EXPECT_EQ(ParseControlRecord(record).status().code(), StatusCode::kCorruption);
}

TEST(ControlRecordTest, UnknownTypesAreReportedAsStored) {
  Bytes key = FromHex("00000005");
  RecordView record;
  record.key = ByteView(key);
  Result<ControlRecord> control = ParseControlRecord(record);
  ASSERT_TRUE(control.ok());
  EXPECT_EQ(static_cast<int16_t>(control->type), 5);
  EXPECT_EQ(control->coordinator_epoch, -1);
}

TEST(ControlRecordTest, MarkerWithShortValueIsCorruption) {
  Bytes key = FromHex("00000001");
  Bytes value = FromHex("0000");
  RecordView record;
  record.key = ByteView(key);
  record.value = ByteView(value);
  EXPECT_EQ(ParseControlRecord(record).status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace brook::broker::record
