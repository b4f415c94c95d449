#include "framework/api/streams_config.h"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <typeindex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "framework/api/serdes.h"

namespace brook::streams {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// The message of the ConfigException `set` throws for key=value ("" and a failure if none).
std::string ConfigError(const std::string& key, const std::string& value) {
  try {
    StreamsConfig().set(key, value);
  } catch (const ConfigException& error) {
    return error.what();
  }
  ADD_FAILURE() << "no ConfigException for " << key << "=" << value;
  return "";
}

class CustomDeserializationHandler final : public DeserializationExceptionHandler {
 public:
  HandlerResponse handle(const ErrorHandlerContext&, const std::exception&) override {
    return HandlerResponse::kContinue;
  }
};

class CustomProcessingHandler final : public ProcessingExceptionHandler {
 public:
  HandlerResponse handle(const ErrorHandlerContext&, const std::exception&) override {
    return HandlerResponse::kContinue;
  }
};

class CustomProductionHandler final : public ProductionExceptionHandler {
 public:
  HandlerResponse handle(const ErrorHandlerContext&, std::string_view,
                         const std::exception&) override {
    return HandlerResponse::kContinue;
  }
};

// What a built-in handler answers, found by calling it (the handlers' types are private).
HandlerResponse Answer(DeserializationExceptionHandler& handler) {
  return handler.handle(ErrorHandlerContext{.topic = "in"}, std::runtime_error("test"));
}
HandlerResponse Answer(ProcessingExceptionHandler& handler) {
  return handler.handle(ErrorHandlerContext{.topic = "in"}, std::runtime_error("test"));
}
HandlerResponse Answer(ProductionExceptionHandler& handler) {
  return handler.handle(ErrorHandlerContext{.topic = "in"}, "out", std::runtime_error("test"));
}

// Quiets the built-in handlers' log lines while Answer() calls them.
class StreamsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_level_ = GetLogger("runtime")->level();
    GetLogger("runtime")->set_level(spdlog::level::off);
  }
  void TearDown() override { GetLogger("runtime")->set_level(saved_level_); }

 private:
  spdlog::level::level_enum saved_level_ = spdlog::level::info;
};

TEST_F(StreamsConfigTest, DefaultsAreKafkaStreamsDefaults) {
  StreamsConfig config;
  EXPECT_EQ(config.applicationId(), "");
  EXPECT_EQ(config.bootstrapServers(), "");
  EXPECT_EQ(config.numStreamThreads(), 1);
  EXPECT_EQ(config.processingGuarantee(), ProcessingGuarantee::kAtLeastOnce);
  EXPECT_EQ(config.commitIntervalMs(), 30000);
  EXPECT_EQ(config.stateDir(), "/tmp/brook-streams");
  EXPECT_EQ(config.maxTaskIdleMs(), 0);
  EXPECT_EQ(config.replicationFactor(), -1);
  EXPECT_EQ(config.pollMs(), 100);
  EXPECT_EQ(config.bufferedRecordsPerPartition(), 1000);
  EXPECT_EQ(config.clientId(), "");
  EXPECT_EQ(config.deadLetterQueueTopic(), "");
  EXPECT_EQ(config.metricsRecordingLevel(), "INFO");
  EXPECT_EQ(config.serdeDefaults().key.serde, nullptr);
  EXPECT_EQ(config.serdeDefaults().value.serde, nullptr);
  EXPECT_TRUE(config.consumerOverrides().empty());
  EXPECT_TRUE(config.producerOverrides().empty());
  EXPECT_TRUE(config.adminOverrides().empty());
}

TEST_F(StreamsConfigTest, GetAnswersDefaultsAsStrings) {
  StreamsConfig config;
  const std::map<std::string, std::string> expected = {
      {"application.id", ""},
      {"bootstrap.servers", ""},
      {"num.stream.threads", "1"},
      {"processing.guarantee", "at_least_once"},
      {"commit.interval.ms", "30000"},
      {"state.dir", "/tmp/brook-streams"},
      {"max.task.idle.ms", "0"},
      {"replication.factor", "-1"},
      {"poll.ms", "100"},
      {"buffered.records.per.partition", "1000"},
      {"client.id", ""},
      {"deserialization.exception.handler", "log_and_fail"},
      {"default.deserialization.exception.handler", "log_and_fail"},
      {"processing.exception.handler", "log_and_fail"},
      {"production.exception.handler", "log_and_fail"},
      {"default.production.exception.handler", "log_and_fail"},
      {"errors.dead.letter.queue.topic.name", ""},
      {"default.key.serde", ""},
      {"default.value.serde", ""},
      {"metrics.recording.level", "INFO"},
  };
  for (const auto& [key, value] : expected) EXPECT_EQ(config.get(key), value) << key;
}

// The reference (docs/guides/configuration.md) is printed from definitions(): each documented
// default must be what get() answers, and setting it must be accepted and change nothing.
TEST_F(StreamsConfigTest, DefinitionsGiveTheDefaultsGetAnswers) {
  const StreamsConfig defaults;
  std::set<std::string> names;
  for (const auto& key : StreamsConfig::definitions()) {
    EXPECT_TRUE(names.insert(key.name).second) << key.name << " is defined twice";
    EXPECT_EQ(defaults.get(key.name), key.default_value) << key.name;
    EXPECT_NE(std::string(key.doc), "") << key.name;
    if (std::string(key.name) == StreamsConfig::kRocksDBConfigSetter) continue;  // an object
    StreamsConfig config;
    if (*key.default_value != '\0' || std::string(key.name) != StreamsConfig::kApplicationId) {
      EXPECT_NO_THROW(config.set(key.name, key.default_value)) << key.name;
    }
    EXPECT_EQ(config.values(), defaults.values()) << key.name;
  }
  // values() lists exactly the defined keys.
  std::set<std::string> listed;
  for (const auto& [key, value] : defaults.values()) listed.insert(key);
  EXPECT_EQ(listed, names);
}

TEST_F(StreamsConfigTest, EveryKeyIsSetAndReadBack) {
  StreamsConfig config({
      {"application.id", "orders-app_1.v2"},
      {"bootstrap.servers", "localhost:9092,other:9093"},
      {"num.stream.threads", "4"},
      {"processing.guarantee", "exactly_once_v2"},
      {"commit.interval.ms", "250"},
      {"state.dir", "/var/lib/brook"},
      {"max.task.idle.ms", "-1"},
      {"replication.factor", "3"},
      {"poll.ms", "0"},
      {"buffered.records.per.partition", "50"},
      {"client.id", "my client"},
      {"deserialization.exception.handler", "log_and_continue"},
      {"processing.exception.handler", "log_and_continue"},
      {"production.exception.handler", "log_and_continue"},
      {"errors.dead.letter.queue.topic.name", "orders-dlq"},
      {"default.key.serde", "string"},
      {"default.value.serde", "int64"},
  });
  EXPECT_EQ(config.applicationId(), "orders-app_1.v2");
  EXPECT_EQ(config.bootstrapServers(), "localhost:9092,other:9093");
  EXPECT_EQ(config.numStreamThreads(), 4);
  EXPECT_EQ(config.processingGuarantee(), ProcessingGuarantee::kExactlyOnceV2);
  EXPECT_EQ(config.commitIntervalMs(), 250);
  EXPECT_EQ(config.stateDir(), "/var/lib/brook");
  EXPECT_EQ(config.maxTaskIdleMs(), -1);
  EXPECT_EQ(config.replicationFactor(), 3);
  EXPECT_EQ(config.pollMs(), 0);
  EXPECT_EQ(config.bufferedRecordsPerPartition(), 50);
  EXPECT_EQ(config.clientId(), "my client");
  EXPECT_EQ(Answer(*config.deserializationExceptionHandler()), HandlerResponse::kContinue);
  EXPECT_EQ(Answer(*config.processingExceptionHandler()), HandlerResponse::kContinue);
  EXPECT_EQ(Answer(*config.productionExceptionHandler()), HandlerResponse::kContinue);
  EXPECT_EQ(config.deadLetterQueueTopic(), "orders-dlq");
  EXPECT_EQ(config.serdeDefaults().key.serde, Serdes::String());
  EXPECT_EQ(config.serdeDefaults().value.type, std::type_index(typeid(int64_t)));

  EXPECT_EQ(config.get("processing.guarantee"), "exactly_once_v2");
  EXPECT_EQ(config.get("commit.interval.ms"), "250");
  EXPECT_EQ(config.get("max.task.idle.ms"), "-1");
  EXPECT_EQ(config.get("deserialization.exception.handler"), "log_and_continue");
  EXPECT_EQ(config.get("default.key.serde"), "string");
  EXPECT_EQ(config.get("default.value.serde"), "int64");
}

TEST_F(StreamsConfigTest, SetChainsAndTheLastValueWins) {
  StreamsConfig config;
  config.set("num.stream.threads", "2").set("num.stream.threads", "3");
  EXPECT_EQ(config.numStreamThreads(), 3);
}

TEST_F(StreamsConfigTest, CommitIntervalDefaultsTo100UnderExactlyOnceV2) {
  StreamsConfig config;
  config.set("processing.guarantee", "exactly_once_v2");
  EXPECT_EQ(config.commitIntervalMs(), 100);
  EXPECT_EQ(config.get("commit.interval.ms"), "100");
  config.set("processing.guarantee", "at_least_once");
  EXPECT_EQ(config.commitIntervalMs(), 30000);
}

TEST_F(StreamsConfigTest, ASetCommitIntervalWinsOverTheGuaranteesDefault) {
  StreamsConfig config;
  config.set("commit.interval.ms", "0").set("processing.guarantee", "exactly_once_v2");
  EXPECT_EQ(config.commitIntervalMs(), 0);
}

TEST_F(StreamsConfigTest, AnUnknownKeyIsAnErrorListingTheKnownKeys) {
  EXPECT_THAT(ConfigError("cache.max.bytes.buffering", "0"),
              AllOf(HasSubstr("unknown config key 'cache.max.bytes.buffering'"),
                    HasSubstr("application.id"), HasSubstr("default.value.serde"),
                    HasSubstr("consumer., producer. and admin.")));
  EXPECT_THROW(StreamsConfig().get("no.such.key"), ConfigException);
}

TEST_F(StreamsConfigTest, AMisspelledKeyGetsASuggestion) {
  EXPECT_THAT(ConfigError("num.stream.thread", "2"),
              HasSubstr("did you mean 'num.stream.threads'?"));
  EXPECT_THAT(ConfigError("zzzzzzzz", "2"), Not(HasSubstr("did you mean")));
}

TEST_F(StreamsConfigTest, ThePropertiesConstructorRejectsAnUnknownKey) {
  EXPECT_THROW(StreamsConfig({{"application.id", "a"}, {"bogus", "1"}}), ConfigException);
}

TEST_F(StreamsConfigTest, PrefixedKeysGoToTheClientOverridesWithoutThePrefix) {
  StreamsConfig config;
  config.set("consumer.fetch.min.bytes", "1024")
      .set("producer.linger.ms", "5")
      .set("producer.compression.type", "lz4")
      .set("admin.request.timeout.ms", "3000");
  EXPECT_EQ(config.consumerOverrides(),
            (std::map<std::string, std::string>{{"fetch.min.bytes", "1024"}}));
  EXPECT_EQ(config.producerOverrides(),
            (std::map<std::string, std::string>{{"linger.ms", "5"}, {"compression.type", "lz4"}}));
  EXPECT_EQ(config.adminOverrides(),
            (std::map<std::string, std::string>{{"request.timeout.ms", "3000"}}));
  EXPECT_EQ(config.get("producer.linger.ms"), "5");
  EXPECT_EQ(config.get("consumer.not.set"), "");
}

TEST_F(StreamsConfigTest, APrefixWithNothingAfterItIsAnError) {
  EXPECT_THAT(ConfigError("consumer.", "x"),
              AllOf(HasSubstr("'consumer.'"), HasSubstr("consumer.<librdkafka property>")));
  EXPECT_THROW(StreamsConfig().set("producer.", "x"), ConfigException);
  EXPECT_THROW(StreamsConfig().set("admin.", "x"), ConfigException);
}

TEST_F(StreamsConfigTest, NumbersMustParseFully) {
  for (const char* bad : {"", "2x", " 2", "2 ", "+2", "1.5", "0x10", "two"}) {
    EXPECT_THAT(ConfigError("num.stream.threads", bad),
                AllOf(HasSubstr("num.stream.threads"), HasSubstr("an integer from 1"),
                      HasSubstr("got '" + std::string(bad) + "'")));
  }
}

TEST_F(StreamsConfigTest, NumbersOutOfRangeAreErrorsNamingKeyValueAndRange) {
  EXPECT_THAT(ConfigError("num.stream.threads", "0"),
              AllOf(HasSubstr("num.stream.threads must be an integer from 1 to 2147483647"),
                    HasSubstr("got '0'")));
  EXPECT_THAT(ConfigError("num.stream.threads", "2147483648"), HasSubstr("(too large)"));
  EXPECT_THAT(
      ConfigError("commit.interval.ms", "-1"),
      AllOf(HasSubstr("commit.interval.ms must be an integer >= 0"), HasSubstr("got '-1'")));
  EXPECT_THAT(ConfigError("commit.interval.ms", "99999999999999999999"), HasSubstr("(too large)"));
  EXPECT_THAT(ConfigError("poll.ms", "-5"),
              AllOf(HasSubstr("poll.ms must be an integer >= 0"), HasSubstr("got '-5'")));
  EXPECT_THAT(ConfigError("buffered.records.per.partition", "0"),
              AllOf(HasSubstr("buffered.records.per.partition must be an integer from 1"),
                    HasSubstr("got '0'")));
  EXPECT_THAT(ConfigError("max.task.idle.ms", "-2"),
              AllOf(HasSubstr("max.task.idle.ms must be an integer >= -1"), HasSubstr("got '-2'")));
}

TEST_F(StreamsConfigTest, MetricsRecordingLevelIsInfoDebugOrTrace) {
  StreamsConfig config;
  for (const char* level : {"DEBUG", "TRACE", "INFO"}) {
    config.set("metrics.recording.level", level);
    EXPECT_EQ(config.metricsRecordingLevel(), level);
    EXPECT_EQ(config.get("metrics.recording.level"), level);
  }
  EXPECT_THROW(config.set("metrics.recording.level", "debug"), ConfigException);
  EXPECT_THROW(config.set("metrics.recording.level", "WARN"), ConfigException);
  EXPECT_EQ(config.metricsRecordingLevel(), "INFO");
}

TEST_F(StreamsConfigTest, ReplicationFactorIsMinusOneOrAtLeastOne) {
  EXPECT_EQ(StreamsConfig().set("replication.factor", "-1").replicationFactor(), -1);
  EXPECT_EQ(StreamsConfig().set("replication.factor", "1").replicationFactor(), 1);
  for (const char* bad : {"0", "-2", "32768"}) {
    EXPECT_THAT(ConfigError("replication.factor", bad),
                AllOf(HasSubstr("replication.factor must be -1 (the broker's default) or an "
                                "integer from 1 to 32767"),
                      HasSubstr("got '" + std::string(bad) + "'")));
  }
}

TEST_F(StreamsConfigTest, ProcessingGuaranteeAcceptsAtLeastOnceAndExactlyOnceV2Only) {
  EXPECT_THAT(ConfigError("processing.guarantee", "at_most_once"),
              AllOf(HasSubstr("processing.guarantee must be at_least_once or exactly_once_v2"),
                    HasSubstr("got 'at_most_once'")));
}

TEST_F(StreamsConfigTest, TheOldExactlyOnceValuesPointToExactlyOnceV2) {
  for (const char* old : {"exactly_once", "exactly_once_beta"}) {
    EXPECT_THAT(ConfigError("processing.guarantee", old),
                AllOf(HasSubstr("'" + std::string(old) + "'"), HasSubstr("use exactly_once_v2")));
  }
}

TEST_F(StreamsConfigTest, ApplicationIdAcceptsOnlyKafkaNameCharacters) {
  EXPECT_THAT(ConfigError("application.id", "my app"),
              AllOf(HasSubstr("application.id 'my app'"), HasSubstr("' ' at position 2"),
                    HasSubstr("a-z A-Z 0-9 . _ -")));
  EXPECT_THAT(ConfigError("application.id", "app/1"), HasSubstr("'/' at position 3"));
  EXPECT_THAT(ConfigError("application.id", ""),
              AllOf(HasSubstr("application.id must not be empty"), HasSubstr("a-z A-Z 0-9")));
}

TEST_F(StreamsConfigTest, ValidateForApplicationRequiresAnApplicationId) {
  try {
    StreamsConfig().validateForApplication();
    FAIL() << "no ConfigException";
  } catch (const ConfigException& error) {
    EXPECT_THAT(error.what(), HasSubstr("application.id is required"));
  }
  EXPECT_NO_THROW(StreamsConfig().set("application.id", "app").validateForApplication());
}

TEST_F(StreamsConfigTest, StateDirMustNotBeEmpty) {
  EXPECT_THAT(ConfigError("state.dir", ""), HasSubstr("state.dir must not be empty"));
}

TEST_F(StreamsConfigTest, DeadLetterQueueTopicMustBeALegalTopicName) {
  EXPECT_THAT(ConfigError("errors.dead.letter.queue.topic.name", "dlq topic"),
              AllOf(HasSubstr("errors.dead.letter.queue.topic.name 'dlq topic'"),
                    HasSubstr("a Kafka topic")));
  EXPECT_THAT(ConfigError("errors.dead.letter.queue.topic.name", ".."), HasSubstr("reserved"));
  EXPECT_THAT(ConfigError("errors.dead.letter.queue.topic.name", std::string(250, 'a')),
              HasSubstr("at most 249"));
  StreamsConfig config;
  config.set("errors.dead.letter.queue.topic.name", "dlq")
      .set("errors.dead.letter.queue.topic.name", "");
  EXPECT_EQ(config.deadLetterQueueTopic(), "");
}

TEST_F(StreamsConfigTest, HandlerKeysAcceptLogAndFailAndLogAndContinue) {
  EXPECT_THAT(ConfigError("processing.exception.handler", "ignore"),
              AllOf(HasSubstr("processing.exception.handler must be log_and_fail or "
                              "log_and_continue"),
                    HasSubstr("got 'ignore'")));
  StreamsConfig config;
  EXPECT_EQ(Answer(*config.deserializationExceptionHandler()), HandlerResponse::kFail);
  EXPECT_EQ(Answer(*config.processingExceptionHandler()), HandlerResponse::kFail);
  EXPECT_EQ(Answer(*config.productionExceptionHandler()), HandlerResponse::kFail);
}

TEST_F(StreamsConfigTest, TheDefaultPrefixedHandlerKeysAreAliases) {
  StreamsConfig config;
  config.set("default.deserialization.exception.handler", "log_and_continue")
      .set("default.production.exception.handler", "log_and_continue");
  EXPECT_EQ(config.get("deserialization.exception.handler"), "log_and_continue");
  EXPECT_EQ(config.get("production.exception.handler"), "log_and_continue");
  EXPECT_EQ(Answer(*config.deserializationExceptionHandler()), HandlerResponse::kContinue);
  EXPECT_EQ(Answer(*config.productionExceptionHandler()), HandlerResponse::kContinue);
  EXPECT_THAT(ConfigError("default.production.exception.handler", "retry"),
              HasSubstr("default.production.exception.handler must be log_and_fail or "
                        "log_and_continue, got 'retry'"));
  EXPECT_THROW(StreamsConfig().set("default.processing.exception.handler", "log_and_fail"),
               ConfigException);
}

TEST_F(StreamsConfigTest, HandlerObjectsWinOverNamesUntilANameIsSetAgain) {
  auto deserialization = std::make_shared<CustomDeserializationHandler>();
  auto processing = std::make_shared<CustomProcessingHandler>();
  auto production = std::make_shared<CustomProductionHandler>();
  StreamsConfig config;
  config.setDeserializationExceptionHandler(deserialization)
      .setProcessingExceptionHandler(processing)
      .setProductionExceptionHandler(production);
  EXPECT_EQ(config.deserializationExceptionHandler(), deserialization);
  EXPECT_EQ(config.processingExceptionHandler(), processing);
  EXPECT_EQ(config.productionExceptionHandler(), production);
  EXPECT_EQ(config.get("processing.exception.handler"), "custom");

  config.set("processing.exception.handler", "log_and_fail");
  EXPECT_NE(config.processingExceptionHandler(), processing);
  EXPECT_EQ(Answer(*config.processingExceptionHandler()), HandlerResponse::kFail);
  EXPECT_EQ(config.get("processing.exception.handler"), "log_and_fail");

  config.setDeserializationExceptionHandler(nullptr);
  EXPECT_EQ(Answer(*config.deserializationExceptionHandler()), HandlerResponse::kFail);
}

TEST_F(StreamsConfigTest, DefaultSerdeKeysTakeEveryConfigName) {
  for (const char* name : {"string", "int32", "int64", "double", "bytes", "void", "json"}) {
    StreamsConfig config;
    config.set("default.key.serde", name).set("default.value.serde", name);
    EXPECT_EQ(config.serdeDefaults().key.serde, Serdes::ByName(name).serde) << name;
    EXPECT_EQ(config.serdeDefaults().value.type, Serdes::ByName(name).type) << name;
    EXPECT_EQ(config.get("default.value.serde"), name);
  }
}

TEST_F(StreamsConfigTest, AnUnknownSerdeNameIsAnErrorNamingKeyAndAcceptedNames) {
  EXPECT_THAT(ConfigError("default.value.serde", "avro"),
              AllOf(HasSubstr("default.value.serde"), HasSubstr("'avro'"),
                    HasSubstr("string, int32, int64, double, bytes, void, json")));
}

TEST_F(StreamsConfigTest, AnEmptySerdeNameClearsTheDefault) {
  StreamsConfig config;
  config.set("default.key.serde", "json").set("default.key.serde", "");
  EXPECT_EQ(config.serdeDefaults().key.serde, nullptr);
  EXPECT_EQ(config.get("default.key.serde"), "");
}

TEST_F(StreamsConfigTest, SerdeObjectsAreDefaultsNamedByTheirName) {
  StreamsConfig config;
  config.setDefaultKeySerde(Serdes::Optional(Serdes::String()))
      .setDefaultValueSerde(Serdes::Json());
  EXPECT_EQ(config.serdeDefaults().key.type, std::type_index(typeid(std::optional<std::string>)));
  EXPECT_EQ(config.get("default.key.serde"), "Optional<String>");
  EXPECT_EQ(config.get("default.value.serde"), "json");
}

}  // namespace
}  // namespace brook::streams
