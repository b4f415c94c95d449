#include "common/varint.h"

#include <limits>
#include <random>

#include <gtest/gtest.h>

namespace brook {
namespace {

TEST(VarintTest, ZigZagMatchesKafka) {
  EXPECT_EQ(ZigZagEncode32(0), 0u);
  EXPECT_EQ(ZigZagEncode32(-1), 1u);
  EXPECT_EQ(ZigZagEncode32(1), 2u);
  EXPECT_EQ(ZigZagEncode32(-2), 3u);
  EXPECT_EQ(ZigZagEncode32(20), 40u);  // 0x28, the record length in BRIEF's example
  EXPECT_EQ(ZigZagEncode32(std::numeric_limits<int32_t>::max()), 0xFFFFFFFEu);
  EXPECT_EQ(ZigZagEncode32(std::numeric_limits<int32_t>::min()), 0xFFFFFFFFu);
}

TEST(VarintTest, KnownEncodings) {
  Bytes out;
  AppendUnsignedVarint(out, 300);
  EXPECT_EQ(out, (Bytes{0xAC, 0x02}));
  out.clear();
  AppendVarint(out, -1);
  EXPECT_EQ(out, (Bytes{0x01}));
  out.clear();
  AppendVarlong(out, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(out.size(), kMaxVarlongBytes);
}

TEST(VarintTest, RandomValuesRoundTrip) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 10000; ++i) {
    int64_t v64 = static_cast<int64_t>(rng()) >> (rng() % 64);
    int32_t v32 = static_cast<int32_t>(v64);
    Bytes out;
    AppendVarint(out, v32);
    AppendVarlong(out, v64);
    int32_t r32 = 0;
    int64_t r64 = 0;
    size_t n1 = DecodeVarint(out.data(), out.data() + out.size(), &r32);
    ASSERT_EQ(n1, VarintSize(v32));
    size_t n2 = DecodeVarlong(out.data() + n1, out.data() + out.size(), &r64);
    ASSERT_EQ(n2, VarlongSize(v64));
    EXPECT_EQ(r32, v32);
    EXPECT_EQ(r64, v64);
    EXPECT_EQ(n1 + n2, out.size());
  }
}

TEST(VarintTest, TruncatedInputIsRejected) {
  Bytes out;
  AppendVarlong(out, 1LL << 40);
  int64_t v = 0;
  for (size_t len = 0; len < out.size(); ++len) {
    EXPECT_EQ(DecodeVarlong(out.data(), out.data() + len, &v), 0u) << len;
  }
}

TEST(VarintTest, OverlongInputIsRejected) {
  Bytes six = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  int32_t v = 0;
  EXPECT_EQ(DecodeVarint(six.data(), six.data() + six.size(), &v), 0u);
  Bytes eleven(10, 0x80);
  eleven.push_back(0x01);
  int64_t w = 0;
  EXPECT_EQ(DecodeVarlong(eleven.data(), eleven.data() + eleven.size(), &w), 0u);
  // Five bytes whose value does not fit 32 bits.
  Bytes big = {0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
  uint32_t u = 0;
  EXPECT_EQ(DecodeUnsignedVarint(big.data(), big.data() + big.size(), &u), 0u);
}

}  // namespace
}  // namespace brook
