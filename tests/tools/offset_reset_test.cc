// The pure parts of `brook groups reset-offsets`: the planner, date and time parsing, --topic.

#include "tools/offset_reset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace brook::tools {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const TopicPartition kPartition{"orders", 3};

PartitionOffsets Offsets(int64_t start, int64_t end, std::optional<int64_t> committed) {
  return {start, end, committed, -1};
}

TEST(OffsetResetTest, EachStrategyPicksItsOffset) {
  const PartitionOffsets offsets = Offsets(2, 10, 6);
  EXPECT_EQ(PlanOffset(kPartition, {ResetStrategy::kToEarliest, 0}, offsets)->offset, 2);
  EXPECT_EQ(PlanOffset(kPartition, {ResetStrategy::kToLatest, 0}, offsets)->offset, 10);
  EXPECT_EQ(PlanOffset(kPartition, {ResetStrategy::kToOffset, 7}, offsets)->offset, 7);
  EXPECT_EQ(PlanOffset(kPartition, {ResetStrategy::kShiftBy, -3}, offsets)->offset, 3);
  PartitionOffsets timed = offsets;
  timed.offset_for_time = 4;
  EXPECT_EQ(PlanOffset(kPartition, {ResetStrategy::kToDatetime, 1}, timed)->offset, 4);
}

TEST(OffsetResetTest, OffsetsOutsideTheLogAreClampedWithKafkasWarning) {
  Result<PlannedOffset> high =
      PlanOffset(kPartition, {ResetStrategy::kToOffset, 12}, Offsets(2, 10, 6));
  ASSERT_TRUE(high.ok());
  EXPECT_EQ(high->offset, 10);
  EXPECT_EQ(high->warning,
            "New offset (12) is higher than latest offset for topic partition orders-3. Value "
            "will be set to 10");
  Result<PlannedOffset> low =
      PlanOffset(kPartition, {ResetStrategy::kShiftBy, -100}, Offsets(2, 10, 6));
  EXPECT_EQ(low->offset, 2);
  EXPECT_THAT(low->warning, HasSubstr("(-94) is lower than earliest offset"));
  EXPECT_EQ(PlanOffset(kPartition, {ResetStrategy::kToOffset, 5}, Offsets(2, 10, 6))->warning, "");
}

TEST(OffsetResetTest, ShiftWithoutCommittedOffsetFailsAndHugeShiftsSaturate) {
  Result<PlannedOffset> none =
      PlanOffset(kPartition, {ResetStrategy::kShiftBy, 1}, Offsets(0, 10, std::nullopt));
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(none.status().message(), HasSubstr("orders-3"));
  EXPECT_EQ(PlanOffset(kPartition, {ResetStrategy::kShiftBy, INT64_MAX}, Offsets(0, 10, 6))->offset,
            10);
}

TEST(OffsetResetTest, DatetimeWithoutALaterRecordGoesToTheLogEnd) {
  EXPECT_EQ(PlanOffset(kPartition, {ResetStrategy::kToDatetime, 1}, Offsets(0, 10, 6))->offset, 10);
}

TEST(OffsetResetTest, DateTimesParseWithAndWithoutZones) {
  constexpr int64_t kNewYear2024 = 1704067200000;
  EXPECT_EQ(*ParseDateTime("2024-01-01T00:00:00Z"), kNewYear2024);
  EXPECT_EQ(*ParseDateTime("2024-01-01T00:00:00"), kNewYear2024);
  EXPECT_EQ(*ParseDateTime("2024-01-01T00:00"), kNewYear2024);
  EXPECT_EQ(*ParseDateTime("2024-01-01T00:00:00.123"), kNewYear2024 + 123);
  EXPECT_EQ(*ParseDateTime("2024-01-01T00:00:00.5"), kNewYear2024 + 500);
  EXPECT_EQ(*ParseDateTime("2024-01-01T00:00:00.123456Z"), kNewYear2024 + 123);
  EXPECT_EQ(*ParseDateTime("2024-01-01T02:00:00+02:00"), kNewYear2024);
  EXPECT_EQ(*ParseDateTime("2024-01-01T02:30:00+0230"), kNewYear2024);
  EXPECT_EQ(*ParseDateTime("2023-12-31T23:00:00-01"), kNewYear2024);
  EXPECT_EQ(*ParseDateTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseDateTime("2024-02-29T00:00:00Z"), kNewYear2024 + 59LL * 86'400'000);
}

TEST(OffsetResetTest, MalformedDateTimesAreRejected) {
  for (const char* text :
       {"", "2024-01-01", "2024-01-01 00:00:00", "2024-13-01T00:00:00", "2023-02-29T00:00:00",
        "2024-01-01T24:00:00", "2024-01-01T00:60", "2024-01-01T00:00:00.", "2024-01-01T00:00:00+1",
        "2024-01-01T00:00:00Zx", "yesterday"}) {
    Result<int64_t> parsed = ParseDateTime(text);
    EXPECT_FALSE(parsed.ok()) << text;
    EXPECT_THAT(parsed.status().message(), HasSubstr("YYYY-MM-DDTHH:MM:SS")) << text;
  }
}

TEST(OffsetResetTest, TopicSelectionsNameATopicAndOptionallyPartitions) {
  Result<TopicSelection> whole = ParseTopicSelection("orders");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->topic, "orders");
  EXPECT_TRUE(whole->partitions.empty());
  Result<TopicSelection> some = ParseTopicSelection("orders:2,0,2");
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(some->topic, "orders");
  EXPECT_THAT(some->partitions, ElementsAre(0, 2));
  for (const char* text :
       {"", ":1", "orders:", "orders:a", "orders:1,", "orders:-1", "orders:1:2"}) {
    EXPECT_FALSE(ParseTopicSelection(text).ok()) << text;
  }
}

}  // namespace
}  // namespace brook::tools
