#include <gtest/gtest.h>

#include <set>
#include <string>

#include "broker/protocol/error_code.h"
#include "broker/protocol/frame.h"
#include "broker/protocol/messages.h"

namespace brook::broker::protocol {
namespace {

Bytes Hex(std::string_view hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(ApiTableTest, AdvertisedRangesMatchTheBrief) {
  struct Expected {
    ApiKey key;
    int16_t min, max, first_flexible;
  };
  const Expected expected[] = {
      {ApiKey::kProduce, 3, 9, 9},
      {ApiKey::kFetch, 4, 15, 12},
      {ApiKey::kListOffsets, 1, 7, 6},
      {ApiKey::kMetadata, 0, 12, 9},
      {ApiKey::kOffsetCommit, 0, 8, 8},
      {ApiKey::kOffsetFetch, 0, 8, 6},
      {ApiKey::kFindCoordinator, 0, 4, 3},
      {ApiKey::kJoinGroup, 0, 9, 6},
      {ApiKey::kHeartbeat, 0, 4, 4},
      {ApiKey::kLeaveGroup, 0, 5, 4},
      {ApiKey::kSyncGroup, 0, 5, 4},
      {ApiKey::kDescribeGroups, 0, 5, 5},
      {ApiKey::kListGroups, 0, 4, 3},
      {ApiKey::kSaslHandshake, 0, 1, -1},
      {ApiKey::kApiVersions, 0, 3, 3},
      {ApiKey::kCreateTopics, 0, 7, 5},
      {ApiKey::kDeleteTopics, 0, 6, 4},
      {ApiKey::kDeleteRecords, 0, 2, 2},
      {ApiKey::kInitProducerId, 0, 4, 2},
      {ApiKey::kOffsetForLeaderEpoch, 0, 4, 4},
      {ApiKey::kAddPartitionsToTxn, 0, 3, 3},
      {ApiKey::kAddOffsetsToTxn, 0, 3, 3},
      {ApiKey::kEndTxn, 0, 3, 3},
      {ApiKey::kWriteTxnMarkers, 0, 1, 1},
      {ApiKey::kTxnOffsetCommit, 0, 3, 3},
      {ApiKey::kDescribeAcls, 0, 3, 2},
      {ApiKey::kCreateAcls, 0, 3, 2},
      {ApiKey::kDeleteAcls, 0, 3, 2},
      {ApiKey::kDescribeConfigs, 0, 4, 4},
      {ApiKey::kAlterConfigs, 0, 2, 2},
      {ApiKey::kSaslAuthenticate, 0, 2, 2},
      {ApiKey::kCreatePartitions, 0, 3, 2},
      {ApiKey::kDeleteGroups, 0, 2, 2},
      {ApiKey::kIncrementalAlterConfigs, 0, 1, 1},
      {ApiKey::kOffsetDelete, 0, 0, -1},
      {ApiKey::kDescribeCluster, 0, 0, 0},
      {ApiKey::kDescribeProducers, 0, 0, 0},
      {ApiKey::kDescribeTransactions, 0, 0, 0},
      {ApiKey::kListTransactions, 0, 0, 0},
  };
  EXPECT_EQ(std::size(expected), kApis.size());
  for (const Expected& e : expected) {
    const ApiInfo& info = GetApi(e.key);
    EXPECT_EQ(info.min_version, e.min) << info.name;
    EXPECT_EQ(info.max_version, e.max) << info.name;
    EXPECT_EQ(info.first_flexible_version, e.first_flexible) << info.name;
    EXPECT_EQ(info.advertised, e.key != ApiKey::kWriteTxnMarkers) << info.name;
  }
  EXPECT_EQ(ApiKeyName(ApiKey::kOffsetForLeaderEpoch), "OffsetForLeaderEpoch");
  EXPECT_EQ(FindApi(68), nullptr);
}

TEST(ApiTableTest, HeaderVersionsFollowFlexibleVersions) {
  EXPECT_EQ(RequestHeaderVersion(ApiKey::kProduce, 8), 1);
  EXPECT_EQ(RequestHeaderVersion(ApiKey::kProduce, 9), 2);
  EXPECT_EQ(RequestHeaderVersion(ApiKey::kSaslHandshake, 1), 1);
  EXPECT_EQ(RequestHeaderVersion(ApiKey::kApiVersions, 4), 2);  // unknown version: "3+"
  EXPECT_EQ(ResponseHeaderVersion(ApiKey::kProduce, 8), 0);
  EXPECT_EQ(ResponseHeaderVersion(ApiKey::kProduce, 9), 1);
  EXPECT_EQ(ResponseHeaderVersion(ApiKey::kApiVersions, 3), 0);  // always v0 (KIP-511)
  EXPECT_EQ(ResponseHeaderVersion(ApiKey::kDescribeCluster, 0), 1);
}

TEST(FrameTest, ParsesAnApiVersionsV3RequestFromLibrdkafka) {
  Bytes frame = Hex("0012000300000001000772646b61666b61000b6c696272646b61666b6106322e302e3200");
  Result<RequestFrame> parsed = ParseRequestFrame(frame);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->api_key(), ApiKey::kApiVersions);
  EXPECT_EQ(parsed->api_version(), 3);
  EXPECT_EQ(parsed->header_version, 2);
  EXPECT_EQ(parsed->header.correlation_id, 1);
  EXPECT_EQ(parsed->header.client_id, std::optional<std::string>("rdkafka"));
  EXPECT_EQ(parsed->body_offset, 18u);
  Result<ApiVersionsRequest> body = DecodeRequestBody<ApiVersionsRequest>(frame, *parsed);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(body->client_software_name, "librdkafka");
  EXPECT_EQ(body->client_software_version, "2.0.2");
  EXPECT_FALSE(DecodeRequestBody<MetadataRequest>(frame, *parsed).ok());
}

TEST(FrameTest, BytesAfterARequestBodyAreIgnoredAsKafkaDoes) {
  // ListGroups v4 as librdkafka 2.0.2 sends it: the body (empty StatesFilter, empty tagged
  // fields) is followed by a second empty tagged-field section.
  RequestHeader header;
  header.request_api_version = 4;
  header.correlation_id = 5;
  header.client_id = "rdkafka";
  Bytes frame;
  EncodeRequestFrame(header, ListGroupsRequest{}, &frame);
  frame.push_back(0x00);
  Result<RequestFrame> parsed = ParseRequestFrame(frame);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  Result<ListGroupsRequest> body = DecodeRequestBody<ListGroupsRequest>(frame, *parsed);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_TRUE(body->states_filter.empty());

  // A body that is cut short is still an error.
  Bytes cut(frame.begin(), frame.end() - 3);
  parsed = ParseRequestFrame(cut);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(DecodeRequestBody<ListGroupsRequest>(cut, *parsed).status().code(),
            StatusCode::kCorruption);
}

TEST(FrameTest, UnknownApiKeyIsUnsupported) {
  Result<RequestFrame> parsed = ParseRequestFrame(Hex("0044000000000001ffff"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kUnsupported);
}

TEST(FrameTest, VersionOutsideTheRangeStillParsesItsHeader) {
  // ApiVersions v9 (unknown): header v2, so the broker can answer UNSUPPORTED_VERSION.
  Bytes frame =
      Hex("00120009000000070000"
          "00");
  Result<RequestFrame> parsed = ParseRequestFrame(frame);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_FALSE(parsed->api->Supports(parsed->api_version()));
  EXPECT_EQ(DecodeRequestBody<ApiVersionsRequest>(frame, *parsed).status().code(),
            StatusCode::kUnsupported);
}

TEST(FrameTest, ApiVersionsV3ResponseUsesHeaderV0) {
  ApiVersionsResponse response;
  response.api_keys.push_back({18, 0, 3, {}});
  Bytes frame;
  EncodeResponseFrame(42, response, 3, &frame);
  // correlation id, no header tagged section, error 0, compact array of 1 ...
  EXPECT_EQ(HexString(frame).substr(0, 14), "0000002a000002");
  Result<ResponseFrame> parsed = ParseResponseFrame(frame, ApiKey::kApiVersions, 3);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->header_version, 0);
  Result<ApiVersionsResponse> body = DecodeBody<ApiVersionsResponse>(frame, parsed->body_offset, 3);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_TRUE(*body == response);
}

TEST(FrameTest, FlexibleResponseUsesHeaderV1) {
  MetadataResponse response;
  Bytes frame;
  EncodeResponseFrame(7, response, 9, &frame);
  EXPECT_EQ(HexString(frame).substr(0, 10), "0000000700");
}

TEST(FrameTest, RequestFrameRoundTrips) {
  RequestHeader header;
  header.request_api_version = 9;
  header.correlation_id = 5;
  header.client_id = "app";
  ProduceRequest produce;
  produce.acks = -1;
  produce.timeout_ms = 1000;
  produce.topic_data.push_back({"t", {{0, Bytes{1, 2, 3}, {}}}, {}});
  Bytes frame;
  EncodeRequestFrame(header, produce, &frame);
  Result<RequestFrame> parsed = ParseRequestFrame(frame);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->header_version, 2);
  EXPECT_EQ(parsed->header.client_id, std::optional<std::string>("app"));
  Result<ProduceRequest> body = DecodeRequestBody<ProduceRequest>(frame, *parsed);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_TRUE(*body == produce);
}

TEST(ErrorCodeTest, NamesAreKafkas) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kNone), "NONE");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnknownServerError), "UNKNOWN_SERVER_ERROR");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnsupportedVersion), "UNSUPPORTED_VERSION");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnknownTopicId), "UNKNOWN_TOPIC_ID");
  EXPECT_EQ(ErrorCodeName(static_cast<ErrorCode>(999)), "UNKNOWN_ERROR_CODE");
  EXPECT_EQ(static_cast<int16_t>(ErrorCode::kProducerFenced), 90);
  EXPECT_TRUE(IsRetriable(ErrorCode::kNotCoordinator));
  EXPECT_FALSE(IsRetriable(ErrorCode::kInvalidTxnState));
}

}  // namespace
}  // namespace brook::broker::protocol
