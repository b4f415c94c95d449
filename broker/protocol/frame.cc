#include "broker/protocol/frame.h"

namespace brook::broker::protocol {

Result<RequestFrame> ParseRequestFrame(ByteView frame) {
  Reader reader(frame);
  reader.SetContext(RequestHeader::kName, 1);
  int16_t key = 0;
  int16_t version = 0;
  BROOK_RETURN_IF_ERROR(reader.ReadInt16(&key, "RequestApiKey"));
  BROOK_RETURN_IF_ERROR(reader.ReadInt16(&version, "RequestApiVersion"));
  RequestFrame parsed;
  parsed.api = FindApi(key);
  if (parsed.api == nullptr) {
    return Status::Unsupported("request with unknown ApiKey " + std::to_string(key) + " v" +
                               std::to_string(version));
  }
  parsed.header_version = RequestHeaderVersion(parsed.api->key, version);
  Reader header_reader(frame);
  BROOK_RETURN_IF_ERROR(parsed.header.Decode(header_reader, parsed.header_version));
  parsed.body_offset = header_reader.offset();
  return parsed;
}

Result<ResponseFrame> ParseResponseFrame(ByteView frame, ApiKey key, int16_t api_version) {
  ResponseFrame parsed;
  parsed.header_version = ResponseHeaderVersion(key, api_version);
  Reader reader(frame);
  BROOK_RETURN_IF_ERROR(parsed.header.Decode(reader, parsed.header_version));
  parsed.body_offset = reader.offset();
  return parsed;
}

}  // namespace brook::broker::protocol
