// Record batches written by librdkafka 2.0.2, cut out of the Produce v7 requests in
// reference/kafka-protocol/captures/frames.txt (after the partition index and the int32 size of
// the records field).

#include <gtest/gtest.h>

#include "broker/record/record.h"
#include "broker/record/record_batch.h"
#include "broker/record/validate.h"
#include "tests/broker/record/test_records.h"

namespace brook::broker::record {
namespace {

using testing::FromHex;

// Produce corr=5 (idempotent producer, ProducerId 388908000): key1/val1 and key2/val2, each with
// header hk=hv.
constexpr std::string_view kIdempotentBatch =
    "00000000000000000000005b00000000027b19fd20000000000001000001a21435af8c000001a21435af8c000000"
    "00172e43e00000000000000000000228000000086b6579310876616c310204686b04687628000002086b65793208"
    "76616c320204686b046876";
// Produce corr=9 (transactional producer, ProducerId 677595000): k1/"committed-1" with header
// h=v, then a null key with "committed-2".
constexpr std::string_view kTransactionalBatch =
    "00000000000000000000005b000000000293aa3594001000000001000001a21435af9b000001a21435af9b000000"
    "0028634778000000000000000000022e000000046b3116636f6d6d69747465642d3102026802762200000201166"
    "36f6d6d69747465642d3200";
// Produce corr=10 (same producer, next transaction): one record, null key, "aborted-1",
// BaseSequence 2.
constexpr std::string_view kAbortedBatch =
    "000000000000000000000041000000000295f2803c001000000000000001a21435b387000001a21435b38700000"
    "00028634778000000000002000000011e000000011261626f727465642d3100";

TEST(LibrdkafkaCaptureTest, IdempotentBatchVerifiesAndDecodes) {
  Bytes bytes = FromHex(kIdempotentBatch);
  ASSERT_EQ(bytes.size(), 103u);
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  EXPECT_TRUE(batch.VerifyCrc().ok());
  EXPECT_EQ(batch.crc(), 0x7b19fd20u);
  EXPECT_EQ(batch.compression(), Compression::kNone);
  EXPECT_EQ(batch.producer_id(), ProducerId(388908000));
  EXPECT_EQ(batch.producer_epoch(), ProducerEpoch(0));
  EXPECT_EQ(batch.base_sequence(), 0);
  EXPECT_EQ(batch.record_count(), 2);
  EXPECT_TRUE(ValidateProducedBatch(bytes, {}).ok());

  DecodedBatch decoded = std::move(DecodedBatch::Decode(batch)).value();
  ASSERT_EQ(decoded.records().size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const RecordView& record = decoded.records()[static_cast<size_t>(i)];
    EXPECT_EQ(record.offset, Offset(i));
    EXPECT_EQ(record.timestamp, 1795635392396);
    EXPECT_EQ(AsChars(*record.key), "key" + std::to_string(i + 1));
    EXPECT_EQ(AsChars(*record.value), "val" + std::to_string(i + 1));
    ASSERT_EQ(record.headers.size(), 1u);
    EXPECT_EQ(record.headers[0].key, "hk");
    EXPECT_EQ(AsChars(*record.headers[0].value), "hv");
  }
}

TEST(LibrdkafkaCaptureTest, TransactionalBatchVerifiesAndDecodes) {
  Bytes bytes = FromHex(kTransactionalBatch);
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  EXPECT_TRUE(batch.VerifyCrc().ok());
  EXPECT_TRUE(batch.is_transactional());
  EXPECT_FALSE(batch.is_control());
  EXPECT_EQ(batch.producer_id(), ProducerId(677595000));
  EXPECT_TRUE(ValidateProducedBatch(bytes, {}).ok());

  DecodedBatch decoded = std::move(DecodedBatch::Decode(batch)).value();
  ASSERT_EQ(decoded.records().size(), 2u);
  const RecordView& first = decoded.records()[0];
  EXPECT_EQ(AsChars(*first.key), "k1");
  EXPECT_EQ(AsChars(*first.value), "committed-1");
  ASSERT_EQ(first.headers.size(), 1u);
  EXPECT_EQ(first.headers[0].key, "h");
  EXPECT_EQ(AsChars(*first.headers[0].value), "v");
  const RecordView& second = decoded.records()[1];
  EXPECT_EQ(second.offset, Offset(1));
  EXPECT_FALSE(second.key.has_value());
  EXPECT_EQ(AsChars(*second.value), "committed-2");
  EXPECT_TRUE(second.headers.empty());
  EXPECT_EQ(second.timestamp, 1795635392411);
}

TEST(LibrdkafkaCaptureTest, AbortedTransactionBatchContinuesTheSequence) {
  Bytes bytes = FromHex(kAbortedBatch);
  ASSERT_EQ(bytes.size(), 77u);
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  EXPECT_TRUE(batch.VerifyCrc().ok());
  EXPECT_EQ(batch.base_sequence(), 2);
  DecodedBatch decoded = std::move(DecodedBatch::Decode(batch)).value();
  ASSERT_EQ(decoded.records().size(), 1u);
  EXPECT_FALSE(decoded.records()[0].key.has_value());
  EXPECT_EQ(AsChars(*decoded.records()[0].value), "aborted-1");
  ValidationOptions compacted;
  compacted.compacted = true;
  EXPECT_EQ(ValidateProducedBatch(bytes, compacted).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace brook::broker::record
