#pragma once

#include <librdkafka/rdkafka.h>

#include <functional>
#include <memory>

#include "common/result.h"
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

}  // namespace brook::tools
