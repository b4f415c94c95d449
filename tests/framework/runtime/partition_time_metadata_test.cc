#include "framework/runtime/partition_time_metadata.h"

#include <gtest/gtest.h>

namespace brook::framework::runtime {
namespace {

TEST(PartitionTimeMetadataTest, EncodesKafkasVersionTwoLayoutInBase64) {
  // Kafka Streams' TopicPartitionMetadata v2 of partition time 1000 and no processor metadata:
  // 02 00..03 E8, in Base64 (what Kafka 3.x writes).
  EXPECT_EQ(EncodePartitionTime(1000), "AgAAAAAAAAPo");
  EXPECT_EQ(DecodePartitionTime("AgAAAAAAAAPo"), 1000);
}

TEST(PartitionTimeMetadataTest, ReadsVersionOneAsOlderKafkaWroteIt) {
  EXPECT_EQ(DecodePartitionTime("AQAAAAAAAAPo"), 1000);
}

TEST(PartitionTimeMetadataTest, RoundTripsAnyTime) {
  for (int64_t time : {int64_t{0}, int64_t{1}, int64_t{1767225600000}, int64_t{-1},
                       int64_t{0x7fffffffffffffff}}) {
    EXPECT_EQ(DecodePartitionTime(EncodePartitionTime(time)), time) << time;
  }
}

TEST(PartitionTimeMetadataTest, ProcessorMetadataRoundTripsInKafkasLayout) {
  PartitionMetadata metadata;
  metadata.partition_time = 5;
  metadata.processor_metadata = {{"store-a", 60000}, {"b", -1}};
  // 02 | time 5 | count 2 | len 1 "b" -1 | len 7 "store-a" 60000 (keys in order), Base64.
  const std::string encoded = EncodePartitionMetadata(metadata);
  EXPECT_EQ(encoded, "AgAAAAAAAAAFAAAAAgAAAAFi//////////8AAAAHc3RvcmUtYQAAAAAAAOpg");
  auto decoded = DecodePartitionMetadata(encoded);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->partition_time, 5);
  EXPECT_EQ(decoded->processor_metadata, metadata.processor_metadata);
}

TEST(PartitionTimeMetadataTest, VersionTwoWithKafkasProcessorMetadataBytes) {
  // What Kafka's TopicPartitionMetadata(5, {"s" -> 7}).encode() gives.
  auto decoded = DecodePartitionMetadata("AgAAAAAAAAAFAAAAAQAAAAFzAAAAAAAAAAc=");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->partition_time, 5);
  EXPECT_EQ(decoded->processor_metadata, (std::map<std::string, int64_t>{{"s", 7}}));
  EXPECT_EQ(EncodePartitionMetadata(*decoded), "AgAAAAAAAAAFAAAAAQAAAAFzAAAAAAAAAAc=");
}

TEST(PartitionTimeMetadataTest, DamagedProcessorMetadataKeepsThePartitionTime) {
  // 02, time 5, then an entry count of 1 with nothing after it.
  auto decoded = DecodePartitionMetadata("AgAAAAAAAAAFAAAAAQ==");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->partition_time, 5);
  EXPECT_TRUE(decoded->processor_metadata.empty());
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
