#include "tools/admin_request.h"

#include <string>
#include <string_view>

#include "broker/protocol/error_code.h"

namespace brook::tools {
namespace {

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
};
struct OptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* options) const {
    rd_kafka_AdminOptions_destroy(options);
  }
};

}  // namespace

Result<AdminEvent> RunAdminRequest(
    KafkaClient& client,
    const std::function<void(rd_kafka_AdminOptions_t*, rd_kafka_queue_t*)>& send) {
  BROOK_ASSIGN_OR_RETURN(ClusterInfo ignored, client.FetchMetadata());
  (void)ignored;
  std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter> options(
      rd_kafka_AdminOptions_new(client.handle(), RD_KAFKA_ADMIN_OP_ANY));
  const int timeout_ms = client.options().request_timeout_ms;
  char error[256];
  rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, error, sizeof(error));
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeout_ms, error, sizeof(error));
  std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(client.handle()));
  send(options.get(), queue.get());
  AdminEvent event(rd_kafka_queue_poll(queue.get(), timeout_ms + 5000));
  if (!event) return Status::TimedOut("no answer from the broker in time");
  const rd_kafka_resp_err_t code = rd_kafka_event_error(event.get());
  if (code == RD_KAFKA_RESP_ERR_NO_ERROR) return event;
  if (code == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION ||
      code == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE) {
    client.Abandon();
    return Status::Unsupported(std::string("the broker does not support this request: ") +
                               rd_kafka_event_error_string(event.get()));
  }
  if (code == RD_KAFKA_RESP_ERR__TRANSPORT) return ConnectionClosedStatus(client);
  return Status::Internal(std::string("request failed: ") +
                          rd_kafka_event_error_string(event.get()));
}

Status ConnectionClosedStatus(const KafkaClient& client) {
  return Status::Unavailable("the broker at " + client.options().bootstrap_server +
                             " closed the connection instead of answering (it may not support "
                             "this request)");
}

std::string BrokerErrorText(int16_t code) {
  const std::string name(
      broker::protocol::ErrorCodeName(static_cast<broker::protocol::ErrorCode>(code)));
  if (code <= 0 || code >= RD_KAFKA_RESP_ERR_END_ALL) {
    return "error code " + std::to_string(code) + " (" + name + ")";
  }
  std::string_view text = rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(code));
  constexpr std::string_view kPrefix = "Broker: ";
  if (text.substr(0, kPrefix.size()) == kPrefix) text.remove_prefix(kPrefix.size());
  return std::string(text) + " (" + name + ")";
}

}  // namespace brook::tools
