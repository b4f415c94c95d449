#include "framework/runtime/partition_time_metadata.h"

#include <gtest/gtest.h>

namespace brook::framework::runtime {
namespace {

TEST(PartitionTimeMetadataTest, EncodesKafkasVersionOneLayoutInBase64) {
  // Kafka Streams' TopicPartitionMetadata v1 of partition time 1000: 01 00..03 E8, in Base64.
  EXPECT_EQ(EncodePartitionTime(1000), "AQAAAAAAAAPo");
  EXPECT_EQ(DecodePartitionTime("AQAAAAAAAAPo"), 1000);
}

TEST(PartitionTimeMetadataTest, RoundTripsAnyTime) {
  for (int64_t time : {int64_t{0}, int64_t{1}, int64_t{1767225600000}, int64_t{-1},
                       int64_t{0x7fffffffffffffff}}) {
    EXPECT_EQ(DecodePartitionTime(EncodePartitionTime(time)), time) << time;
  }
}

TEST(PartitionTimeMetadataTest, VersionTwoKeepsTheTimeAndIgnoresProcessorMetadata) {
  // 02, time 5, then processor metadata bytes: Kafka 3.x's layout.
  EXPECT_EQ(DecodePartitionTime("AgAAAAAAAAAFAAAAAQ=="), 5);
}

TEST(PartitionTimeMetadataTest, ForeignOrDamagedMetadataIsUnknown) {
  EXPECT_EQ(DecodePartitionTime(""), std::nullopt);
  EXPECT_EQ(DecodePartitionTime("hello"), std::nullopt);          // not Base64 (length)
  EXPECT_EQ(DecodePartitionTime("AAAAAAAAAAPo"), std::nullopt);   // version 0
  EXPECT_EQ(DecodePartitionTime("AQAAAA=="), std::nullopt);       // too short
  EXPECT_EQ(DecodePartitionTime("AQAA*AAAAAPo"), std::nullopt);   // bad character
}

}  // namespace
}  // namespace brook::framework::runtime
