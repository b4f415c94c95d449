#include "bench/rdkafka_handle.h"

#include <fmt/format.h>

namespace brook::bench {

Result<RdKafkaHandle> NewRdKafka(rd_kafka_type_t type, const std::string& bootstrap,
                                 const ClientSettings& settings,
                                 const std::function<void(rd_kafka_conf_t*)>& configure) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  ClientSettings all = {{"bootstrap.servers", bootstrap}};
  all.insert(all.end(), settings.begin(), settings.end());
  for (const auto& [key, value] : all) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Status::InvalidArgument(fmt::format("{}={}: {}", key, value, error));
    }
  }
  if (configure) configure(conf);
  rd_kafka_t* handle = rd_kafka_new(type, conf, error, sizeof(error));
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::Internal(fmt::format("rd_kafka_new: {}", error));
  }
  return RdKafkaHandle(handle);
}

Status TakeError(rd_kafka_error_t* error, const std::string& what) {
  if (error == nullptr) return Status::Ok();
  std::string message = fmt::format("{}: {}{}{}", what, rd_kafka_error_string(error),
                                    rd_kafka_error_is_fatal(error) ? " (fatal)" : "",
                                    rd_kafka_error_txn_requires_abort(error) ? " (abortable)" : "");
  rd_kafka_error_destroy(error);
  return Status::Internal(message);
}

Status ErrorCodeStatus(rd_kafka_resp_err_t err, const std::string& what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
  return Status::Internal(fmt::format("{}: {}", what, rd_kafka_err2str(err)));
}

}  // namespace brook::bench
