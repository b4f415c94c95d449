// libFuzzer target: arbitrary bytes as a request frame (without the size prefix). Parsing the
// header and decoding the body must return a Status for any input, never crash or read out of
// bounds; a frame that decodes must re-encode to bytes that decode to the same message.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "broker/protocol/frame.h"
#include "broker/protocol/messages.h"

namespace brook::broker::protocol {
namespace {

void FuzzOne(ByteView frame) {
  Result<RequestFrame> parsed = ParseRequestFrame(frame);
  if (!parsed.ok()) return;
  VisitApi<int>(
      parsed->api_key(),
      [&]<typename Request, typename Response>() {
        Result<Request> body = DecodeRequestBody<Request>(frame, *parsed);
        if (!body.ok()) return 0;
        int16_t version = parsed->api_version();
        Bytes encoded;
        Writer writer(&encoded);
        body->Encode(writer, version);
        if (encoded.size() != body->EncodedSize(version)) std::abort();
        Result<Request> again = DecodeBody<Request>(encoded, 0, version);
        if (!again.ok() || !(*again == *body)) std::abort();
        return 0;
      },
      0);
}

}  // namespace
}  // namespace brook::broker::protocol

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  brook::broker::protocol::FuzzOne(brook::ByteView(data, size));
  return 0;
}
