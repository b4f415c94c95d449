// `brook consume TOPIC`: print records, one per line.

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "tools/command.h"
#include "tools/kafka_client.h"
#include "tools/record_printer.h"

namespace brook::tools {
namespace {

volatile std::sig_atomic_t stop_requested = 0;

void OnStopSignal(int) { stop_requested = 1; }

struct ConsumeOptions {
  ConnectionOptions connection;
  std::string topic;
  bool from_beginning = false;
  int64_t offset = -1;       // -1: not given
  int partition = -1;        // -1: every partition
  std::string group;         // empty: partitions are assigned directly, nothing is committed
  int64_t max_messages = 0;  // 0: no limit
  std::string isolation_level = "read_uncommitted";
  int64_t timeout_ms = 0;  // 0: wait forever
  PrintOptions print;
};

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};

// Joins the group or assigns the partitions, starting where the options say.
Status Start(KafkaClient& client, const ConsumeOptions& options, const TopicInfo& topic) {
  std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter> list(
      rd_kafka_topic_partition_list_new(static_cast<int>(topic.partitions.size())));
  if (!options.group.empty()) {
    rd_kafka_topic_partition_list_add(list.get(), topic.name.c_str(), RD_KAFKA_PARTITION_UA);
    const rd_kafka_resp_err_t error = rd_kafka_subscribe(client.handle(), list.get());
    return error ? client.ErrorStatus(error, "cannot subscribe") : Status::Ok();
  }
  const int64_t start = options.offset >= 0      ? options.offset
                        : options.from_beginning ? RD_KAFKA_OFFSET_BEGINNING
                                                 : RD_KAFKA_OFFSET_END;
  for (const PartitionInfo& partition : topic.partitions) {
    if (options.partition >= 0 && partition.id != options.partition) continue;
    rd_kafka_topic_partition_list_add(list.get(), topic.name.c_str(), partition.id)->offset = start;
  }
  const rd_kafka_resp_err_t error = rd_kafka_assign(client.handle(), list.get());
  return error ? client.ErrorStatus(error, "cannot assign partitions") : Status::Ok();
}

// Errors that end the command; the rest (a broker restarting, say) librdkafka retries.
bool IsFatal(rd_kafka_resp_err_t error) {
  return error == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
         error == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || error == RD_KAFKA_RESP_ERR__FATAL ||
         error == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
         error == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED;
}

Status Poll(KafkaClient& client, const ConsumeOptions& options, int64_t& count) {
  using Clock = std::chrono::steady_clock;
  auto last_message = Clock::now();
  while (!stop_requested && (options.max_messages == 0 || count < options.max_messages)) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(client.handle(), 100);
    if (message == nullptr) {
      std::fflush(stdout);
      if (options.timeout_ms > 0 &&
          Clock::now() - last_message >= std::chrono::milliseconds(options.timeout_ms)) {
        break;
      }
      continue;
    }
    const rd_kafka_resp_err_t error = message->err;
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) {
      last_message = Clock::now();
      ++count;
      const bool written = PrintRecord(*message, options.print, stdout);
      rd_kafka_message_destroy(message);
      if (!written) break;  // stdout closed (e.g. piped into head): stop quietly
      continue;
    }
    const std::string text = rd_kafka_message_errstr(message);
    rd_kafka_message_destroy(message);
    if (error == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
    if (error == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
        error == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
      return Status::NotFound("topic '" + options.topic + "' does not exist");
    }
    if (IsFatal(error)) return client.ErrorStatus(error, text);
    std::fprintf(stderr, "brook: warning: %s\n", text.c_str());
  }
  std::fflush(stdout);
  return Status::Ok();
}

Status Consume(const ConsumeOptions& options) {
  KafkaClient::Settings settings = {
      {"isolation.level", options.isolation_level},
      {"enable.partition.eof", "false"},
  };
  if (options.group.empty()) {
    // librdkafka 2.0's assign() needs a group.id; assigning never joins it and nothing commits.
    settings.push_back({"group.id", "brook-cli-no-group"});
    settings.push_back({"enable.auto.commit", "false"});
  } else {
    settings.push_back({"group.id", options.group});
    settings.push_back({"auto.offset.reset", options.from_beginning ? "earliest" : "latest"});
  }
  BROOK_ASSIGN_OR_RETURN(
      auto client, KafkaClient::Create(KafkaClient::Kind::kConsumer, options.connection, settings));
  BROOK_ASSIGN_OR_RETURN(TopicInfo topic, client->FetchTopic(options.topic));
  if (options.partition >= static_cast<int>(topic.partitions.size())) {
    return Status::OutOfRange("topic '" + options.topic + "' has no partition " +
                              std::to_string(options.partition) + " (it has " +
                              std::to_string(topic.partitions.size()) + ")");
  }
  rd_kafka_poll_set_consumer(client->handle());
  BROOK_RETURN_IF_ERROR(Start(*client, options, topic));

  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGPIPE, SIG_IGN);
  int64_t count = 0;
  Status status = Poll(*client, options, count);
  // Leaves the group and commits the consumed offsets (with --group).
  rd_kafka_consumer_close(client->handle());
  std::fprintf(stderr, "Processed a total of %lld messages\n", static_cast<long long>(count));
  return status;
}

}  // namespace

void AddConsumeCommand(CLI::App& app, Action& action) {
  auto options = std::make_shared<ConsumeOptions>();
  CLI::App* consume = app.add_subcommand("consume", "Print records of a topic, one per line");
  consume->footer(
      "Output: one line per record, the enabled fields in the fixed order partition, offset,\n"
      "timestamp, key, headers, value, separated by tabs. The value is always printed; a null\n"
      "key or value prints as null; headers print as k=v,k2=v2 or NO_HEADERS.\n"
      "Isolation level defaults to read_uncommitted (Kafka's console consumer does the same).\n"
      "Without --group the partitions are assigned directly and no offsets are committed.");
  AddConnectionOptions(*consume, options->connection);
  consume->add_option("topic", options->topic, "Topic to read")->required();
  CLI::Option* beginning = consume->add_flag(
      "--from-beginning", options->from_beginning,
      "Start at the earliest offset (with --group: only where the group has no committed offset)");
  CLI::Option* offset =
      consume->add_option("--offset", options->offset, "Start at this offset on every partition")
          ->check(CLI::NonNegativeNumber)
          ->excludes(beginning);
  CLI::Option* partition =
      consume->add_option("--partition", options->partition, "Read only this partition")
          ->check(CLI::NonNegativeNumber);
  consume
      ->add_option("--group", options->group,
                   "Join this consumer group and commit offsets (default: no group, read every "
                   "partition from the end)")
      ->excludes(offset)
      ->excludes(partition);
  consume->add_option("--max-messages", options->max_messages, "Exit after this many records")
      ->check(CLI::PositiveNumber);
  consume
      ->add_option("--isolation-level", options->isolation_level,
                   "read_committed hides records of open and aborted transactions")
      ->capture_default_str()
      ->check(CLI::IsMember({"read_committed", "read_uncommitted"}));
  consume
      ->add_option("--timeout-ms", options->timeout_ms,
                   "Exit (status 0) when no record arrives for this many ms (default: wait "
                   "until --max-messages or Ctrl-C)")
      ->check(CLI::PositiveNumber);
  consume->add_flag("--print-partition", options->print.partition, "Print the partition");
  consume->add_flag("--print-offset", options->print.offset, "Print the offset");
  consume->add_flag("--print-timestamp", options->print.timestamp,
                    "Print the timestamp (ms since the epoch, -1 if none)");
  consume->add_flag("--print-key", options->print.key, "Print the key");
  consume->add_flag("--print-headers", options->print.headers, "Print the headers");
  consume->callback([&action, options] { action = [options] { return Consume(*options); }; });
}

}  // namespace brook::tools
