#include <gtest/gtest.h>

#include <random>

#include "framework/api/serdes.h"
#include "statestore/api/value_and_timestamp_serde.h"
#include "statestore/api/windowed_serdes.h"

namespace brook::streams {
namespace {

std::string Serialize(const auto& serde, const auto& value) {
  std::string out;
  EXPECT_TRUE(serde->serialize("t", value, out));
  return out;
}

TEST(ValueAndTimestampSerdeTest, WritesTheTimestampBigEndianThenTheValue) {
  auto serde = MakeValueAndTimestampSerde(Serdes::String());
  EXPECT_EQ(Serialize(serde, ValueAndTimestamp<std::string>{"hi", 258}),
            std::string("\0\0\0\0\0\0\x01\x02hi", 10));
  std::mt19937_64 random(5);
  for (int i = 0; i < 100; ++i) {
    ValueAndTimestamp<std::string> value{std::string(random() % 10, 'x'),
                                         static_cast<int64_t>(random())};
    EXPECT_EQ(serde->deserialize("t", Serialize(serde, value)), value);
  }
  EXPECT_EQ(serde->name(), "ValueAndTimestamp<String>");
}

TEST(ValueAndTimestampSerdeTest, ShortBytesAndNullsAreSerializationErrors) {
  auto serde = MakeValueAndTimestampSerde(Serdes::Int64());
  EXPECT_THROW(serde->deserialize("t", std::string_view("1234567")), SerializationException);
  EXPECT_THROW(serde->deserialize("t", std::nullopt), SerializationException);
  EXPECT_THROW(serde->deserialize("t", std::string_view("12345678abc")), SerializationException);
  // A value the inner serde writes as a null makes a null.
  auto optional = MakeValueAndTimestampSerde(Serdes::Optional(Serdes::String()));
  std::string out;
  EXPECT_FALSE(optional->serialize("t", {std::nullopt, 5}, out));
}

TEST(WindowedSerdesTest, TimeWindowedIsKeyThenStartAndTheSizeGivesTheEnd) {
  auto serde = WindowedSerdes::timeWindowedSerdeFrom(Serdes::String(), 60000);
  Windowed<std::string> key("s7", Window(120000, 180000));
  std::string bytes = Serialize(serde, key);
  EXPECT_EQ(bytes, std::string("s7\0\0\0\0\0\x01\xd4\xc0", 10));
  EXPECT_EQ(serde->deserialize("t", bytes), key);
  EXPECT_EQ(serde->name(), "TimeWindowed<String>");
  auto huge = WindowedSerdes::timeWindowedSerdeFrom(Serdes::String(), 100);
  EXPECT_EQ(huge->deserialize("t", Serialize(huge, Windowed<std::string>(
                                                       "k", Window(INT64_MAX - 1, INT64_MAX))))
                .window()
                .end(),
            INT64_MAX);
  EXPECT_THROW(serde->deserialize("t", std::string_view("short")), SerializationException);
}

TEST(WindowedSerdesTest, SessionWindowedIsKeyThenEndThenStart) {
  auto serde = WindowedSerdes::sessionWindowedSerdeFrom(Serdes::Int32());
  Windowed<int32_t> key(7, Window(-5, 3));
  std::string bytes = Serialize(serde, key);
  EXPECT_EQ(bytes, std::string("\0\0\0\x07", 4) + std::string("\0\0\0\0\0\0\0\x03", 8) +
                       std::string("\xff\xff\xff\xff\xff\xff\xff\xfb", 8));
  EXPECT_EQ(serde->deserialize("t", bytes), key);
  EXPECT_THROW(serde->deserialize("t", std::string_view("0123456789abcde")),
               SerializationException);
}

}  // namespace
}  // namespace brook::streams
