#include "broker/record/compression.h"

#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <random>

#include <gtest/gtest.h>

#include "tests/broker/record/test_records.h"

namespace brook::broker::record {
namespace {

using testing::FromHex;
using testing::kAllCodecs;
using testing::RandomBytes;

constexpr size_t kNoLimit = 1 << 30;

Bytes Roundtrip(Compression codec, const Bytes& data, size_t limit = kNoLimit) {
  Result<Bytes> compressed = Compress(codec, data);
  EXPECT_TRUE(compressed.ok()) << compressed.status().ToString();
  Result<Bytes> plain = Decompress(codec, *compressed, limit);
  EXPECT_TRUE(plain.ok()) << CompressionName(codec) << ": " << plain.status().ToString();
  return plain.ok() ? *plain : Bytes{};
}

TEST(CompressionTest, EveryCodecRoundTripsSmallLargeAndEmptyData) {
  std::mt19937_64 rng(7);
  for (Compression codec : kAllCodecs) {
    for (size_t size : {size_t{0}, size_t{1}, size_t{100}, size_t{32 * 1024}, size_t{300'000}}) {
      for (bool compressible : {true, false}) {
        Bytes data = RandomBytes(rng, size, compressible);
        EXPECT_EQ(Roundtrip(codec, data), data) << CompressionName(codec) << " size " << size;
      }
    }
  }
}

TEST(CompressionTest, GzipWritesAGzipStream) {
  Bytes out = *Compress(Compression::kGzip, ToBytes("hello"));
  ASSERT_GE(out.size(), 18u);
  EXPECT_EQ(out[0], 0x1f);
  EXPECT_EQ(out[1], 0x8b);
}

TEST(CompressionTest, GzipReadsZlibStreamsAndConcatenatedMembers) {
  Bytes data = ToBytes("the quick brown fox jumps over the lazy dog");
  uLongf size = compressBound(data.size());
  Bytes zlib_stream(size);
  ASSERT_EQ(compress(zlib_stream.data(), &size, data.data(), data.size()), Z_OK);
  zlib_stream.resize(size);
  EXPECT_EQ(*Decompress(Compression::kGzip, zlib_stream, kNoLimit), data);

  Bytes two = *Compress(Compression::kGzip, data);
  Bytes second = *Compress(Compression::kGzip, data);
  AppendBytes(two, second);
  Bytes expected = data;
  AppendBytes(expected, data);
  EXPECT_EQ(*Decompress(Compression::kGzip, two, kNoLimit), expected);
}

TEST(CompressionTest, SnappyWritesXerialFramingInBlocksOf32KiB) {
  std::mt19937_64 rng(1);
  Bytes data = RandomBytes(rng, 100'000, true);
  Bytes out = *Compress(Compression::kSnappy, data);
  ASSERT_GE(out.size(), 16u);
  EXPECT_EQ(HexString(ByteView(out).first(16)), "82534e41505059000000000100000001");
  size_t blocks = 0;
  for (size_t at = 16; at < out.size(); ++blocks) {
    at += 4 + static_cast<size_t>(LoadBigEndian<int32_t>(out.data() + at));
  }
  EXPECT_EQ(blocks, 4u);  // 100000 bytes / 32 KiB, rounded up
}

TEST(CompressionTest, SnappyReadsRawBlocksAsLibrdkafkaWritesThem) {
  std::string data(5000, 'x');
  data += "tail";
  std::string raw;
  snappy::Compress(data.data(), data.size(), &raw);
  Result<Bytes> plain = Decompress(Compression::kSnappy, AsBytes(raw), kNoLimit);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(AsChars(*plain), data);
}

TEST(CompressionTest, SnappyXerialBlockRunningPastTheDataIsCorruption) {
  Bytes out = *Compress(Compression::kSnappy, ToBytes("some data to compress"));
  StoreBigEndian<int32_t>(out.data() + 16, 1000);
  Result<Bytes> plain = Decompress(Compression::kSnappy, out, kNoLimit);
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.status().code(), StatusCode::kCorruption);
  EXPECT_NE(plain.status().message().find("byte 16"), std::string::npos)
      << plain.status().message();
  StoreBigEndian<int32_t>(out.data() + 16, -5);
  EXPECT_EQ(Decompress(Compression::kSnappy, out, kNoLimit).status().code(),
            StatusCode::kCorruption);
}

TEST(CompressionTest, Lz4WritesAFrameAndReadsFramesWithChecksumsAndContentSize) {
  Bytes data = ToBytes(std::string(70'000, 'k') + "end");
  Bytes ours = *Compress(Compression::kLz4, data);
  EXPECT_EQ(HexString(ByteView(ours).first(4)), "04224d18");  // LZ4 frame magic, little-endian

  LZ4F_preferences_t preferences = LZ4F_INIT_PREFERENCES;
  preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  preferences.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
  preferences.frameInfo.contentSize = data.size();
  Bytes theirs(LZ4F_compressFrameBound(data.size(), &preferences));
  size_t n =
      LZ4F_compressFrame(theirs.data(), theirs.size(), data.data(), data.size(), &preferences);
  ASSERT_FALSE(LZ4F_isError(n));
  theirs.resize(n);
  EXPECT_EQ(*Decompress(Compression::kLz4, theirs, kNoLimit), data);
}

TEST(CompressionTest, ZstdReadsFramesWithoutContentSize) {
  Bytes data = ToBytes(std::string(50'000, 'z') + "end");
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 0);
  Bytes frame(ZSTD_compressBound(data.size()));
  ZSTD_outBuffer output{frame.data(), frame.size(), 0};
  ZSTD_inBuffer input{data.data(), data.size(), 0};
  size_t left = ZSTD_compressStream2(context, &output, &input, ZSTD_e_end);
  ZSTD_freeCCtx(context);
  ASSERT_EQ(left, 0u);
  frame.resize(output.pos);
  ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  EXPECT_EQ(*Decompress(Compression::kZstd, frame, kNoLimit), data);
}

TEST(CompressionTest, OutputOverTheLimitIsCorruptionForEveryCodec) {
  Bytes zeros(10 * 1024 * 1024, 0);
  for (Compression codec : kAllCodecs) {
    Bytes compressed = *Compress(codec, zeros);
    Result<Bytes> bomb = Decompress(codec, compressed, 1024 * 1024);
    ASSERT_FALSE(bomb.ok()) << CompressionName(codec);
    EXPECT_EQ(bomb.status().code(), StatusCode::kCorruption);
    EXPECT_NE(bomb.status().message().find("limit of 1048576 bytes"), std::string::npos)
        << bomb.status().message();
  }
}

TEST(CompressionTest, OutputExactlyAtTheLimitIsAccepted) {
  std::mt19937_64 rng(3);
  Bytes data = RandomBytes(rng, 100'000, true);
  for (Compression codec : kAllCodecs) {
    EXPECT_EQ(Roundtrip(codec, data, data.size()), data) << CompressionName(codec);
    Bytes compressed = *Compress(codec, data);
    EXPECT_FALSE(Decompress(codec, compressed, data.size() - 1).ok()) << CompressionName(codec);
  }
}

TEST(CompressionTest, TruncatedStreamsAreCorruption) {
  std::mt19937_64 rng(5);
  Bytes data = RandomBytes(rng, 5000, true);
  for (Compression codec : kAllCodecs) {
    if (codec == Compression::kNone) continue;
    Bytes compressed = *Compress(codec, data);
    for (size_t n = 0; n < compressed.size(); ++n) {
      Result<Bytes> plain = Decompress(codec, ByteView(compressed).first(n), kNoLimit);
      // xerial framing with zero blocks is valid (empty); anything else must fail.
      if (plain.ok()) {
        EXPECT_TRUE(codec == Compression::kSnappy && plain->empty()) << CompressionName(codec);
      } else {
        EXPECT_EQ(plain.status().code(), StatusCode::kCorruption) << CompressionName(codec);
      }
    }
  }
}

TEST(CompressionTest, GarbageNeverCrashesAnyDecompressor) {
  std::mt19937_64 rng(11);
  for (Compression codec : kAllCodecs) {
    Bytes compressed = *Compress(codec, RandomBytes(rng, 3000, true));
    for (int i = 0; i < 300; ++i) {
      Bytes input = i % 2 == 0 ? RandomBytes(rng, rng() % 200) : compressed;
      if (i % 2 == 1) input[rng() % input.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
      Decompress(codec, input, 1 << 20).IgnoreError();
    }
  }
  // A snappy length header promising 4 GiB must not allocate it.
  Bytes huge_claim = FromHex("ffffffff0f00");
  EXPECT_EQ(Decompress(Compression::kSnappy, huge_claim, 1 << 20).status().code(),
            StatusCode::kCorruption);
}

TEST(CompressionTest, UnknownCodecIsInvalidArgument) {
  EXPECT_EQ(Compress(static_cast<Compression>(6), ToBytes("x")).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Decompress(static_cast<Compression>(5), ToBytes("x"), 10).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace brook::broker::record
