#include "bench/keyed_fill.h"

#include <librdkafka/rdkafka.h>

#include <fmt/format.h>

#include "bench/rdkafka_handle.h"

namespace brook::bench {
namespace {

constexpr int kFlushTimeoutMs = 600'000;

struct FillTally {
  std::vector<int64_t> records;
  uint64_t failed = 0;
  std::string first_error;

  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto* tally = static_cast<FillTally*>(opaque);
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR || message->partition < 0 ||
        message->partition >= static_cast<int32_t>(tally->records.size())) {
      if (tally->failed++ == 0) tally->first_error = rd_kafka_err2str(message->err);
      return;
    }
    ++tally->records[message->partition];
  }
};

}  // namespace

Result<std::vector<int64_t>> FillKeyedTopic(const std::string& bootstrap, const std::string& topic,
                                            int partitions, uint64_t records,
                                            const RecordGenerator& generate) {
  FillTally tally;
  tally.records.assign(partitions, 0);
  RdKafkaHandle producer;
  BROOK_ASSIGN_OR_RETURN(producer,
                         NewRdKafka(RD_KAFKA_PRODUCER, bootstrap,
                                    {{"partitioner", "murmur2_random"},
                                     {"enable.idempotence", "true"},
                                     {"linger.ms", "5"},
                                     {"batch.size", "1000000"},
                                     {"queue.buffering.max.messages", "1000000"}},
                                    [&tally](rd_kafka_conf_t* conf) {
                                      rd_kafka_conf_set_opaque(conf, &tally);
                                      rd_kafka_conf_set_dr_msg_cb(conf, &FillTally::OnDelivery);
                                    }));
  std::string key;
  std::string value;
  int64_t timestamp = 0;
  for (uint64_t i = 0; i < records; ++i) {
    generate(i, key, value, timestamp);
    for (;;) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          producer.get(), RD_KAFKA_V_TOPIC(topic.c_str()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_VALUE(value.data(), value.size()),
          RD_KAFKA_V_TIMESTAMP(timestamp), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return ErrorCodeStatus(err, "produce " + topic);
      rd_kafka_poll(producer.get(), 1);
    }
    if ((i & 1023) == 0) rd_kafka_poll(producer.get(), 0);
  }
  BROOK_RETURN_IF_ERROR(
      ErrorCodeStatus(rd_kafka_flush(producer.get(), kFlushTimeoutMs), "flush " + topic));
  if (tally.failed > 0) {
    return Status::Internal(
        fmt::format("{}: {} records failed: {}", topic, tally.failed, tally.first_error));
  }
  return tally.records;
}

}  // namespace brook::bench
