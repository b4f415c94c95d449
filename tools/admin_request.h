#pragma once

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "broker/protocol/frame.h"
#include "common/result.h"
#include "tools/broker_connection.h"
#include "tools/kafka_client.h"

namespace brook::tools {

struct AdminEventDeleter {
  void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
};
// A librdkafka admin result event; the results read from it live as long as it does.
using AdminEvent = std::unique_ptr<rd_kafka_event_t, AdminEventDeleter>;

// Posts one admin request and waits for its result: `send` is given the options (request and
// operation timeouts = --request-timeout-ms) and the queue to post to. A metadata round trip
// first turns an unreachable broker into Unavailable("cannot reach broker at ..."). Errors of the
// whole request: TimedOut when nothing came back in time, Unsupported when the broker lacks the
// API, Unavailable when it closed the connection instead of answering, Internal("request failed:
// ...") otherwise; per-item errors are left in the event.
Result<AdminEvent> RunAdminRequest(
    KafkaClient& client,
    const std::function<void(rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>& send);

// The Status for a request the broker dropped the connection on after the metadata round trip
// succeeded (what a Kafka broker does with a request it cannot read): Unavailable.
Status ConnectionClosedStatus(const KafkaClient& client);

// Posts one raw request on `connection`, for the admin APIs librdkafka 2.0.2 has no call for
// (DescribeProducers, DescribeTransactions, ListTransactions, and the FindCoordinator lookup before
// DescribeTransactions): encoded with Brook's own codec (broker/protocol) at the highest version
// in [min_version, max_version] (within what the codec knows) the broker advertises. Errors of the
// whole request as RunAdminRequest's: Unsupported("the broker does not support this request:
// <Api>") when there is no such version, TimedOut, Unavailable when the broker closed the
// connection, Corruption when its answer cannot be read; the error codes inside the response are
// left to the caller.
template <typename Request>
Result<typename Request::Response> RunRawRequest(BrokerConnection& connection,
                                                 const Request& request,
                                                 int16_t min_version = Request::kMinVersion,
                                                 int16_t max_version = Request::kMaxVersion) {
  namespace protocol = broker::protocol;
  BROOK_ASSIGN_OR_RETURN(int16_t version,
                         connection.ChooseVersion(
                             Request::kApiKey, std::max<int16_t>(min_version, Request::kMinVersion),
                             std::min<int16_t>(max_version, Request::kMaxVersion)));
  protocol::RequestHeader header;
  header.request_api_version = version;
  header.correlation_id = connection.NextCorrelationId();
  header.client_id = "brook";
  Bytes frame;
  protocol::EncodeRequestFrame(header, request, &frame);
  BROOK_ASSIGN_OR_RETURN(Bytes answer, connection.RoundTrip(frame));
  BROOK_ASSIGN_OR_RETURN(protocol::ResponseFrame parsed,
                         protocol::ParseResponseFrame(answer, Request::kApiKey, version));
  if (parsed.header.correlation_id != header.correlation_id) {
    return Status::Corruption(connection.Name() + " answered another request (correlation id " +
                              std::to_string(parsed.header.correlation_id) + ")");
  }
  return protocol::DecodeBody<typename Request::Response>(answer, parsed.body_offset, version);
}

// A Kafka error code from a response as "<librdkafka's text> (NAME)", e.g. "The coordinator is
// not available (COORDINATOR_NOT_AVAILABLE)"; codes librdkafka 2.0.2 does not know read
// "error code 105 (TRANSACTIONAL_ID_NOT_FOUND)".
std::string BrokerErrorText(int16_t code);

}  // namespace brook::tools
