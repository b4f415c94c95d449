#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "tests/operators/dsl/dsl_test_util.h"

// KStream::to (fixed topic and topic name extractor) and KStream::print.
namespace brook::streams {
namespace {

using testing::S;
using testing::StringConsumed;
using testing::StringProduced;

TEST(KStreamToTest, ATopicNameExtractorChoosesEachRecordsTopic) {
  StreamsBuilder builder;
  std::vector<S> contexts;
  builder.stream("in", StringConsumed())
      .to(
          [&contexts](const S& key, const S& value, const RecordContext& context) {
            contexts.push_back(std::string(context.topic) + "@" + std::to_string(context.offset) +
                               "/" + std::to_string(context.timestamp));
            return std::string(context.topic) + "-" + key + "-" + value.substr(0, 1);
          },
          StringProduced());

  TopologyTestDriver driver(builder.build());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  auto out_a = driver.createOutputTopic("in-a-v", Serdes::String(), Serdes::String());
  auto out_b = driver.createOutputTopic("in-b-v", Serdes::String(), Serdes::String());
  in.pipeInput("a", "v1", 1);
  in.pipeInput("a", "v2", 2);
  in.pipeInput("b", "v1", 3);
  EXPECT_EQ(out_a.readValuesToList(), (std::vector<S>{"v1", "v2"}));
  EXPECT_EQ(out_b.readValuesToList(), (std::vector<S>{"v1"}));
  EXPECT_EQ(contexts, (std::vector<S>{"in@0/1", "in@1/2", "in@2/3"}));
}

TEST(KStreamToTest, ProducedSerdesOverrideTheStreams) {
  StreamsBuilder builder;
  const auto optional_string = Serdes::Optional(Serdes::String());
  builder.stream("in", Consumed<std::optional<S>, S>::with(optional_string, Serdes::String()))
      .to("out", Produced<std::optional<S>, S>::keySerde(Serdes::Optional(Serdes::String())));

  TopologyTestDriver driver(builder.build());
  auto in = driver.createInputTopic("in", optional_string, Serdes::String());
  in.pipeInput(S("v"));
  auto raw = driver.ReadRaw("out");
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->key, std::nullopt);
  EXPECT_EQ(raw->value, std::optional<S>("v"));
}

class KStreamPrintTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("brook-print-test-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".txt"))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }

  std::string ReadFile() const {
    std::ifstream file(path_);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  std::string path_;
};

TEST_F(KStreamPrintTest, PrintWritesKafkasLineFormatLabelledWithTheParentNode) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed()).print(Printed<S, S>::toFile(path_));
  {
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
    in.pipeInput("k1", "v1", 1);
    in.pipeInput("k2", "v2", 2);
  }
  EXPECT_EQ(ReadFile(),
            "[KSTREAM-SOURCE-0000000000]: k1, v1\n"
            "[KSTREAM-SOURCE-0000000000]: k2, v2\n");
}

TEST_F(KStreamPrintTest, LabelAndMapperShapeTheLine) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed())
      .mapValues([](const S& value) { return static_cast<int64_t>(value.size()); })
      .print(Printed<S, int64_t>::toFile(path_).withLabel("lengths").withKeyValueMapper(
          [](const S& key, const int64_t& length) { return key + "=" + std::to_string(length); }));
  {
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
    in.pipeInput("k", "four", 1);
  }
  EXPECT_EQ(ReadFile(), "[lengths]: k=4\n");
}

TEST_F(KStreamPrintTest, NullsNumbersAndBytesPrintAsKafkaPrintsThem) {
  StreamsBuilder builder;
  const auto optional_string = Serdes::Optional(Serdes::String());
  auto stream =
      builder.stream("in", Consumed<std::optional<S>, S>::with(optional_string, Serdes::String()));
  stream.mapValues([](const S& value) { return static_cast<double>(value.size()); })
      .print(Printed<std::optional<S>, double>::toFile(path_).withLabel("d"));
  {
    TopologyTestDriver driver(builder.build());
    auto in = driver.createInputTopic("in", optional_string, Serdes::String());
    in.pipeInput(S("four"));
    in.pipeInput(std::optional<S>("k"), S("xy"), 2);
  }
  EXPECT_EQ(ReadFile(), "[d]: null, 4.0\n[d]: k, 2.0\n");
  EXPECT_EQ(operators::processors::PrintText(Bytes{std::string("a\\\x01", 3)}), "a\\x5C\\x01");
  EXPECT_EQ(operators::processors::PrintText(int64_t{-7}), "-7");
  EXPECT_EQ(operators::processors::PrintText(true), "true");
  EXPECT_EQ(operators::processors::PrintText(2.5), "2.5");
}

TEST_F(KStreamPrintTest, ToSysOutWritesToStandardOutput) {
  StreamsBuilder builder;
  builder.stream("in", StringConsumed()).print(Printed<S, S>::toSysOut().withLabel("out"));
  TopologyTestDriver driver(builder.build());
  auto in = driver.createInputTopic("in", Serdes::String(), Serdes::String());
  ::testing::internal::CaptureStdout();
  in.pipeInput("k", "v", 1);
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "[out]: k, v\n");
}

TEST_F(KStreamPrintTest, AFileThatCannotBeOpenedIsATopologyError) {
  EXPECT_THROW((Printed<S, S>::toFile("/nonexistent-dir/x/y.txt")), TopologyException);
  EXPECT_THROW((Printed<S, S>::toFile(" ")), TopologyException);
}

}  // namespace
}  // namespace brook::streams
