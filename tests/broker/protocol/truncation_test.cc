// Every proper prefix of a valid message fails to decode with a Corruption status that names
// the message, the version and a byte offset; nothing crashes.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "broker/protocol/frame.h"
#include "broker/protocol/messages.h"
#include "random_messages.h"

namespace brook::broker::protocol {
namespace {

template <typename T>
class MessageTruncationTest : public ::testing::Test {};

TYPED_TEST_SUITE(MessageTruncationTest, testing::AllMessageTypes);

TYPED_TEST(MessageTruncationTest, EveryPrefixFailsWithCorruptionNamingMessageVersionAndOffset) {
  using Message = TypeParam;
  for (int16_t version = Message::kMinVersion; version <= Message::kMaxVersion; ++version) {
    for (int seed = 0; seed < 4; ++seed) {
      testing::RandomSource random(static_cast<uint64_t>(seed) * 7919 + version);
      Message original;
      testing::Randomize(original, version, random);
      Bytes bytes;
      Writer writer(&bytes);
      original.Encode(writer, version);
      std::string expected_prefix = std::string(Message::kName) + " v" + std::to_string(version);
      for (size_t length = 0; length < bytes.size(); ++length) {
        // A copy of exactly `length` bytes, so ASan sees any read past the end.
        Bytes prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length));
        Result<Message> decoded = DecodeBody<Message>(prefix, 0, version);
        ASSERT_FALSE(decoded.ok()) << expected_prefix << " prefix " << length;
        EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
        const std::string& text = decoded.status().message();
        EXPECT_EQ(text.rfind(expected_prefix + ":", 0), 0u) << text;
        EXPECT_NE(text.find(" at byte "), std::string::npos) << text;
      }
    }
  }
}

}  // namespace
}  // namespace brook::broker::protocol
