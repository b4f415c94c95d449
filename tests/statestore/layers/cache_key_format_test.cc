#include "statestore/layers/cache_key_format.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace brook::statestore {
namespace {

std::string RandomKey(std::mt19937& rng) {
  // Mostly the bytes that matter to the format: 0x00, 0x01, 0xff, and a letter.
  static const char kBytes[] = {'\0', '\x01', '\x02', '\xff', 'a'};
  std::string key(rng() % 6, 'a');
  for (char& c : key) c = kBytes[rng() % sizeof(kBytes)];
  return key;
}

TEST(CacheKeyFormat, SessionKeysRoundTripForAnyBytes) {
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string key = RandomKey(rng);
    int64_t start = static_cast<int64_t>(rng()) - (int64_t{1} << 31);
    int64_t end = start + static_cast<int64_t>(rng() % 1000);
    std::string encoded = cache_key::Session(key, start, end);
    std::string_view in = encoded;
    std::string read_key;
    int64_t read_start = 0;
    int64_t read_end = 0;
    ASSERT_TRUE(cache_key::ReadKey(in, read_key));
    ASSERT_TRUE(cache_key::ReadTime(in, read_start));
    ASSERT_TRUE(cache_key::ReadTime(in, read_end));
    EXPECT_EQ(read_key, key);
    EXPECT_EQ(read_start, start);
    EXPECT_EQ(read_end, end);
    EXPECT_TRUE(in.empty());
  }
}

TEST(CacheKeyFormat, ByteOrderIsKeyThenTimeOrder) {
  std::mt19937 rng(11);
  std::vector<std::pair<std::string, int64_t>> windows;
  for (int i = 0; i < 500; ++i) {
    windows.emplace_back(RandomKey(rng), static_cast<int64_t>(rng() % 2000) - 1000);
  }
  auto by_encoding = windows;
  std::sort(windows.begin(), windows.end());
  std::sort(by_encoding.begin(), by_encoding.end(), [](const auto& a, const auto& b) {
    return cache_key::Window(a.first, a.second) < cache_key::Window(b.first, b.second);
  });
  EXPECT_EQ(by_encoding, windows);
  for (const auto& [key, start] : windows) {
    std::string window = cache_key::Window(key, start);
    EXPECT_LE(cache_key::KeyStart(key), window);
    EXPECT_LT(window, cache_key::KeyEnd(key));
  }
}

TEST(CacheKeyFormat, MalformedKeysAreRejectedAndLeaveTheInputAlone) {
  for (std::string bad : {std::string("abc"), std::string("ab\0", 3), std::string("a\0\x05z", 4),
                          std::string("a\0\xff", 3),
                          std::string("a\0\xff"
                                      "b\0\x07",
                                      6)}) {
    std::string_view in = bad;
    std::string key = "stale";
    EXPECT_FALSE(cache_key::ReadKey(in, key)) << testing::PrintToString(bad);
    EXPECT_EQ(in, bad);
  }
}

}  // namespace
}  // namespace brook::statestore
