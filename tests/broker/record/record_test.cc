#include "broker/record/record.h"

#include <random>

#include <gtest/gtest.h>

#include "broker/record/batch_builder.h"
#include "broker/record/compression.h"
#include "common/varint.h"
#include "tests/broker/record/test_records.h"

namespace brook::broker::record {
namespace {

using testing::FromHex;
using testing::kAllCodecs;
using testing::MakeBatch;

// key "key1", value "val1", header hk=hv, offset delta 0 (the BRIEF example).
constexpr std::string_view kRecord0 = "28000000086b6579310876616c310204686b046876";
// The same at offset delta 1.
constexpr std::string_view kRecord1 = "28000002086b6579310876616c310204686b046876";

Status DecodeStatus(const Bytes& bytes) {
  BROOK_ASSIGN_OR_RETURN(RecordBatchView batch, RecordBatchView::Parse(bytes));
  return DecodedBatch::Decode(batch).status();
}

void ExpectCorruption(const Bytes& bytes, std::string_view fragment) {
  Status status = DecodeStatus(bytes);
  EXPECT_EQ(status.code(), StatusCode::kCorruption) << status.ToString();
  EXPECT_NE(status.message().find(fragment), std::string::npos) << status.message();
}

Bytes Concat(std::string_view a, std::string_view b) {
  Bytes out = FromHex(a);
  AppendBytes(out, FromHex(b));
  return out;
}

TEST(DecodedBatchTest, DecodesTheBriefExampleRecord) {
  Bytes bytes = MakeBatch(FromHex(kRecord0), 1, 0);
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  Result<DecodedBatch> decoded = DecodedBatch::Decode(batch);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_EQ(decoded->records().size(), 1u);
  const RecordView& record = decoded->records()[0];
  EXPECT_EQ(record.timestamp, 1000);
  EXPECT_EQ(record.offset, Offset(0));
  EXPECT_EQ(AsChars(*record.key), "key1");
  EXPECT_EQ(AsChars(*record.value), "val1");
  ASSERT_EQ(record.headers.size(), 1u);
  EXPECT_EQ(record.headers[0].key, "hk");
  EXPECT_EQ(AsChars(*record.headers[0].value), "hv");
}

TEST(DecodedBatchTest, FewerRecordsThanRecordCountIsCorruption) {
  ExpectCorruption(MakeBatch(FromHex(kRecord0), 2, 1), "RecordCount is 2 but the data ends");
}

TEST(DecodedBatchTest, BytesAfterTheLastRecordAreCorruption) {
  ExpectCorruption(MakeBatch(Concat(kRecord0, "00"), 1, 0), "1 bytes follow the last of 1");
  ExpectCorruption(MakeBatch(Concat(kRecord0, kRecord1), 1, 1), "byte 82 of the batch");
}

TEST(DecodedBatchTest, OffsetDeltaBeyondLastOffsetDeltaIsCorruption) {
  ExpectCorruption(MakeBatch(Concat(kRecord0, kRecord1), 2, 0),
                   "offset delta 1 is beyond LastOffsetDelta 0");
}

TEST(DecodedBatchTest, RepeatedOffsetDeltaIsCorruption) {
  ExpectCorruption(MakeBatch(Concat(kRecord0, kRecord0), 2, 1), "is not above the previous");
}

TEST(DecodedBatchTest, LengthsBelowMinusOneAreCorruption) {
  // key length -2 (zigzag 3)
  ExpectCorruption(MakeBatch(FromHex("0a0000000301000000"), 1, 0), "key length -2 is below -1");
  // header value length -3 (zigzag 5)
  ExpectCorruption(MakeBatch(FromHex("12000000010102026805"), 1, 0), "header value length -3");
  // record length -1
  ExpectCorruption(MakeBatch(FromHex("01"), 1, 0), "negative record length -1");
  // header count -1
  ExpectCorruption(MakeBatch(FromHex("0c000000010101"), 1, 0), "negative header count");
}

TEST(DecodedBatchTest, NullHeaderKeyIsCorruption) {
  ExpectCorruption(MakeBatch(FromHex("10000000010102 01 01"), 1, 0), "header 0 has a null key");
}

TEST(DecodedBatchTest, RecordLengthRunningPastTheDataIsCorruptionAtItsByte) {
  Bytes records = FromHex(kRecord0);
  records[0] = 0x2a;  // 21 instead of 20
  ExpectCorruption(MakeBatch(records, 1, 0), "record length 21 runs past the end");
  ExpectCorruption(MakeBatch(records, 1, 0), "at byte 62 of the batch");
}

TEST(DecodedBatchTest, FieldsShorterThanTheRecordLengthAreCorruption) {
  Bytes records = FromHex(kRecord0);
  records[0] = 0x2a;
  records.push_back(0);
  ExpectCorruption(MakeBatch(records, 1, 0), "record fields end 1 bytes before its length");
}

TEST(DecodedBatchTest, KeyRunningPastItsRecordIsCorruption) {
  // Record of length 6 whose key claims 4 bytes but only 1 is inside the record.
  ExpectCorruption(MakeBatch(FromHex("0c0000000841 0000"), 1, 0),
                   "key length 4 runs past the end of the record");
}

TEST(DecodedBatchTest, MalformedVarintIsCorruption) {
  ExpectCorruption(MakeBatch(FromHex("ffffffffff7f"), 1, 0),
                   "malformed or truncated record length");
  ExpectCorruption(MakeBatch(FromHex("1400 ffffffffffffffffffff01 000000"), 1, 0),
                   "timestamp delta varlong");
}

TEST(DecodedBatchTest, CompressedRecordErrorsNameTheDecompressedByte) {
  ExpectCorruption(MakeBatch(Concat(kRecord0, "00"), 1, 0, Compression::kGzip),
                   "byte 21 of the decompressed records");
}

TEST(DecodedBatchTest, MalformedCompressedDataIsCorruption) {
  Bytes bytes = MakeBatch(FromHex(kRecord0), 1, 0, Compression::kZstd);
  bytes[kRecordsOffset + 1] ^= 0xff;
  ExpectCorruption(bytes, "zstd");
}

TEST(DecodedBatchTest, DecompressionOverTheLimitIsCorruption) {
  BatchBuilderOptions options;
  options.compression = Compression::kGzip;
  RecordBatchBuilder builder(options);
  Bytes big(2 * 1024 * 1024, 'x');
  builder.Add(1, std::nullopt, ByteView(big));
  Bytes bytes = *builder.Build();
  EXPECT_LT(bytes.size(), 10'000u);
  RecordBatchView batch = *RecordBatchView::Parse(bytes);
  Result<DecodedBatch> decoded = DecodedBatch::Decode(batch, 1024 * 1024);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  EXPECT_NE(decoded.status().message().find("more than the limit"), std::string::npos);
  EXPECT_TRUE(DecodedBatch::Decode(batch, 3 * 1024 * 1024).ok());
}

TEST(DecodedBatchTest, UnknownCodecIsCorruption) {
  Bytes bytes = MakeBatch(FromHex(kRecord0), 1, 0);
  bytes[kAttributesOffset + 1] = 0x06;
  ExpectCorruption(bytes, "unknown compression codec 6");
}

TEST(DecodedBatchTest, HugeRecordCountWithLittleDataFailsWithoutAllocatingForIt) {
  ExpectCorruption(MakeBatch(FromHex(kRecord0), 0x7fffffff, 0x7ffffffe), "data ends after 1");
}

Bytes RandomBatch(std::mt19937_64& rng, Compression codec) {
  BatchBuilderOptions options;
  options.compression = codec;
  RecordBatchBuilder builder(options);
  for (const Record& record : testing::RandomRecords(rng, 1 + rng() % 6, 300)) {
    builder.Add(record);
  }
  return *builder.Build();
}

// Parse + VerifyCrc + Decode on arbitrary bytes: must return, never crash. Returns true when all
// three succeeded.
bool AcceptedWhole(ByteView bytes) {
  Result<RecordBatchView> batch = RecordBatchView::Parse(bytes);
  if (!batch.ok()) return false;
  bool crc_ok = batch->VerifyCrc().ok();
  // Decode regardless of the CRC so the decoder sees the damaged bytes too.
  Result<DecodedBatch> decoded = DecodedBatch::Decode(*batch, 1 << 20);
  return crc_ok && decoded.ok();
}

TEST(DecodedBatchTest, EveryTruncationFailsWithoutCrashing) {
  std::mt19937_64 rng(99);
  for (Compression codec : kAllCodecs) {
    Bytes bytes = RandomBatch(rng, codec);
    for (size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_FALSE(AcceptedWhole(ByteView(bytes).first(n))) << n;
      // Truncate the records and fix Length and CRC so the decoder itself meets the short data.
      if (n < kBatchHeaderSize) continue;
      Bytes cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
      StoreBigEndian<int32_t>(cut.data() + kLengthOffset, static_cast<int32_t>(n - kLogOverhead));
      testing::FixCrc(cut);
      RecordBatchView batch = *RecordBatchView::Parse(cut);
      EXPECT_FALSE(DecodedBatch::Decode(batch, 1 << 20).ok())
          << CompressionName(codec) << " cut at " << n;
    }
  }
}

TEST(DecodedBatchTest, RandomByteFlipsFailOrHitBytesOutsideTheCrc) {
  std::mt19937_64 rng(1234);
  for (Compression codec : kAllCodecs) {
    for (int round = 0; round < 400; ++round) {
      Bytes bytes = RandomBatch(rng, codec);
      size_t at = rng() % bytes.size();
      bytes[at] ^= static_cast<uint8_t>(1 + rng() % 255);
      bool accepted = AcceptedWhole(bytes);
      if (at >= kMagicOffset) {
        EXPECT_FALSE(accepted) << CompressionName(codec) << " flip at " << at;
      } else if (at < kLengthOffset || at >= kPartitionLeaderEpochOffset) {
        EXPECT_TRUE(accepted) << CompressionName(codec) << " flip at " << at;
      }
    }
  }
}

TEST(DecodedBatchTest, DamagedRecordsWithAFixedCrcNeverCrashTheDecoder) {
  std::mt19937_64 rng(4321);
  for (Compression codec : kAllCodecs) {
    for (int round = 0; round < 400; ++round) {
      Bytes bytes = RandomBatch(rng, codec);
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        size_t at = kAttributesOffset + rng() % (bytes.size() - kAttributesOffset);
        bytes[at] ^= static_cast<uint8_t>(1 + rng() % 255);
      }
      testing::FixCrc(bytes);
      AcceptedWhole(bytes);
    }
  }
}

}  // namespace
}  // namespace brook::broker::record
