#include "broker/log/offset_index.h"

#include <gtest/gtest.h>

namespace brook::broker::log {
namespace {

TEST(OffsetIndexTest, LookupFindsTheLastEntryAtOrBelow) {
  OffsetIndex index(Offset(100));
  index.Append(Offset(104), 0);
  index.Append(Offset(120), 4096);
  index.Append(Offset(150), 9000);
  EXPECT_FALSE(index.Lookup(Offset(99)).has_value());
  EXPECT_FALSE(index.Lookup(Offset(103)).has_value());
  EXPECT_EQ(index.Lookup(Offset(104))->position, 0u);
  EXPECT_EQ(index.Lookup(Offset(130))->position, 4096u);
  EXPECT_EQ(index.Lookup(Offset(1000))->offset, Offset(150));
  EXPECT_EQ(index.LookupPosition(5000)->offset, Offset(120));
}

TEST(OffsetIndexTest, SerializedIndexParsesBack) {
  OffsetIndex index(Offset(7));
  for (int i = 1; i <= 50; ++i) index.Append(Offset(7 + 3 * i), static_cast<uint64_t>(100 * i));
  Bytes data = index.Serialize();
  EXPECT_EQ(data.size(), 50u * 8);
  auto parsed = OffsetIndex::Parse(Offset(7), data, 100'000);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->entry_count(), 50u);
  EXPECT_EQ(parsed->Lookup(Offset(20))->position, 400u);
}

TEST(OffsetIndexTest, DamagedIndexIsRejected) {
  OffsetIndex index(Offset(0));
  index.Append(Offset(5), 100);
  index.Append(Offset(9), 200);
  Bytes data = index.Serialize();
  EXPECT_EQ(OffsetIndex::Parse(Offset(0), ByteView(data).first(7), 1000).status().code(),
            StatusCode::kCorruption);
  EXPECT_FALSE(OffsetIndex::Parse(Offset(0), data, 150).ok());  // position past the log
  std::swap(data[3], data[11]);                                 // offsets out of order
  EXPECT_FALSE(OffsetIndex::Parse(Offset(0), data, 1000).ok());
}

TEST(TimeIndexTest, KeepsOnlyIncreasingTimestamps) {
  TimeIndex index(Offset(0));
  EXPECT_TRUE(index.MaybeAppend(1000, Offset(3)));
  EXPECT_FALSE(index.MaybeAppend(1000, Offset(5)));
  EXPECT_FALSE(index.MaybeAppend(900, Offset(6)));
  EXPECT_TRUE(index.MaybeAppend(2000, Offset(9)));
  EXPECT_FALSE(index.Lookup(999).has_value());
  EXPECT_EQ(index.Lookup(1500)->offset, Offset(3));
  auto parsed = TimeIndex::Parse(Offset(0), index.Serialize());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->entry_count(), 2u);
}

}  // namespace
}  // namespace brook::broker::log
