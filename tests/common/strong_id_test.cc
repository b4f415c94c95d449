#include "common/strong_id.h"

#include <type_traits>
#include <unordered_set>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace brook {
namespace {

TEST(StrongIdTest, DistinctKindsDoNotConvert) {
  static_assert(!std::is_convertible_v<Offset, PartitionId>);
  static_assert(!std::is_convertible_v<int64_t, Offset>);
  static_assert(!std::is_convertible_v<Offset, int64_t>);
  SUCCEED();
}

TEST(StrongIdTest, ArithmeticAndOrdering) {
  Offset a(10);
  Offset b = a + 5;
  EXPECT_EQ(b.value(), 15);
  EXPECT_EQ(b - a, 5);
  EXPECT_LT(a, b);
  ++a;
  EXPECT_EQ(a, Offset(11));
  EXPECT_EQ(fmt::format("{}", b), "15");
  std::unordered_set<ProducerId> ids{ProducerId(1), ProducerId(1), ProducerId(2)};
  EXPECT_EQ(ids.size(), 2u);
}

}  // namespace
}  // namespace brook
