#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "framework/client/properties.h"

// The two places where librdkafka meets the rest of Brook: configuration (a property map becomes
// an rd_kafka_conf_t) and errors (librdkafka's codes become brook::Status). Only the files of
// framework/client/ include this header (DESIGN.md decision 2).
namespace brook::framework::client {

struct KafkaConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
// An rd_kafka_conf_t not yet handed to rd_kafka_new (which takes it only when it succeeds).
using KafkaConfPtr = std::unique_ptr<rd_kafka_conf_t, KafkaConfDeleter>;

// Builds a configuration from `properties`, set in key order, with librdkafka's log lines sent
// to the spdlog logger "rdkafka" (levels mapped from syslog's) instead of stderr.
// Errors: InvalidArgument naming the first key librdkafka rejects, its value and librdkafka's
// message ("No such configuration property", "Invalid value ...").
// Thread safety: a free function; safe from any thread.
Result<KafkaConfPtr> MakeKafkaConf(const Properties& properties);

// `properties` with every key of `defaults` it does not set.
Properties WithDefaults(Properties properties, const Properties& defaults);

// The Status family of a librdkafka error code (timeouts -> kTimedOut, unknown topic or
// partition -> kNotFound, too large -> kTooLarge, broker or coordinator unreachable or moving ->
// kUnavailable, fencing and wrong state -> kFailedPrecondition, ...; anything else kInternal).
StatusCode StatusCodeOf(rd_kafka_resp_err_t err);

// Ok for RD_KAFKA_RESP_ERR_NO_ERROR; otherwise "<context>: <ERROR_NAME>: <librdkafka's text>",
// e.g. "produce to orders-3: MSG_SIZE_TOO_LARGE: Broker: Message size too large".
Status KafkaStatus(rd_kafka_resp_err_t err, std::string_view context);

// Ok for nullptr; otherwise as above with the error object's own text, followed by the flags
// librdkafka set on it: " (fatal)", " (retriable)", " (abortable)". Does not destroy `error`.
Status KafkaStatus(const rd_kafka_error_t* error, std::string_view context);

}  // namespace brook::framework::client
