#pragma once

// Small RAII helpers over librdkafka's C API for integration tests: a producer that waits for
// every delivery report, and a consumer that assigns partitions and reads until it has what it
// wants. Failures are gtest failures.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace brook::testing {

struct ConsumedRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::string>> headers;
};

using Config = std::map<std::string, std::string>;

inline rd_kafka_conf_t* MakeConf(const std::string& bootstrap, const Config& extra) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  Config all = {{"bootstrap.servers", bootstrap}, {"log_level", "3"}};
  for (const auto& [k, v] : extra) all[k] = v;
  for (const auto& [k, v] : all) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      ADD_FAILURE() << k << "=" << v << ": " << err;
    }
  }
  return conf;
}

// A producer that counts delivery reports and their errors.
class Producer {
 public:
  Producer(const std::string& bootstrap, const Config& extra = {}) {
    rd_kafka_conf_t* conf = MakeConf(bootstrap, extra);
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
      auto* self = static_cast<Producer*>(opaque);
      ++self->delivered_;
      if (m->err) {
        ++self->failed_;
        self->last_error_ = rd_kafka_err2str(m->err);
      } else {
        self->offsets_[m->partition].push_back(m->offset);
      }
    });
    char err[512];
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    EXPECT_NE(rk_, nullptr) << err;
  }
  ~Producer() {
    if (rk_) {
      rd_kafka_flush(rk_, 10000);
      rd_kafka_destroy(rk_);
    }
  }

  // Queues one record; retries while the local queue is full.
  void Send(const std::string& topic, int32_t partition, const std::optional<std::string>& key,
            const std::optional<std::string>& value, int64_t timestamp = 0,
            const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    rd_kafka_headers_t* hdrs = nullptr;
    if (!headers.empty()) {
      hdrs = rd_kafka_headers_new(headers.size());
      for (const auto& [k, v] : headers) {
        rd_kafka_header_add(hdrs, k.data(), static_cast<ssize_t>(k.size()), v.data(),
                            static_cast<ssize_t>(v.size()));
      }
    }
    // The librdkafka macros cast their arguments: pass plain variables.
    const void* key_data = key ? key->data() : nullptr;
    size_t key_size = key ? key->size() : 0;
    void* value_data = value ? const_cast<char*>(value->data()) : nullptr;
    size_t value_size = value ? value->size() : 0;
    while (true) {
      rd_kafka_resp_err_t err = rd_kafka_producev(
          rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_KEY(key_data, key_size), RD_KAFKA_V_VALUE(value_data, value_size),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(timestamp),
          RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(rk_, 10);
        continue;
      }
      ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
      break;
    }
    rd_kafka_poll(rk_, 0);
  }

  // Waits until every queued record has a delivery report.
  void Flush(int timeout_ms = 60000) {
    ASSERT_EQ(rd_kafka_flush(rk_, timeout_ms), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  rd_kafka_t* handle() { return rk_; }
  int64_t delivered() const { return delivered_; }
  int64_t failed() const { return failed_; }
  const std::string& last_error() const { return last_error_; }
  const std::map<int32_t, std::vector<int64_t>>& offsets() const { return offsets_; }

 private:
  rd_kafka_t* rk_ = nullptr;
  int64_t delivered_ = 0;
  int64_t failed_ = 0;
  std::string last_error_;
  std::map<int32_t, std::vector<int64_t>> offsets_;
};

// A consumer with partitions assigned directly (no group).
class Consumer {
 public:
  Consumer(const std::string& bootstrap, const Config& extra = {}) {
    Config config = {{"group.id", "brook-test"},
                     {"enable.auto.commit", "false"},
                     {"enable.partition.eof", "false"}};
    for (const auto& [k, v] : extra) config[k] = v;
    char err[512];
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, MakeConf(bootstrap, config), err, sizeof(err));
    EXPECT_NE(rk_, nullptr) << err;
    rd_kafka_poll_set_consumer(rk_);
  }
  ~Consumer() {
    if (rk_) {
      rd_kafka_consumer_close(rk_);
      rd_kafka_destroy(rk_);
    }
  }

  void Assign(const std::string& topic, int32_t partitions,
              int64_t offset = RD_KAFKA_OFFSET_BEGINNING) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
    for (int32_t p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = offset;
    }
    ASSERT_EQ(rd_kafka_assign(rk_, list), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(list);
  }

  // Reads until `count` records arrived or `timeout_ms` passed without progress.
  std::vector<ConsumedRecord> Read(size_t count, int timeout_ms = 20000) {
    std::vector<ConsumedRecord> out;
    auto last_progress = std::chrono::steady_clock::now();
    while (out.size() < count) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 100);
      if (m == nullptr) {
        if (std::chrono::steady_clock::now() - last_progress >
            std::chrono::milliseconds(timeout_ms)) {
          break;
        }
        continue;
      }
      if (m->err) {
        ADD_FAILURE() << "consume error: " << rd_kafka_message_errstr(m);
        rd_kafka_message_destroy(m);
        continue;
      }
      last_progress = std::chrono::steady_clock::now();
      ConsumedRecord r;
      r.partition = m->partition;
      r.offset = m->offset;
      r.timestamp = rd_kafka_message_timestamp(m, nullptr);
      if (m->key) r.key = std::string(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) r.value = std::string(static_cast<const char*>(m->payload), m->len);
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* value;
        size_t size;
        for (size_t i = 0;
             rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          r.headers.emplace_back(name, std::string(static_cast<const char*>(value), size));
        }
      }
      out.push_back(std::move(r));
      rd_kafka_message_destroy(m);
    }
    return out;
  }

  rd_kafka_t* handle() { return rk_; }

 private:
  rd_kafka_t* rk_ = nullptr;
};

}  // namespace brook::testing
