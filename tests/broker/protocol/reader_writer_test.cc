#include <gtest/gtest.h>

#include <string>

#include "broker/protocol/fetch.h"
#include "broker/protocol/frame.h"
#include "broker/protocol/metadata.h"
#include "broker/protocol/reader.h"
#include "broker/protocol/writer.h"

namespace brook::broker::protocol {
namespace {

Bytes Hex(std::string_view hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(ReaderWriterTest, FixedWidthValuesAreBigEndian) {
  Bytes bytes;
  Writer writer(&bytes);
  writer.WriteInt16(0x0102);
  writer.WriteInt32(-2);
  writer.WriteInt64(0x0102030405060708);
  writer.WriteUint16(0xfffe);
  writer.WriteUint32(0x80000000u);
  writer.WriteFloat64(1.5);
  writer.WriteBool(true);
  EXPECT_EQ(HexString(bytes), "0102fffffffe0102030405060708fffe800000003ff800000000000001");
  EXPECT_EQ(writer.written(), bytes.size());

  Reader reader(bytes);
  int16_t i16 = 0;
  int32_t i32 = 0;
  int64_t i64 = 0;
  uint16_t u16 = 0;
  uint32_t u32 = 0;
  double f64 = 0;
  bool b = false;
  ASSERT_TRUE(reader.ReadInt16(&i16, "a").ok());
  ASSERT_TRUE(reader.ReadInt32(&i32, "b").ok());
  ASSERT_TRUE(reader.ReadInt64(&i64, "c").ok());
  ASSERT_TRUE(reader.ReadUint16(&u16, "d").ok());
  ASSERT_TRUE(reader.ReadUint32(&u32, "e").ok());
  ASSERT_TRUE(reader.ReadFloat64(&f64, "f").ok());
  ASSERT_TRUE(reader.ReadBool(&b, "g").ok());
  EXPECT_EQ(i16, 0x0102);
  EXPECT_EQ(i32, -2);
  EXPECT_EQ(i64, 0x0102030405060708);
  EXPECT_EQ(u16, 0xfffe);
  EXPECT_EQ(u32, 0x80000000u);
  EXPECT_EQ(f64, 1.5);
  EXPECT_TRUE(b);
  EXPECT_TRUE(reader.at_end());
}

TEST(ReaderWriterTest, CompactAndClassicStringsAndNulls) {
  Bytes bytes;
  Writer writer(&bytes);
  writer.WriteString("ab", /*compact=*/false);
  writer.WriteString("ab", /*compact=*/true);
  writer.WriteNullableString(std::nullopt, false, /*nullable=*/true);
  writer.WriteNullableString(std::nullopt, true, /*nullable=*/true);
  writer.WriteNullableString(std::nullopt, false, /*nullable=*/false);  // "" instead
  writer.WriteNullableBytes(std::nullopt, false, true);
  writer.WriteNullableBytes(std::nullopt, true, true);
  writer.WriteArrayLength(-1, false);
  writer.WriteArrayLength(2, true);
  EXPECT_EQ(HexString(bytes), "00026162036162ffff000000ffffffff00ffffffff03");
  EXPECT_EQ(StringSize("ab", false) + StringSize("ab", true) +
                NullableStringSize(std::nullopt, false, true) +
                NullableStringSize(std::nullopt, true, true) +
                NullableStringSize(std::nullopt, false, false) +
                NullableBytesSize(std::nullopt, false, true) +
                NullableBytesSize(std::nullopt, true, true) + ArrayLengthSize(-1, false) +
                ArrayLengthSize(2, true),
            bytes.size());
}

TEST(ReaderWriterTest, NegativeLengthOtherThanMinusOneIsCorruption) {
  Bytes bytes = Hex("fffe");
  Reader reader(bytes);
  reader.SetContext("TestMessage", 3);
  std::optional<std::string> s;
  Status status = reader.ReadNullableString(&s, false, true, "Name");
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "TestMessage v3: string Name has negative length -2 at byte 0");
}

TEST(ReaderWriterTest, NullForNonNullableFieldIsCorruption) {
  Bytes bytes = Hex("ffff");
  Reader reader(bytes);
  std::string s;
  Status status = reader.ReadString(&s, false, "Name");
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("non-nullable string Name is null at byte 0"), std::string::npos);
}

TEST(ReaderWriterTest, LengthPastTheEndIsCorruptionNamingTheOffset) {
  Bytes bytes = Hex("0000000000000010616263");  // 6 bytes of padding, then length 16, 3 bytes
  Reader reader(bytes, 4);
  reader.SetContext("TestMessage", 1);
  Bytes out;
  Status status = reader.ReadBytes(&out, false, "Data");
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_EQ(status.message(), "TestMessage v1: bytes Data needs 16 bytes, 3 left at byte 8");
}

TEST(ReaderWriterTest, CompactLengthOverflowIsCorruption) {
  Bytes bytes = Hex("ffffffff0f");  // uvarint 0xffffffff
  Reader reader(bytes);
  int32_t count = 0;
  Status status = reader.ReadArrayLength(&count, true, true, 1, "Topics");
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("overflows"), std::string::npos);
}

TEST(ReaderWriterTest, OverlongVarintIsCorruption) {
  Bytes bytes = Hex("ffffffffff01");
  Reader reader(bytes);
  uint32_t v = 0;
  EXPECT_EQ(reader.ReadUnsignedVarint(&v, "x").code(), StatusCode::kCorruption);
}

TEST(ReaderWriterTest, HugeArrayCountFailsBeforeAllocating) {
  // MetadataRequest v1: Topics claims 2^31-1 elements in a 4-byte frame body.
  Bytes bytes = Hex("7fffffff");
  Result<MetadataRequest> decoded = DecodeBody<MetadataRequest>(bytes, 0, 1);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(decoded.status().message(),
            "MetadataRequest v1: array Topics claims 2147483647 elements (at least 4294967294 "
            "bytes), 0 left at byte 4");
}

TEST(ReaderWriterTest, TrailingBytesAfterABodyAreCorruption) {
  Bytes bytes = Hex("ffffffff00");  // MetadataRequest v1: null topics, then one extra byte
  Result<MetadataRequest> decoded = DecodeBody<MetadataRequest>(bytes, 0, 1);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().message(),
            "MetadataRequest v1: 1 unread bytes after "
            "MetadataRequest at byte 4");
}

TEST(ReaderWriterTest, MetadataNullTopicsAreNullOnlyFromVersionOne) {
  MetadataRequest request;
  request.topics.reset();  // all topics
  Bytes v1;
  Writer w1(&v1);
  request.Encode(w1, 1);
  EXPECT_EQ(HexString(v1), "ffffffff");
  Bytes v0;
  Writer w0(&v0);
  request.Encode(w0, 0);  // v0 cannot say null: an empty array (which v0 reads as "all")
  EXPECT_EQ(HexString(v0), "00000000");
  Result<MetadataRequest> bad = DecodeBody<MetadataRequest>(Hex("ffffffff"), 0, 0);
  EXPECT_FALSE(bad.ok());
  // The default is an empty list, not null.
  EXPECT_TRUE(MetadataRequest().topics.has_value());
}

TEST(ReaderWriterTest, SchemaDefaultsAreMemberInitializers) {
  FetchRequest fetch;
  EXPECT_EQ(fetch.replica_id, -1);
  EXPECT_EQ(fetch.max_bytes, 0x7fffffff);
  EXPECT_EQ(fetch.session_epoch, -1);
  EXPECT_FALSE(fetch.cluster_id.has_value());
  FetchRequest::FetchPartition partition;
  EXPECT_EQ(partition.current_leader_epoch, -1);
  EXPECT_EQ(partition.log_start_offset, -1);
  MetadataResponse::MetadataResponseTopic topic;
  EXPECT_EQ(topic.topic_authorized_operations, std::numeric_limits<int32_t>::min());
}

TEST(ReaderWriterTest, TaggedFieldsAreWrittenOnlyWhenNotDefaultAndMergedByTag) {
  FetchRequest request;
  Bytes plain;
  Writer plain_writer(&plain);
  request.Encode(plain_writer, 12);
  EXPECT_EQ(plain.back(), 0x00);  // empty tagged section

  request.cluster_id = "c";                                   // known tag 0
  request.unknown_tagged_fields.push_back({7, Bytes{0xaa}});  // unknown tag 7
  request.replica_state.replica_id = 5;                       // tag 1, but only in v15
  Bytes bytes;
  Writer writer(&bytes);
  request.Encode(writer, 12);
  ASSERT_EQ(bytes.size(), request.EncodedSize(12));
  // count 2; tag 0 size 2 "c" (compact); tag 7 size 1 aa
  EXPECT_EQ(HexString(bytes).substr(HexString(bytes).size() - 16),
            "020002026307"
            "01aa");

  Result<FetchRequest> decoded = DecodeBody<FetchRequest>(bytes, 0, 12);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->cluster_id, std::optional<std::string>("c"));
  ASSERT_EQ(decoded->unknown_tagged_fields.size(), 1u);
  EXPECT_EQ(decoded->unknown_tagged_fields[0].tag, 7u);
  EXPECT_EQ(decoded->replica_state.replica_id, -1);  // not in v12
}

TEST(ReaderWriterTest, TaggedFieldWithWrongSizeIsCorruption) {
  FetchRequest request;
  request.cluster_id = "c";
  Bytes bytes;
  Writer writer(&bytes);
  request.Encode(writer, 12);
  // The section ends "01 00 02 02 63": claim size 3 and append one byte.
  ASSERT_EQ(bytes[bytes.size() - 3], 0x02);
  bytes[bytes.size() - 3] = 0x03;
  bytes.push_back(0x00);
  Result<FetchRequest> decoded = DecodeBody<FetchRequest>(bytes, 0, 12);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.status().message().find("unread bytes after tagged field ClusterId"),
            std::string::npos)
      << decoded.status().message();
}

}  // namespace
}  // namespace brook::broker::protocol
