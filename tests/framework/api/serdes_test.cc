#include "framework/api/serdes.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <typeindex>
#include <unordered_set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace brook::streams {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// The bytes `serde` writes for `value`, or nullopt for a Kafka null.
template <typename T>
std::optional<std::string> Write(const SerdePtr<T>& serde, const T& value) {
  std::string out;
  if (!serde->serialize("orders", value, out)) return std::nullopt;
  return out;
}

template <typename T>
T Read(const SerdePtr<T>& serde, std::optional<std::string_view> bytes) {
  return serde->deserialize("orders", bytes);
}

// The message of the SerializationException `read` throws ("" and a test failure if none).
template <typename Function>
std::string SerializationError(Function read) {
  try {
    read();
  } catch (const SerializationException& error) {
    return error.what();
  }
  ADD_FAILURE() << "no SerializationException";
  return "";
}

std::string Raw(std::initializer_list<uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

TEST(SerdesTest, StringKeepsEveryByteThroughARoundTrip) {
  const std::string text("caf\xc3\xa9\0\xff end", 11);
  EXPECT_EQ(Write(Serdes::String(), text), text);
  EXPECT_EQ(Read(Serdes::String(), text), text);
}

TEST(SerdesTest, StringWritesAnEmptyStringAsZeroBytesNotANull) {
  EXPECT_EQ(Write(Serdes::String(), std::string()), std::string());
}

TEST(SerdesTest, StringReadsAKafkaNullAsAnEmptyString) {
  EXPECT_EQ(Read(Serdes::String(), std::nullopt), "");
}

TEST(SerdesTest, OptionalStringTellsANullFromAnEmptyString) {
  auto serde = Serdes::Optional(Serdes::String());
  EXPECT_EQ(Read(serde, std::nullopt), std::nullopt);
  EXPECT_EQ(Read(serde, ""), std::optional<std::string>(""));
  EXPECT_EQ(Write(serde, std::optional<std::string>()), std::nullopt);
  EXPECT_EQ(Write(serde, std::optional<std::string>("")), std::string());
}

TEST(SerdesTest, Int32IsFourBytesBigEndianAsKafkasIntegerSerializer) {
  EXPECT_EQ(Write<int32_t>(Serdes::Int32(), 1), Raw({0, 0, 0, 1}));
  EXPECT_EQ(Write<int32_t>(Serdes::Int32(), 0x01020304), Raw({1, 2, 3, 4}));
  EXPECT_EQ(Write<int32_t>(Serdes::Int32(), -1), Raw({0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ(Read(Serdes::Int32(), Raw({0x80, 0, 0, 0})), std::numeric_limits<int32_t>::min());
}

TEST(SerdesTest, Int32RoundTripsItsExtremes) {
  for (int32_t value : {std::numeric_limits<int32_t>::min(), -1, 0, 1, 255, 256,
                        std::numeric_limits<int32_t>::max()}) {
    EXPECT_EQ(Read(Serdes::Int32(), *Write(Serdes::Int32(), value)), value);
  }
}

TEST(SerdesTest, Int64OfOneIsSevenZeroBytesThenOne) {
  EXPECT_EQ(Write<int64_t>(Serdes::Int64(), 1), Raw({0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(Write<int64_t>(Serdes::Int64(), 0x0102030405060708), Raw({1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(Write<int64_t>(Serdes::Int64(), -2),
            Raw({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}));
}

TEST(SerdesTest, Int64RoundTripsItsExtremes) {
  for (int64_t value : {std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{0},
                        int64_t{1} << 40, std::numeric_limits<int64_t>::max()}) {
    EXPECT_EQ(Read(Serdes::Int64(), *Write(Serdes::Int64(), value)), value);
  }
}

TEST(SerdesTest, DoubleIsItsIeee754BitsBigEndian) {
  EXPECT_EQ(Write(Serdes::Double(), 1.0), Raw({0x3f, 0xf0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Write(Serdes::Double(), -2.5), Raw({0xc0, 0x04, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Write(Serdes::Double(), -0.0), Raw({0x80, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(SerdesTest, DoubleRoundTripsInfinitiesNanAndSubnormals) {
  for (double value :
       {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
        std::numeric_limits<double>::denorm_min(), 3.141592653589793}) {
    EXPECT_EQ(Read(Serdes::Double(), *Write(Serdes::Double(), value)), value);
  }
  EXPECT_TRUE(std::isnan(
      Read(Serdes::Double(), *Write(Serdes::Double(), std::numeric_limits<double>::quiet_NaN()))));
}

TEST(SerdesTest, NumbersReadAKafkaNullAsAnErrorThatPointsToOptional) {
  EXPECT_THAT(SerializationError([] { Read(Serdes::Int64(), std::nullopt); }),
              AllOf(HasSubstr("null bytes for Int64"), HasSubstr("'orders'"),
                    HasSubstr("Serdes::Optional(Serdes::Int64())")));
  EXPECT_THAT(SerializationError([] { Read(Serdes::Int32(), std::nullopt); }),
              HasSubstr("Serdes::Optional(Serdes::Int32())"));
  EXPECT_THAT(SerializationError([] { Read(Serdes::Double(), std::nullopt); }),
              HasSubstr("null bytes for Double"));
}

TEST(SerdesTest, NumbersOfTheWrongLengthAreAnErrorNamingTopicAndLength) {
  EXPECT_THAT(SerializationError([] {
                Read(Serdes::Int64(), Raw({0, 0, 1}));
              }),
              AllOf(HasSubstr("Int64"), HasSubstr("'orders'"), HasSubstr("got 3 bytes"),
                    HasSubstr("exactly 8")));
  EXPECT_THAT(SerializationError([] {
                Read(Serdes::Int32(), Raw({0, 0, 0, 0, 1}));
              }),
              AllOf(HasSubstr("got 5 bytes"), HasSubstr("exactly 4")));
  EXPECT_THAT(SerializationError([] { Read(Serdes::Double(), ""); }), HasSubstr("got 0 bytes"));
}

TEST(SerdesTest, OptionalInt64ReadsNullAsNulloptAndStillChecksTheLength) {
  auto serde = Serdes::Optional(Serdes::Int64());
  EXPECT_EQ(Read(serde, std::nullopt), std::nullopt);
  EXPECT_EQ(Read(serde, Raw({0, 0, 0, 0, 0, 0, 0, 7})), std::optional<int64_t>(7));
  EXPECT_EQ(Write(serde, std::optional<int64_t>(1)), Raw({0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_THROW(Read(serde, Raw({7})), SerializationException);
}

TEST(SerdesTest, VoidAlwaysWritesAKafkaNull) {
  EXPECT_EQ(Write(Serdes::Void(), Void{}), std::nullopt);
  EXPECT_EQ(Read(Serdes::Void(), std::nullopt), Void{});
}

TEST(SerdesTest, VoidRejectsAnyBytesEvenZeroBytes) {
  EXPECT_THAT(SerializationError([] { Read(Serdes::Void(), "x"); }),
              AllOf(HasSubstr("Void"), HasSubstr("'orders'"), HasSubstr("1 bytes")));
  EXPECT_THROW(Read(Serdes::Void(), ""), SerializationException);
}

TEST(SerdesTest, BytesPassesRawBytesThroughAndReadsNullAsEmpty) {
  const Bytes raw{std::string("\0\x01\xfe\xff", 4)};
  EXPECT_EQ(Write(Serdes::Bytes(), raw), raw.data);
  EXPECT_EQ(Read(Serdes::Bytes(), raw.data), raw);
  EXPECT_EQ(Read(Serdes::Bytes(), std::nullopt), Bytes{});
  EXPECT_EQ(Write(Serdes::Bytes(), Bytes{}), std::string());
}

TEST(SerdesTest, BytesIsATypeOfItsOwnUsableAsAHashKey) {
  static_assert(!std::is_same_v<Bytes, std::string>);
  std::unordered_set<Bytes> set{Bytes{"a"}, Bytes{"b"}, Bytes{"a"}};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_LT(Bytes{"a"}, Bytes{"b"});
}

TEST(SerdesTest, JsonWritesCompactTextAndReadsItBack) {
  const nlohmann::json value = {{"id", 7}, {"tags", {"a", "b"}}, {"price", 2.5}};
  auto bytes = Write(Serdes::Json(), value);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, R"({"id":7,"price":2.5,"tags":["a","b"]})");
  EXPECT_EQ(Read(Serdes::Json(), *bytes), value);
  EXPECT_EQ(Read(Serdes::Json(), " [1, \"x\"] "), nlohmann::json::parse(R"([1,"x"])"));
}

TEST(SerdesTest, JsonNullAndKafkaNullAreTheSameBothWays) {
  EXPECT_EQ(Write(Serdes::Json(), nlohmann::json(nullptr)), std::nullopt);
  EXPECT_TRUE(Read(Serdes::Json(), std::nullopt).is_null());
  EXPECT_TRUE(Read(Serdes::Json(), "null").is_null());
}

TEST(SerdesTest, JsonThatDoesNotParseIsAnErrorWithTheParserMessage) {
  EXPECT_THAT(SerializationError([] { Read(Serdes::Json(), "{\"a\":"); }),
              AllOf(HasSubstr("Json"), HasSubstr("'orders'"), HasSubstr("parse error")));
  EXPECT_THROW(Read(Serdes::Json(), ""), SerializationException);
  EXPECT_THROW(Read(Serdes::Json(), "{} trailing"), SerializationException);
}

TEST(SerdesTest, JsonStringsThatAreNotUtf8CannotBeWritten) {
  const nlohmann::json value = std::string("\xff\xfe");
  EXPECT_THAT(SerializationError([&] { Write(Serdes::Json(), value); }),
              AllOf(HasSubstr("Json"), HasSubstr("UTF-8")));
}

TEST(SerdesTest, OptionalJsonReadsNullAsNulloptAndWritesJsonNullAsKafkaNull) {
  auto serde = Serdes::Optional(Serdes::Json());
  EXPECT_EQ(Read(serde, std::nullopt), std::nullopt);
  EXPECT_EQ(Write(serde, std::optional<nlohmann::json>(nullptr)), std::nullopt);
  EXPECT_EQ(Read(serde, "1"), std::optional<nlohmann::json>(1));
}

TEST(SerdesTest, EachSerdeHasItsName) {
  EXPECT_EQ(Serdes::String()->name(), "String");
  EXPECT_EQ(Serdes::Int32()->name(), "Int32");
  EXPECT_EQ(Serdes::Int64()->name(), "Int64");
  EXPECT_EQ(Serdes::Double()->name(), "Double");
  EXPECT_EQ(Serdes::Bytes()->name(), "Bytes");
  EXPECT_EQ(Serdes::Void()->name(), "Void");
  EXPECT_EQ(Serdes::Json()->name(), "Json");
  EXPECT_EQ(Serdes::Optional(Serdes::String())->name(), "Optional<String>");
  EXPECT_EQ(Serdes::Optional(Serdes::Optional(Serdes::Int64()))->name(),
            "Optional<Optional<Int64>>");
}

TEST(SerdesTest, FactoriesReturnOneSharedInstance) {
  EXPECT_EQ(Serdes::String(), Serdes::String());
  EXPECT_EQ(Serdes::Int64(), Serdes::Int64());
  EXPECT_EQ(Serdes::Json(), Serdes::Json());
}

TEST(SerdesTest, OptionalOfANullSerdeIsAnError) {
  EXPECT_THROW(Serdes::Optional(SerdePtr<int64_t>()), StreamsException);
}

// A user serde held through its own class, as std::make_shared gives it.
class UpperSerde final : public Serde<std::string> {
 public:
  bool serialize(std::string_view, const std::string& data, std::string& out) const override {
    for (char c : data) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return true;
  }
  std::string deserialize(std::string_view, std::optional<std::string_view> bytes) const override {
    return std::string(bytes.value_or(""));
  }
  std::string name() const override { return "Upper"; }
};

TEST(SerdesTest, OptionalWrapsAUserSerdeGivenAsItsOwnClass) {
  auto serde = Serdes::Optional(std::make_shared<UpperSerde>());
  EXPECT_EQ(serde->name(), "Optional<Upper>");
  EXPECT_EQ(Write(serde, std::optional<std::string>("abc")), "ABC");
}

TEST(SerdesTest, ByNameGivesTheBuiltInSerdeOfEachConfigName) {
  EXPECT_EQ(Serdes::ByName("string").serde, Serdes::String());
  EXPECT_EQ(Serdes::ByName("string").type, std::type_index(typeid(std::string)));
  EXPECT_EQ(Serdes::ByName("string").name, "String");
  EXPECT_EQ(Serdes::ByName("int32").serde, Serdes::Int32());
  EXPECT_EQ(Serdes::ByName("int32").type, std::type_index(typeid(int32_t)));
  EXPECT_EQ(Serdes::ByName("int64").serde, Serdes::Int64());
  EXPECT_EQ(Serdes::ByName("int64").type, std::type_index(typeid(int64_t)));
  EXPECT_EQ(Serdes::ByName("double").serde, Serdes::Double());
  EXPECT_EQ(Serdes::ByName("double").type, std::type_index(typeid(double)));
  EXPECT_EQ(Serdes::ByName("bytes").serde, Serdes::Bytes());
  EXPECT_EQ(Serdes::ByName("bytes").type, std::type_index(typeid(Bytes)));
  EXPECT_EQ(Serdes::ByName("void").serde, Serdes::Void());
  EXPECT_EQ(Serdes::ByName("void").type, std::type_index(typeid(Void)));
  EXPECT_EQ(Serdes::ByName("json").serde, Serdes::Json());
  EXPECT_EQ(Serdes::ByName("json").type, std::type_index(typeid(nlohmann::json)));
}

TEST(SerdesTest, ByNameIgnoresAsciiCase) {
  EXPECT_EQ(Serdes::ByName("String").serde, Serdes::String());
  EXPECT_EQ(Serdes::ByName("INT64").serde, Serdes::Int64());
}

TEST(SerdesTest, ByNameOfAnUnknownNameListsTheAcceptedOnes) {
  try {
    Serdes::ByName("long");
    FAIL() << "no ConfigException";
  } catch (const ConfigException& error) {
    EXPECT_THAT(error.what(), AllOf(HasSubstr("'long'"),
                                    HasSubstr("string, int32, int64, double, bytes, void, json")));
  }
}

}  // namespace
}  // namespace brook::streams
