#include "common/uuid.h"

#include <set>

#include <gtest/gtest.h>

namespace brook {
namespace {

TEST(UuidTest, PrintsAsKafkaDoes) {
  // Kafka's Uuid(0x1, 0x2).toString(): URL-safe base64 of the 16 bytes, unpadded.
  Uuid id;
  id.bytes[7] = 1;
  id.bytes[15] = 2;
  EXPECT_EQ(id.ToString(), "AAAAAAAAAAEAAAAAAAAAAg");
  EXPECT_EQ(Uuid::FromString("AAAAAAAAAAEAAAAAAAAAAg"), id);
  EXPECT_EQ(Uuid::Zero().ToString(), "AAAAAAAAAAAAAAAAAAAAAA");
}

TEST(UuidTest, RandomIdsRoundTripAndAreNeverZeroOrDashed) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    Uuid id = Uuid::Random();
    std::string text = id.ToString();
    EXPECT_EQ(text.size(), 22u);
    EXPECT_NE(text[0], '-');
    EXPECT_FALSE(id.is_zero());
    EXPECT_EQ(Uuid::FromString(text), id);
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(UuidTest, MalformedTextIsRejected) {
  EXPECT_FALSE(Uuid::FromString("short").has_value());
  EXPECT_FALSE(Uuid::FromString("AAAAAAAAAAEAAAAAAAAAA!").has_value());
  EXPECT_FALSE(Uuid::FromString("AAAAAAAAAAEAAAAAAAAAAB").has_value());  // stray low bits
}

}  // namespace
}  // namespace brook
