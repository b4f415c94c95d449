// `brook produce TOPIC`: one record per line of standard input.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tools/command.h"
#include "tools/kafka_client.h"

namespace brook::tools {
namespace {

constexpr int kDeliveryTimeoutMs = 30000;

struct ProduceOptions {
  ConnectionOptions connection;
  std::string topic;
  std::string key_separator;  // empty: every record has a null key
  std::string headers;        // "k=v,k2=v2"
  int partition = -1;         // -1: the partitioner chooses
  std::string acks = "all";
  std::string compression = "none";
};

// Counts what the delivery reports said; every message carries a pointer to it.
struct Deliveries {
  int64_t failed = 0;
  std::string first_error;
};

void OnDelivery(rd_kafka_t* /*handle*/, const rd_kafka_message_t* message, void* /*opaque*/) {
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  auto* deliveries = static_cast<Deliveries*>(message->_private);
  if (deliveries->failed++ == 0) deliveries->first_error = rd_kafka_err2str(message->err);
}

Result<std::vector<std::pair<std::string, std::string>>> ParseHeaders(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (text.empty()) return headers;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    BROOK_ASSIGN_OR_RETURN(auto header, SplitKeyValue(text.substr(start, comma - start)));
    headers.push_back(std::move(header));
    if (comma == std::string::npos) return headers;
    start = comma + 1;
  }
}

// Hands one record to librdkafka, waiting while its queue is full.
Status Send(KafkaClient& client, const ProduceOptions& options, const std::string& line,
            const std::vector<std::pair<std::string, std::string>>& header_list,
            int64_t line_number, Deliveries& deliveries) {
  const char* key = nullptr;
  size_t key_size = 0;
  std::string_view value = line;
  if (!options.key_separator.empty()) {
    const size_t at = line.find(options.key_separator);
    if (at == std::string::npos) {
      return Status::InvalidArgument("line " + std::to_string(line_number) +
                                     " has no key separator '" + options.key_separator + "'");
    }
    key = line.data();
    key_size = at;
    value = std::string_view(line).substr(at + options.key_separator.size());
  }
  while (true) {
    rd_kafka_headers_t* headers = nullptr;
    if (!header_list.empty()) {
      headers = rd_kafka_headers_new(header_list.size());
      for (const auto& [name, header_value] : header_list) {
        rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()),
                            header_value.data(), static_cast<ssize_t>(header_value.size()));
      }
    }
    const rd_kafka_resp_err_t error = rd_kafka_producev(
        client.handle(), RD_KAFKA_V_TOPIC(options.topic.c_str()),
        RD_KAFKA_V_PARTITION(options.partition < 0 ? RD_KAFKA_PARTITION_UA : options.partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(const_cast<char*>(key), key_size),
        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
        RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(&deliveries), RD_KAFKA_V_END);
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) return Status::Ok();
    if (headers != nullptr) rd_kafka_headers_destroy(headers);
    if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return client.ErrorStatus(error, "cannot produce line " + std::to_string(line_number));
    }
    rd_kafka_poll(client.handle(), 100);
  }
}

Status Produce(const ProduceOptions& options) {
  BROOK_ASSIGN_OR_RETURN(auto header_list, ParseHeaders(options.headers));
  const KafkaClient::Settings settings = {
      {"acks", options.acks},
      {"compression.type", options.compression},
      {"message.timeout.ms", std::to_string(kDeliveryTimeoutMs)},
  };
  BROOK_ASSIGN_OR_RETURN(
      auto client, KafkaClient::Create(KafkaClient::Kind::kProducer, options.connection, settings,
                                       [](rd_kafka_conf_t* conf) {
                                         rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
                                       }));
  BROOK_ASSIGN_OR_RETURN(TopicInfo topic, client->FetchTopic(options.topic));
  if (options.partition >= static_cast<int>(topic.partitions.size())) {
    return Status::OutOfRange("topic '" + options.topic + "' has no partition " +
                              std::to_string(options.partition) + " (it has " +
                              std::to_string(topic.partitions.size()) + ")");
  }

  Deliveries deliveries;
  Status status;
  std::string line;
  int64_t line_number = 0;
  while (status.ok() && std::getline(std::cin, line)) {
    status = Send(*client, options, line, header_list, ++line_number, deliveries);
    rd_kafka_poll(client->handle(), 0);
  }
  // Whatever was handed over is delivered (or fails) before we exit, even after an error.
  while (rd_kafka_outq_len(client->handle()) > 0) {
    if (rd_kafka_flush(client->handle(), kDeliveryTimeoutMs + 5000) ==
        RD_KAFKA_RESP_ERR__TIMED_OUT) {
      return Status::TimedOut("records were not delivered in time");
    }
  }
  BROOK_RETURN_IF_ERROR(status);
  if (deliveries.failed > 0) {
    return Status(StatusCode::kIOError,
                  std::to_string(deliveries.failed) + " of " + std::to_string(line_number) +
                      " records were not delivered: " + deliveries.first_error);
  }
  return Status::Ok();
}

std::string CheckHeaders(const std::string& text) {
  auto headers = ParseHeaders(text);
  return headers.ok() ? std::string() : headers.status().message();
}

}  // namespace

void AddProduceCommand(CLI::App& app, Action& action) {
  auto options = std::make_shared<ProduceOptions>();
  CLI::App* produce = app.add_subcommand(
      "produce", "Send each line of standard input as one record; waits for every delivery");
  AddConnectionOptions(*produce, options->connection);
  produce->add_option("topic", options->topic, "Topic to write to")->required();
  produce
      ->add_option("--key-separator", options->key_separator,
                   "Split each line at the first SEP into key and value (default: null keys)")
      ->check(CLI::Validator(
          [](std::string& text) { return text.empty() ? "must not be empty" : std::string(); },
          "SEP"));
  produce->add_option("--headers", options->headers, "Headers k=v,k2=v2 attached to every record")
      ->check(CheckHeaders);
  produce
      ->add_option("--partition", options->partition,
                   "Write every record to this partition (default: by key, or sticky)")
      ->check(CLI::NonNegativeNumber);
  produce->add_option("--acks", options->acks, "Acknowledgements the leader waits for")
      ->capture_default_str()
      ->check(CLI::IsMember({"all", "-1", "0", "1"}));
  produce->add_option("--compression", options->compression, "Compression codec of the batches")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}));
  produce->callback([&action, options] { action = [options] { return Produce(*options); }; });
}

}  // namespace brook::tools
