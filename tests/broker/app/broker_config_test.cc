#include "broker/app/broker_config.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace brook::broker::app {
namespace {

TEST(PropertiesTest, ParsesJavaPropertiesSyntax) {
  auto props = ParseProperties(
      "# a comment\n"
      "! another\n"
      "\n"
      "node.id=3\n"
      "  listeners : PLAINTEXT://:9093\n"
      "log.dirs /var/lib/brook\n"
      "long.value=a,\\\n"
      "    b\n"
      "escaped\\=key=x\\ty\n"
      "empty=\n"
      "node.id=4\r\n");
  ASSERT_TRUE(props.ok()) << props.status().ToString();
  EXPECT_EQ(props->at("node.id"), "4");  // later wins
  EXPECT_EQ(props->at("listeners"), "PLAINTEXT://:9093");
  EXPECT_EQ(props->at("log.dirs"), "/var/lib/brook");
  EXPECT_EQ(props->at("long.value"), "a,b");
  EXPECT_EQ(props->at("escaped=key"), "x\ty");
  EXPECT_EQ(props->at("empty"), "");
}

TEST(PropertiesTest, OverridesNeedAnEqualsSign) {
  auto ok = ParseOverride("num.partitions=8");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->first, "num.partitions");
  EXPECT_EQ(ok->second, "8");
  EXPECT_EQ(ParseOverride("num.partitions").status().code(), StatusCode::kInvalidArgument);
}

TEST(BrokerConfigTest, DefaultsAreKafkas) {
  auto config = BrokerConfig::FromProperties({});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->listeners.size(), 1u);
  EXPECT_EQ(config->listeners[0].host, "127.0.0.1");
  EXPECT_EQ(config->listeners[0].port, 9092);
  EXPECT_EQ(config->num_partitions, 1);
  EXPECT_TRUE(config->auto_create_topics);
  EXPECT_EQ(config->socket_request_max_bytes, 104857600);
  EXPECT_EQ(config->log_defaults.max_message_bytes, 1048588);
  EXPECT_EQ(config->log_defaults.retention_ms, 7LL * 24 * 3600 * 1000);
  EXPECT_EQ(config->advertised_listeners[0].port, 9092);
}

TEST(BrokerConfigTest, BrokerLevelLogSettingsBecomeTopicDefaults) {
  std::vector<std::string> unknown;
  std::vector<std::string> ignored;
  auto config = BrokerConfig::FromProperties({{"log.retention.hours", "1"},
                                              {"log.retention.minutes", "30"},
                                              {"log.segment.bytes", "1048576"},
                                              {"message.max.bytes", "2000000"},
                                              {"log.cleanup.policy", "compact"},
                                              {"num.io.threads", "8"},
                                              {"no.such.key", "x"}},
                                             &unknown, &ignored);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->log_defaults.retention_ms, 30 * 60'000);  // minutes beat hours
  EXPECT_EQ(config->log_defaults.segment_bytes, 1048576);
  EXPECT_EQ(config->log_defaults.max_message_bytes, 2000000);
  EXPECT_TRUE(config->log_defaults.cleanup_compact);
  EXPECT_EQ(unknown, std::vector<std::string>{"no.such.key"});
  EXPECT_EQ(ignored, std::vector<std::string>{"num.io.threads"});
}

TEST(BrokerConfigTest, BadValuesNameTheirKey) {
  auto bad = BrokerConfig::FromProperties({{"num.partitions", "many"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("num.partitions"), std::string::npos);
  EXPECT_FALSE(BrokerConfig::FromProperties({{"listeners", "SSL://:9093"}}).ok());
  EXPECT_FALSE(BrokerConfig::FromProperties({{"listeners", "PLAINTEXT://host"}}).ok());
  EXPECT_FALSE(BrokerConfig::FromProperties({{"default.replication.factor", "3"}}).ok());
  EXPECT_FALSE(BrokerConfig::FromProperties({{"log.segment.bytes", "-5"}}).ok());
}

TEST(BrokerConfigTest, ListenersParse) {
  auto listeners = ParseListeners("PLAINTEXT://0.0.0.0:9092, PLAINTEXT://[::1]:0");
  ASSERT_TRUE(listeners.ok());
  ASSERT_EQ(listeners->size(), 2u);
  EXPECT_EQ((*listeners)[1].host, "::1");
  EXPECT_EQ((*listeners)[1].port, 0);
}

// The reference (docs/guides/configuration.md) is printed from Definitions(): each key must be
// applied (not reported unknown), and giving its documented default must change nothing.
TEST(BrokerConfigTest, DefinitionsAreAppliedWithTheirDocumentedDefaults) {
  auto defaults = BrokerConfig::FromProperties({});
  ASSERT_TRUE(defaults.ok());
  std::set<std::string> names;
  for (const auto& key : BrokerConfig::Definitions()) {
    EXPECT_TRUE(names.insert(key.name).second) << key.name << " is defined twice";
    EXPECT_NE(std::string(key.doc), "") << key.name;
    if (*key.default_value == '\0') continue;  // no default to give
    std::vector<std::string> unknown;
    std::vector<std::string> ignored;
    auto config = BrokerConfig::FromProperties({{key.name, key.default_value}}, &unknown, &ignored);
    ASSERT_TRUE(config.ok()) << key.name << ": " << config.status().ToString();
    EXPECT_TRUE(unknown.empty()) << key.name;
    EXPECT_TRUE(ignored.empty()) << key.name;
    config->given.clear();
    config->topic_defaults_set.clear();
    EXPECT_TRUE(*config == *defaults)
        << key.name << "=" << key.default_value << " is not the default";
  }
}

TEST(BrokerConfigTest, AKeyThatIsNotDefinedIsUnknown) {
  std::vector<std::string> unknown;
  auto config = BrokerConfig::FromProperties({{"log.segment.byte", "1"}}, &unknown);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(unknown, std::vector<std::string>{"log.segment.byte"});
}

}  // namespace
}  // namespace brook::broker::app
