#include "common/crc32c.h"

#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace brook::crc32c {
namespace {

// Vectors from RFC 3720 appendix B.4 and the common "123456789" check value.
struct Vector {
  std::vector<uint8_t> data;
  uint32_t crc;
};

std::vector<Vector> PublishedVectors() {
  std::vector<Vector> v;
  std::string_view check = "123456789";
  v.push_back({std::vector<uint8_t>(check.begin(), check.end()), 0xE3069283u});
  v.push_back({std::vector<uint8_t>(32, 0x00), 0x8A9136AAu});
  v.push_back({std::vector<uint8_t>(32, 0xFF), 0x62A8AB43u});
  std::vector<uint8_t> up(32), down(32);
  for (int i = 0; i < 32; ++i) {
    up[i] = static_cast<uint8_t>(i);
    down[i] = static_cast<uint8_t>(31 - i);
  }
  v.push_back({up, 0x46DD794Eu});
  v.push_back({down, 0x113FDB5Cu});
  v.push_back({{}, 0u});
  return v;
}

TEST(Crc32cTest, MatchesPublishedVectors) {
  for (const auto& v : PublishedVectors()) {
    EXPECT_EQ(Value(v.data.data(), v.data.size()), v.crc);
    EXPECT_EQ(ExtendPortable(0, v.data.data(), v.data.size()), v.crc);
  }
}

TEST(Crc32cTest, ExtendEqualsOneShotAtEverySplit) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 3);
  uint32_t whole = Value(data.data(), data.size());
  for (size_t split = 0; split <= data.size(); split += 37) {
    uint32_t first = Extend(0, data.data(), split);
    EXPECT_EQ(Extend(first, data.data() + split, data.size() - split), whole) << split;
  }
}

TEST(Crc32cTest, HardwareAndPortablePathsAgreeOnUnalignedInput) {
  std::vector<uint8_t> data(80000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i ^ (i >> 3));
  for (size_t start = 0; start < 9; ++start) {
    // Lengths around the three-way block sizes (3 x 256 and 3 x 8192 bytes).
    for (size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 767u, 768u, 769u, 4090u, 24575u, 24576u, 24577u,
                       50000u, 79990u}) {
      EXPECT_EQ(Extend(0, data.data() + start, len), ExtendPortable(0, data.data() + start, len));
    }
  }
}

}  // namespace
}  // namespace brook::crc32c
