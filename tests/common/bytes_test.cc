#include "common/bytes.h"

#include <gtest/gtest.h>

namespace brook {
namespace {

TEST(BytesTest, BigEndianRoundTrip) {
  Bytes out;
  AppendBigEndian<int32_t>(out, 0x01020304);
  AppendBigEndian<int16_t>(out, -2);
  AppendBigEndian<int64_t>(out, -1);
  EXPECT_EQ(HexString(out), "01020304fffeffffffffffffffff");
  EXPECT_EQ(LoadBigEndian<int32_t>(out.data()), 0x01020304);
  EXPECT_EQ(LoadBigEndian<int16_t>(out.data() + 4), -2);
  EXPECT_EQ(LoadBigEndian<int64_t>(out.data() + 6), -1);
}

}  // namespace
}  // namespace brook
