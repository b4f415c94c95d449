#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "broker/protocol/api_key.h"
#include "broker/protocol/reader.h"
#include "broker/protocol/request_header.h"
#include "broker/protocol/response_header.h"
#include "broker/protocol/writer.h"
#include "common/bytes.h"
#include "common/result.h"

namespace brook::broker::protocol {

// A request frame (the bytes after the 4-byte size prefix) split into its header and where the
// body starts.
struct RequestFrame {
  RequestHeader header;
  int16_t header_version = 1;
  const ApiInfo* api = nullptr;  // never null in a parsed frame
  size_t body_offset = 0;        // offset of the body in the frame

  ApiKey api_key() const { return api->key; }
  int16_t api_version() const { return header.request_api_version; }
};

// Reads ApiKey and ApiVersion (the first 4 bytes), then the header version they call for
// (RequestHeaderVersion). Unsupported for an ApiKey Brook does not know; Corruption naming
// RequestHeader, the header version and the byte offset for a short or malformed header.
// A version outside the API's range is not an error here: ApiVersions must answer one.
Result<RequestFrame> ParseRequestFrame(ByteView frame);

// Decodes the whole body of `frame` as `version` of message T, starting at `body_offset`.
// Unsupported for a version outside T's range; Corruption for malformed bytes, including bytes
// left over after the body. Errors name T, the version and the frame offset.
template <typename T>
Result<T> DecodeBody(ByteView frame, size_t body_offset, int16_t version) {
  Reader reader(frame, body_offset);
  T message;
  BROOK_RETURN_IF_ERROR(message.Decode(reader, version));
  BROOK_RETURN_IF_ERROR(reader.ExpectEnd(T::kName));
  return message;
}

// Decodes the body of a parsed request frame; T must be the request of the frame's API.
// Bytes after the body are ignored, as Kafka's brokers do: librdkafka 2.0.2 sends some (an extra
// empty tagged-field section in ListGroups v4, three zero bytes after an OffsetFetch v7 for all
// partitions). A body that is cut short is still Corruption.
template <typename T>
Result<T> DecodeRequestBody(ByteView frame, const RequestFrame& parsed) {
  if (parsed.api_key() != T::kApiKey) {
    return Status::InvalidArgument(std::string(T::kName) + " cannot decode a " +
                                   std::string(parsed.api->name) + " request");
  }
  Reader reader(frame, parsed.body_offset);
  T message;
  BROOK_RETURN_IF_ERROR(message.Decode(reader, parsed.api_version()));
  return message;
}

// Appends a request frame without its size prefix: the header (its version chosen from
// header.request_api_version) and `body` at that version. The header's api key is set from T.
template <typename T>
void EncodeRequestFrame(RequestHeader header, const T& body, Bytes* out) {
  header.request_api_key = static_cast<int16_t>(T::kApiKey);
  Writer writer(out);
  header.Encode(writer, RequestHeaderVersion(T::kApiKey, header.request_api_version));
  body.Encode(writer, header.request_api_version);
}

// Appends a response frame without its size prefix: the response header of the right version
// for T's API at `version` (ApiVersions: always v0), then `body`. A `splicer` may keep records
// fields out of `out` (the Fetch path sends them from the segment files).
template <typename T>
void EncodeResponseFrame(int32_t correlation_id, const T& body, int16_t version, Bytes* out,
                         RecordsSplicer* splicer = nullptr) {
  ResponseHeader header;
  header.correlation_id = correlation_id;
  Writer writer(out);
  writer.set_records_splicer(splicer);
  header.Encode(writer, ResponseHeaderVersion(T::kApiKey, version));
  body.Encode(writer, version);
}

// A response frame (without size prefix) split into header and body, for clients and tests.
struct ResponseFrame {
  ResponseHeader header;
  int16_t header_version = 0;
  size_t body_offset = 0;
};

// Reads the response header for a response to `key` at `api_version`.
Result<ResponseFrame> ParseResponseFrame(ByteView frame, ApiKey key, int16_t api_version);

}  // namespace brook::broker::protocol
