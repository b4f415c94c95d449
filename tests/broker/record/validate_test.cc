#include "broker/record/validate.h"

#include <gtest/gtest.h>

#include "broker/record/batch_builder.h"
#include "tests/broker/record/test_records.h"

namespace brook::broker::record {
namespace {

using testing::FixCrc;
using testing::FromHex;

Bytes ClientBatch(BatchBuilderOptions options = {}, bool null_key = false) {
  RecordBatchBuilder builder(options);
  builder.Add(1000, AsBytes("k1"), AsBytes("v1"));
  if (null_key) {
    builder.Add(1001, std::nullopt, AsBytes("v2"));
  } else {
    builder.Add(1001, AsBytes("k2"), AsBytes("v2"));
  }
  return *builder.Build();
}

void ExpectRejected(const Bytes& bytes, StatusCode code, std::string_view fragment,
                    const ValidationOptions& options = {}) {
  Status status = ValidateProducedBatch(bytes, options);
  EXPECT_EQ(status.code(), code) << status.ToString();
  EXPECT_NE(status.message().find(fragment), std::string::npos) << status.message();
}

TEST(ValidateProducedBatchTest, ClientBatchesOfEveryCodecPass) {
  for (Compression codec : testing::kAllCodecs) {
    BatchBuilderOptions options;
    options.compression = codec;
    ValidationOptions decode;
    decode.decode_records = true;
    decode.compacted = true;
    EXPECT_TRUE(ValidateProducedBatch(ClientBatch(options), {}).ok());
    EXPECT_TRUE(ValidateProducedBatch(ClientBatch(options), decode).ok());
  }
}

TEST(ValidateProducedBatchTest, BatchOverMaxMessageBytesIsTooLarge) {
  Bytes bytes = ClientBatch();
  ValidationOptions options;
  options.max_message_bytes = bytes.size() - 1;
  ExpectRejected(bytes, StatusCode::kTooLarge, "exceeds max.message.bytes", options);
  options.max_message_bytes = bytes.size();
  EXPECT_TRUE(ValidateProducedBatch(bytes, options).ok());
}

TEST(ValidateProducedBatchTest, CrcMismatchIsCorruptionNamingBothValues) {
  Bytes bytes = ClientBatch();
  bytes.back() ^= 0x40;
  ExpectRejected(bytes, StatusCode::kCorruption, "record batch CRC mismatch: stored ");
  ExpectRejected(bytes, StatusCode::kCorruption, " computed ");
}

TEST(ValidateProducedBatchTest, TruncatedBatchIsCorruption) {
  Bytes bytes = ClientBatch();
  for (size_t n : {size_t{0}, size_t{20}, size_t{60}, bytes.size() - 1}) {
    Bytes cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
    ExpectRejected(cut, StatusCode::kCorruption, "truncated");
  }
}

TEST(ValidateProducedBatchTest, MoreThanOneBatchIsInvalid) {
  Bytes bytes = ClientBatch();
  Bytes two = bytes;
  AppendBytes(two, bytes);
  ExpectRejected(two, StatusCode::kInvalidArgument, "exactly one batch");
}

TEST(ValidateProducedBatchTest, OldMagicIsInvalid) {
  Bytes bytes = ClientBatch();
  bytes[kMagicOffset] = 1;
  ExpectRejected(bytes, StatusCode::kInvalidArgument, "magic 1");
}

TEST(ValidateProducedBatchTest, NonZeroBaseOffsetIsInvalid) {
  BatchBuilderOptions options;
  options.base_offset = Offset(7);
  ExpectRejected(ClientBatch(options), StatusCode::kInvalidArgument, "BaseOffset is 7");
}

TEST(ValidateProducedBatchTest, ControlBatchFromAClientIsInvalid) {
  BatchBuilderOptions options;
  options.control = true;
  options.transactional = true;
  ExpectRejected(ClientBatch(options), StatusCode::kInvalidArgument, "control batches");
}

TEST(ValidateProducedBatchTest, EmptyBatchIsInvalid) {
  BatchBuilderOptions options;
  Bytes bytes = *RecordBatchBuilder(options).Build();
  ExpectRejected(bytes, StatusCode::kInvalidArgument, "RecordCount is 0");
}

TEST(ValidateProducedBatchTest, LastOffsetDeltaNotCountMinusOneIsInvalid) {
  BatchBuilderOptions options;
  options.last_offset_delta = 5;
  ExpectRejected(ClientBatch(options), StatusCode::kInvalidArgument,
                 "LastOffsetDelta 5 + 1 does not equal RecordCount 2");
}

TEST(ValidateProducedBatchTest, ProducerIdWithoutSequenceIsInvalid) {
  BatchBuilderOptions options;
  options.producer_id = ProducerId(12);
  options.producer_epoch = ProducerEpoch(0);
  ExpectRejected(ClientBatch(options), StatusCode::kInvalidArgument,
                 "ProducerId 12 is set but BaseSequence is -1");
  options.base_sequence = 0;
  EXPECT_TRUE(ValidateProducedBatch(ClientBatch(options), {}).ok());
}

TEST(ValidateProducedBatchTest, NullKeyOnACompactedTopicIsInvalid) {
  ValidationOptions compacted;
  compacted.compacted = true;
  for (Compression codec : testing::kAllCodecs) {
    BatchBuilderOptions options;
    options.compression = codec;
    Bytes bytes = ClientBatch(options, /*null_key=*/true);
    ExpectRejected(bytes, StatusCode::kInvalidArgument,
                   "the record at offset delta 1 has a null key", compacted);
    EXPECT_TRUE(ValidateProducedBatch(bytes, {}).ok());
  }
}

TEST(ValidateProducedBatchTest, MalformedRecordsAreFoundOnlyWhenDecoding) {
  // The header is fine but the record count says 2 while the data holds 1 record; LastOffsetDelta
  // agrees with the count.
  Bytes bytes = testing::MakeBatch(FromHex("28000000086b6579310876616c310204686b046876"), 2, 1);
  EXPECT_TRUE(ValidateProducedBatch(bytes, {}).ok());
  ValidationOptions decode;
  decode.decode_records = true;
  ExpectRejected(bytes, StatusCode::kCorruption, "RecordCount is 2", decode);
}

TEST(ValidateProducedBatchTest, DecompressionBombIsCorruption) {
  BatchBuilderOptions options;
  options.compression = Compression::kZstd;
  RecordBatchBuilder builder(options);
  Bytes zeros(4 * 1024 * 1024, 0);
  builder.Add(1, AsBytes("k"), ByteView(zeros));
  Bytes bytes = *builder.Build();
  ValidationOptions decode;
  decode.decode_records = true;
  decode.max_decompressed_bytes = 1024 * 1024;
  ExpectRejected(bytes, StatusCode::kCorruption, "more than the limit", decode);
}

TEST(ValidateProducedBatchTest, UnknownCodecIsInvalid) {
  Bytes bytes = ClientBatch();
  bytes[kAttributesOffset + 1] |= 0x07;
  FixCrc(bytes);
  ExpectRejected(bytes, StatusCode::kInvalidArgument, "unknown compression codec 7");
}

}  // namespace
}  // namespace brook::broker::record
