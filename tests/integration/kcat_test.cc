// kcat (Debian's kcat, built on librdkafka) as an independent client: list, produce, consume.
#include <gtest/gtest.h>

#include "tests/integration/broker_fixture.h"
#include "tests/integration/subprocess.h"

namespace brook::testing {
namespace {

class KcatTest : public BrokerSuite {};

TEST_F(KcatTest, ListsProducesAndConsumes) {
  std::string topic = TopicName();
  std::string b = " -b " + bootstrap_;
  auto produced =
      RunCommand("kcat -P -t " + topic + b + " -K: -H src=kcat", "k1:first\nk2:second\nk3:third\n");
  ASSERT_EQ(produced.exit_code, 0) << produced.out;

  auto listed = RunCommand("kcat -L" + b + " -t " + topic);
  ASSERT_EQ(listed.exit_code, 0) << listed.out;
  EXPECT_NE(listed.out.find("topic \"" + topic + "\" with 1 partitions"), std::string::npos)
      << listed.out;
  EXPECT_NE(listed.out.find("(controller)"), std::string::npos) << listed.out;

  auto consumed =
      RunCommand("kcat -C -t " + topic + b + " -o beginning -e -q -f '%k=%s %h @%o\\n'");
  ASSERT_EQ(consumed.exit_code, 0) << consumed.out;
  EXPECT_EQ(consumed.out, "k1=first src=kcat @0\nk2=second src=kcat @1\nk3=third src=kcat @2\n");
}

TEST_F(KcatTest, EveryCodecRoundTrips) {
  for (const char* codec : {"gzip", "snappy", "lz4", "zstd"}) {
    std::string topic = TopicName(std::string("-") + codec);
    std::string input;
    for (int i = 0; i < 500; ++i) input += "line-" + std::to_string(i) + "\n";
    auto produced = RunCommand("kcat -P -t " + topic + " -b " + bootstrap_ + " -z " + codec, input);
    ASSERT_EQ(produced.exit_code, 0) << codec << produced.out;
    auto consumed = RunCommand("kcat -C -t " + topic + " -b " + bootstrap_ + " -o beginning -e -q");
    ASSERT_EQ(consumed.exit_code, 0) << codec << consumed.out;
    EXPECT_EQ(consumed.out, input) << codec;
  }
}

}  // namespace
}  // namespace brook::testing
