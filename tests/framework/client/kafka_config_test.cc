// librdkafka configuration and error conversion (no broker).
#include "framework/client/kafka_config.h"

#include <gtest/gtest.h>

namespace brook::framework::client {
namespace {

TEST(KafkaConfigTest, ValidPropertiesAreSet) {
  auto conf = MakeKafkaConf({{"bootstrap.servers", "127.0.0.1:9092"}, {"linger.ms", "7"}});
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  char value[64];
  size_t size = sizeof(value);
  ASSERT_EQ(rd_kafka_conf_get(conf->get(), "linger.ms", value, &size), RD_KAFKA_CONF_OK);
  EXPECT_STREQ(value, "7");
}

TEST(KafkaConfigTest, RejectedPropertyIsNamedWithLibrdkafkasReason) {
  auto unknown = MakeKafkaConf({{"no.such.property", "1"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("no.such.property"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("No such configuration property"), std::string::npos)
      << unknown.status().ToString();

  auto bad_value = MakeKafkaConf({{"acks", "several"}});
  ASSERT_FALSE(bad_value.ok());
  EXPECT_NE(bad_value.status().message().find("acks=several"), std::string::npos)
      << bad_value.status().ToString();
}

TEST(KafkaConfigTest, WithDefaultsKeepsTheCallersValues) {
  EXPECT_EQ(WithDefaults({{"a", "mine"}}, {{"a", "default"}, {"b", "default"}}),
            (Properties{{"a", "mine"}, {"b", "default"}}));
}

TEST(KafkaConfigTest, ErrorCodeBecomesStatusWithNameAndText) {
  EXPECT_TRUE(KafkaStatus(RD_KAFKA_RESP_ERR_NO_ERROR, "produce").ok());
  Status too_large = KafkaStatus(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, "produce to t-0");
  EXPECT_EQ(too_large.code(), StatusCode::kTooLarge);
  EXPECT_EQ(too_large.message(), std::string("produce to t-0: MSG_SIZE_TOO_LARGE: ") +
                                     rd_kafka_err2str(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE));
  EXPECT_EQ(KafkaStatus(RD_KAFKA_RESP_ERR__TIMED_OUT, "x").code(), StatusCode::kTimedOut);
  EXPECT_EQ(KafkaStatus(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "x").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(KafkaStatus(RD_KAFKA_RESP_ERR__FENCED, "x").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(KafkaStatus(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE, "x").code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(KafkaStatus(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS, "x").code(),
            StatusCode::kAlreadyExists);
}

TEST(KafkaConfigTest, ErrorObjectBecomesStatusWithItsOwnText) {
  EXPECT_TRUE(KafkaStatus(static_cast<const rd_kafka_error_t*>(nullptr), "commit").ok());
  rd_kafka_error_t* error =
      rd_kafka_error_new(RD_KAFKA_RESP_ERR__STATE, "Operation not valid in state %s", "Ready");
  Status status = KafkaStatus(error, "commit_transaction");
  rd_kafka_error_destroy(error);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "commit_transaction: _STATE: Operation not valid in state Ready");
}

}  // namespace
}  // namespace brook::framework::client
