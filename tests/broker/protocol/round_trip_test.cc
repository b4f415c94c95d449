// Encode -> decode -> equal for random instances of every message at every version it has.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "broker/protocol/frame.h"
#include "broker/protocol/messages.h"
#include "random_messages.h"

namespace brook::broker::protocol {
namespace {

constexpr int kInstancesPerVersion = 40;

template <typename T>
class MessageRoundTripTest : public ::testing::Test {};

TYPED_TEST_SUITE(MessageRoundTripTest, testing::AllMessageTypes);

TYPED_TEST(MessageRoundTripTest, RandomInstancesOfEveryVersionRoundTrip) {
  using Message = TypeParam;
  for (int16_t version = Message::kMinVersion; version <= Message::kMaxVersion; ++version) {
    for (int seed = 0; seed < kInstancesPerVersion; ++seed) {
      testing::RandomSource random(static_cast<uint64_t>(seed) * 1000 + version);
      Message original;
      testing::Randomize(original, version, random);

      Bytes bytes;
      Writer writer(&bytes);
      original.Encode(writer, version);
      ASSERT_EQ(bytes.size(), original.EncodedSize(version))
          << Message::kName << " v" << version << " seed " << seed;

      Result<Message> decoded = DecodeBody<Message>(bytes, 0, version);
      ASSERT_TRUE(decoded.ok()) << Message::kName << " v" << version << " seed " << seed << ": "
                                << decoded.status().ToString() << "\n"
                                << HexString(bytes);
      ASSERT_TRUE(*decoded == original) << Message::kName << " v" << version << " seed " << seed;

      Bytes again;
      Writer rewriter(&again);
      decoded->Encode(rewriter, version);
      ASSERT_EQ(again, bytes) << Message::kName << " v" << version << " seed " << seed;
    }
  }
}

TYPED_TEST(MessageRoundTripTest, DefaultInstanceRoundTripsAtEveryVersion) {
  using Message = TypeParam;
  for (int16_t version = Message::kMinVersion; version <= Message::kMaxVersion; ++version) {
    Message original;
    Bytes bytes;
    Writer writer(&bytes);
    original.Encode(writer, version);
    EXPECT_EQ(bytes.size(), original.EncodedSize(version));
    Result<Message> decoded = DecodeBody<Message>(bytes, 0, version);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_TRUE(*decoded == original) << Message::kName << " v" << version;
  }
}

TYPED_TEST(MessageRoundTripTest, VersionsOutsideTheRangeAreUnsupported) {
  using Message = TypeParam;
  Bytes bytes(64, 0);
  for (int16_t version : {static_cast<int16_t>(Message::kMinVersion - 1),
                          static_cast<int16_t>(Message::kMaxVersion + 1)}) {
    Result<Message> decoded = DecodeBody<Message>(bytes, 0, version);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.status().code(), StatusCode::kUnsupported);
    EXPECT_NE(decoded.status().message().find(std::string(Message::kName)), std::string::npos);
  }
}

}  // namespace
}  // namespace brook::broker::protocol
