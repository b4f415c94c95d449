#include "broker/record/batch_builder.h"

#include <random>

#include <gtest/gtest.h>

#include "broker/record/compression.h"
#include "broker/record/record.h"
#include "broker/record/record_batch.h"
#include "tests/broker/record/test_records.h"

namespace brook::broker::record {
namespace {

using testing::FromHex;
using testing::kAllCodecs;
using testing::RandomRecords;

std::optional<Bytes> Owned(std::optional<ByteView> view) {
  if (!view.has_value()) return std::nullopt;
  return Bytes(view->begin(), view->end());
}

void ExpectSameRecord(const RecordView& got, const Record& want) {
  EXPECT_EQ(got.timestamp, want.timestamp);
  EXPECT_EQ(Owned(got.key), want.key);
  EXPECT_EQ(Owned(got.value), want.value);
  ASSERT_EQ(got.headers.size(), want.headers.size());
  for (size_t h = 0; h < want.headers.size(); ++h) {
    EXPECT_EQ(got.headers[h].key, want.headers[h].key);
    EXPECT_EQ(Owned(got.headers[h].value), want.headers[h].value);
  }
}

TEST(RecordBatchBuilderTest, RandomRecordsRoundTripThroughEveryCodec) {
  std::mt19937_64 rng(2024);
  for (Compression codec : kAllCodecs) {
    for (size_t count : {size_t{1}, size_t{7}, size_t{200}}) {
      std::vector<Record> records = RandomRecords(rng, count, 300'000);
      BatchBuilderOptions options;
      options.compression = codec;
      RecordBatchBuilder builder(options);
      for (const Record& record : records) builder.Add(record);
      Bytes bytes = *builder.Build();

      Result<RecordBatchView> batch = RecordBatchView::Parse(bytes);
      ASSERT_TRUE(batch.ok()) << batch.status().ToString();
      EXPECT_TRUE(batch->VerifyCrc().ok());
      EXPECT_EQ(batch->compression(), codec);
      EXPECT_EQ(batch->record_count(), static_cast<int32_t>(count));
      EXPECT_EQ(batch->last_offset_delta(), static_cast<int32_t>(count) - 1);
      EXPECT_EQ(batch->base_timestamp(), records.front().timestamp);
      int64_t max_timestamp = records.front().timestamp;
      for (const Record& r : records) max_timestamp = std::max(max_timestamp, r.timestamp);
      EXPECT_EQ(batch->max_timestamp(), max_timestamp);

      Result<DecodedBatch> decoded = DecodedBatch::Decode(*batch);
      ASSERT_TRUE(decoded.ok()) << CompressionName(codec) << ": " << decoded.status().ToString();
      ASSERT_EQ(decoded->records().size(), count);
      for (size_t i = 0; i < count; ++i) {
        EXPECT_EQ(decoded->records()[i].offset, Offset(static_cast<int64_t>(i)));
        ExpectSameRecord(decoded->records()[i], records[i]);
      }
    }
  }
}

TEST(RecordBatchBuilderTest, WritesTheRecordOfTheBriefExampleByteForByte) {
  RecordBatchBuilder builder;
  HeaderView header{"hk", AsBytes("hv")};
  builder.Add(1'700'000'000'000, AsBytes("key1"), AsBytes("val1"), {&header, 1});
  Bytes bytes = *builder.Build();
  EXPECT_EQ(HexString(RecordBatchView::Parse(bytes)->records_data()),
            "28000000086b6579310876616c310204686b046876");
}

TEST(RecordBatchBuilderTest, DefaultsMatchWhatClientsSend) {
  RecordBatchBuilder builder;
  builder.Add(5, std::nullopt, AsBytes("v"));
  Bytes bytes = *builder.Build();
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  EXPECT_EQ(batch.size(), bytes.size());
  EXPECT_EQ(batch.base_offset(), Offset(0));
  EXPECT_EQ(batch.partition_leader_epoch(), -1);
  EXPECT_EQ(batch.attributes(), 0);
  EXPECT_EQ(batch.producer_id(), ProducerId(-1));
  EXPECT_EQ(batch.producer_epoch(), ProducerEpoch(-1));
  EXPECT_EQ(batch.base_sequence(), -1);
  EXPECT_EQ(batch.length(), static_cast<int32_t>(bytes.size() - kLogOverhead));
}

TEST(RecordBatchBuilderTest, OptionsReachTheHeader) {
  BatchBuilderOptions options;
  options.compression = Compression::kZstd;
  options.base_offset = Offset(1000);
  options.partition_leader_epoch = 3;
  options.producer_id = ProducerId(77);
  options.producer_epoch = ProducerEpoch(2);
  options.base_sequence = 40;
  options.transactional = true;
  RecordBatchBuilder builder(options);
  builder.Add(10, AsBytes("k"), AsBytes("v"));
  builder.Add(20, AsBytes("k"), AsBytes("v"));
  Bytes bytes = *builder.Build();
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  EXPECT_EQ(batch.base_offset(), Offset(1000));
  EXPECT_EQ(batch.last_offset(), Offset(1001));
  EXPECT_EQ(batch.partition_leader_epoch(), 3);
  EXPECT_EQ(batch.attributes(), 0x14);
  EXPECT_EQ(batch.producer_id(), ProducerId(77));
  EXPECT_EQ(batch.producer_epoch(), ProducerEpoch(2));
  EXPECT_EQ(batch.base_sequence(), 40);
  EXPECT_TRUE(batch.is_transactional());
  EXPECT_FALSE(batch.is_control());
  DecodedBatch decoded = std::move(DecodedBatch::Decode(batch)).value();
  EXPECT_EQ(decoded.records()[1].offset, Offset(1001));
}

TEST(RecordBatchBuilderTest, CrcCoversAttributesToEnd) {
  RecordBatchBuilder builder;
  builder.Add(1, AsBytes("k"), AsBytes("v"));
  Bytes bytes = *builder.Build();
  SetBaseOffset(bytes.data(), Offset(123456));
  SetPartitionLeaderEpoch(bytes.data(), 9);
  EXPECT_TRUE(RecordBatchView::Parse(bytes)->VerifyCrc().ok());
  for (size_t at = kCrcStart; at < bytes.size(); ++at) {
    Bytes copy = bytes;
    copy[at] ^= 0x01;
    Result<RecordBatchView> batch = RecordBatchView::Parse(copy);
    if (batch.ok()) {
      EXPECT_FALSE(batch->VerifyCrc().ok()) << "byte " << at;
    }
  }
}

TEST(RecordBatchBuilderTest, LogAppendTimeGivesEveryRecordTheMaxTimestamp) {
  BatchBuilderOptions options;
  options.timestamp_type = TimestampType::kLogAppendTime;
  options.log_append_time_ms = 9'999;
  RecordBatchBuilder builder(options);
  builder.Add(100, AsBytes("a"), AsBytes("1"));
  builder.Add(50, AsBytes("b"), AsBytes("2"));
  Bytes bytes = *builder.Build();
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  EXPECT_EQ(batch.timestamp_type(), TimestampType::kLogAppendTime);
  EXPECT_EQ(batch.base_timestamp(), 100);
  EXPECT_EQ(batch.max_timestamp(), 9'999);
  DecodedBatch decoded = std::move(DecodedBatch::Decode(batch)).value();
  for (const RecordView& record : decoded.records()) EXPECT_EQ(record.timestamp, 9'999);
}

TEST(RecordBatchBuilderTest, ExplicitOffsetDeltasKeepCompactedOffsets) {
  BatchBuilderOptions options;
  options.base_offset = Offset(100);
  options.last_offset_delta = 9;
  options.compression = Compression::kLz4;
  RecordBatchBuilder builder(options);
  ASSERT_TRUE(builder.AddWithOffsetDelta(2, 10, AsBytes("a"), AsBytes("1")).ok());
  Record record{20, ToBytes("b"), std::nullopt, {}};
  ASSERT_TRUE(builder.AddWithOffsetDelta(7, record).ok());
  EXPECT_EQ(builder.AddWithOffsetDelta(7, 30, AsBytes("c"), std::nullopt).code(),
            StatusCode::kInvalidArgument);
  Bytes bytes = *builder.Build();
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  EXPECT_EQ(batch.record_count(), 2);
  EXPECT_EQ(batch.last_offset_delta(), 9);
  EXPECT_EQ(batch.next_offset(), Offset(110));
  DecodedBatch decoded = std::move(DecodedBatch::Decode(batch)).value();
  ASSERT_EQ(decoded.records().size(), 2u);
  EXPECT_EQ(decoded.records()[0].offset, Offset(102));
  EXPECT_EQ(decoded.records()[1].offset, Offset(107));
  EXPECT_FALSE(decoded.records()[1].value.has_value());
}

TEST(RecordBatchBuilderTest, LastOffsetDeltaBelowTheLastRecordIsRejected) {
  BatchBuilderOptions options;
  options.last_offset_delta = 1;
  RecordBatchBuilder builder(options);
  ASSERT_TRUE(builder.AddWithOffsetDelta(5, 0, std::nullopt, std::nullopt).ok());
  EXPECT_EQ(builder.Build().status().code(), StatusCode::kInvalidArgument);
}

TEST(RecordBatchBuilderTest, EmptyBatchHasNoRecordsDataEvenWhenCompressed) {
  BatchBuilderOptions options;
  options.compression = Compression::kGzip;
  options.last_offset_delta = 4;
  Bytes bytes = *RecordBatchBuilder(options).Build();
  EXPECT_EQ(bytes.size(), kBatchHeaderSize);
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  EXPECT_EQ(batch.record_count(), 0);
  EXPECT_EQ(batch.base_timestamp(), kNoTimestamp);
  Result<DecodedBatch> decoded = DecodedBatch::Decode(batch);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->records().empty());
}

TEST(RecordBatchBuilderTest, DeleteHorizonBecomesTheBaseTimestamp) {
  BatchBuilderOptions options;
  options.delete_horizon_ms = 5'000;
  RecordBatchBuilder builder(options);
  builder.Add(1'000, AsBytes("k"), std::nullopt);
  builder.Add(2'000, AsBytes("k2"), AsBytes("v"));
  Bytes bytes = *builder.Build();
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  EXPECT_TRUE(batch.has_delete_horizon());
  EXPECT_EQ(batch.base_timestamp(), 5'000);
  EXPECT_EQ(batch.max_timestamp(), 2'000);
  DecodedBatch decoded = std::move(DecodedBatch::Decode(batch)).value();
  EXPECT_EQ(decoded.records()[0].timestamp, 1'000);
  EXPECT_EQ(decoded.records()[1].timestamp, 2'000);
}

TEST(RecordBatchBuilderTest, OwnedAndViewRecordsEncodeTheSame) {
  Record record{42, ToBytes("key"), ToBytes("value"), {{"a", ToBytes("1")}, {"b", std::nullopt}}};
  RecordBatchBuilder owned;
  owned.Add(record);
  RecordBatchBuilder viewed;
  HeaderView headers[] = {{"a", AsBytes("1")}, {"b", std::nullopt}};
  viewed.Add(42, AsBytes("key"), AsBytes("value"), headers);
  EXPECT_EQ(*owned.Build(), *viewed.Build());
  EXPECT_EQ(owned.record_count(), 1);
}

TEST(RecordBatchBuilderTest, UncompressedViewsPointIntoTheBatchBytes) {
  RecordBatchBuilder builder;
  builder.Add(1, AsBytes("key"), AsBytes("value"));
  Bytes bytes = *builder.Build();
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  DecodedBatch decoded = std::move(DecodedBatch::Decode(batch)).value();
  const uint8_t* key = decoded.records()[0].key->data();
  EXPECT_GE(key, bytes.data());
  EXPECT_LT(key, bytes.data() + bytes.size());
}

TEST(RecordBatchBuilderTest, MovedDecodedBatchKeepsItsViewsValid) {
  BatchBuilderOptions options;
  options.compression = Compression::kSnappy;
  RecordBatchBuilder builder(options);
  builder.Add(1, AsBytes("key"), AsBytes("value"));
  Bytes bytes = *builder.Build();
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  DecodedBatch first = std::move(DecodedBatch::Decode(batch)).value();
  DecodedBatch moved = std::move(first);
  EXPECT_EQ(AsChars(*moved.records()[0].value), "value");
}

}  // namespace
}  // namespace brook::broker::record
