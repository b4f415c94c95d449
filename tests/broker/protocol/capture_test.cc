// Real librdkafka 2.0.2 request frames (and librdkafka mock-broker responses) captured on the
// wire: each decodes without error and re-encodes to the identical bytes, and every truncation
// of a request frame fails cleanly.

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "broker/protocol/frame.h"
#include "broker/protocol/messages.h"

namespace brook::broker::protocol {
namespace {

struct CapturedFrame {
  bool request = false;
  std::string api;
  int16_t version = 0;
  int32_t correlation_id = 0;
  Bytes bytes;  // without the size prefix
  int line = 0;
};

Bytes FromHex(const std::string& hex) {
  Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// frames.txt: "--- request <Api> v<N> corr=<id> (...)" or "--- response ..." followed by one
// line of hex (size prefix included).
std::vector<CapturedFrame> LoadCaptures() {
  std::ifstream in(BROOK_PROTOCOL_CAPTURES);
  std::vector<CapturedFrame> frames;
  std::string line;
  std::optional<CapturedFrame> pending;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::istringstream words(line);
    std::string dashes, kind, api, version, correlation;
    words >> dashes >> kind >> api >> version >> correlation;
    if (dashes == "---" && (kind == "request" || kind == "response") && version.size() > 1 &&
        version[0] == 'v' && correlation.rfind("corr=", 0) == 0) {
      pending = CapturedFrame{kind == "request",
                              api,
                              static_cast<int16_t>(std::stoi(version.substr(1))),
                              std::stoi(correlation.substr(5)),
                              {},
                              number};
      continue;
    }
    if (pending && !line.empty() && line.find_first_not_of("0123456789abcdef") == line.npos) {
      Bytes bytes = FromHex(line);
      EXPECT_GE(bytes.size(), 4u) << "line " << number;
      if (bytes.size() < 4) continue;
      EXPECT_EQ(LoadBigEndian<int32_t>(bytes.data()), static_cast<int32_t>(bytes.size() - 4))
          << "line " << number;
      pending->bytes.assign(bytes.begin() + 4, bytes.end());
      frames.push_back(std::move(*pending));
    }
    pending.reset();
  }
  return frames;
}

std::optional<ApiKey> KeyByName(const std::string& name) {
  for (const ApiInfo& info : kApis) {
    if (info.name == name) return info.key;
  }
  return std::nullopt;
}

class CaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::ifstream(BROOK_PROTOCOL_CAPTURES).good())
        << "capture file missing: " << BROOK_PROTOCOL_CAPTURES;
    frames_ = LoadCaptures();
    ASSERT_GE(frames_.size(), 70u);
  }
  std::vector<CapturedFrame> frames_;
};

// Decodes the request and encodes it again; returns the re-encoded frame or an error.
Result<Bytes> RoundTripRequest(const Bytes& frame) {
  BROOK_ASSIGN_OR_RETURN(RequestFrame parsed, ParseRequestFrame(frame));
  return VisitApi<Result<Bytes>>(
      parsed.api_key(),
      [&]<typename Request, typename Response>() -> Result<Bytes> {
        BROOK_ASSIGN_OR_RETURN(Request body, DecodeRequestBody<Request>(frame, parsed));
        Bytes out;
        EncodeRequestFrame(parsed.header, body, &out);
        return out;
      },
      Status::Unsupported("no messages"));
}

TEST_F(CaptureTest, EveryLibrdkafkaRequestDecodesAndReencodesIdentically) {
  int requests = 0;
  for (const CapturedFrame& frame : frames_) {
    if (!frame.request) continue;
    ++requests;
    Result<RequestFrame> parsed = ParseRequestFrame(frame.bytes);
    ASSERT_TRUE(parsed.ok()) << "line " << frame.line << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->api->name, frame.api);
    EXPECT_EQ(parsed->api_version(), frame.version);
    EXPECT_EQ(parsed->header.correlation_id, frame.correlation_id);
    EXPECT_TRUE(parsed->header.client_id.has_value());
    Result<Bytes> again = RoundTripRequest(frame.bytes);
    ASSERT_TRUE(again.ok()) << "line " << frame.line << " " << frame.api << " v" << frame.version
                            << ": " << again.status().ToString();
    EXPECT_EQ(HexString(*again), HexString(frame.bytes)) << "line " << frame.line;
  }
  EXPECT_GE(requests, 35);
}

TEST_F(CaptureTest, MockBrokerResponsesInRangeDecodeAndReencodeIdentically) {
  int checked = 0;
  for (const CapturedFrame& frame : frames_) {
    if (frame.request) continue;
    std::optional<ApiKey> key = KeyByName(frame.api);
    ASSERT_TRUE(key.has_value()) << frame.api;
    if (!GetApi(*key).Supports(frame.version)) continue;
    Result<ResponseFrame> parsed = ParseResponseFrame(frame.bytes, *key, frame.version);
    ASSERT_TRUE(parsed.ok()) << "line " << frame.line << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->header.correlation_id, frame.correlation_id);
    // ApiVersions answering UNSUPPORTED_VERSION (35) is not in the requested version's format
    // (KIP-511): clients read only its error code.
    if (*key == ApiKey::kApiVersions && frame.bytes.size() >= 6 &&
        LoadBigEndian<int16_t>(frame.bytes.data() + 4) == 35) {
      continue;
    }
    Result<Bytes> again = VisitApi<Result<Bytes>>(
        *key,
        [&]<typename Request, typename Response>() -> Result<Bytes> {
          BROOK_ASSIGN_OR_RETURN(
              Response body, DecodeBody<Response>(frame.bytes, parsed->body_offset, frame.version));
          Bytes out;
          EncodeResponseFrame(parsed->header.correlation_id, body, frame.version, &out);
          return out;
        },
        Status::Unsupported("no messages"));
    ASSERT_TRUE(again.ok()) << "line " << frame.line << " " << frame.api << " v" << frame.version
                            << ": " << again.status().ToString();
    EXPECT_EQ(HexString(*again), HexString(frame.bytes)) << "line " << frame.line;
    ++checked;
  }
  EXPECT_GE(checked, 30);
}

TEST_F(CaptureTest, EveryTruncatedRequestFailsWithCorruptionNamingApiVersionAndOffset) {
  for (const CapturedFrame& frame : frames_) {
    if (!frame.request) continue;
    for (size_t length = 0; length < frame.bytes.size(); ++length) {
      Bytes prefix(frame.bytes.begin(), frame.bytes.begin() + static_cast<std::ptrdiff_t>(length));
      Result<Bytes> result = RoundTripRequest(prefix);
      ASSERT_FALSE(result.ok()) << "line " << frame.line << " prefix " << length;
      EXPECT_EQ(result.status().code(), StatusCode::kCorruption) << result.status().ToString();
      const std::string& text = result.status().message();
      // Short headers name RequestHeader; short bodies name the API's request.
      bool names_message =
          text.rfind("RequestHeader v", 0) == 0 ||
          text.rfind(frame.api + "Request v" + std::to_string(frame.version) + ":", 0) == 0;
      EXPECT_TRUE(names_message) << text;
      EXPECT_NE(text.find(" at byte "), std::string::npos) << text;
    }
  }
}

}  // namespace
}  // namespace brook::broker::protocol
