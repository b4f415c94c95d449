#include "framework/state/offset_checkpoint.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace brook::framework::state {
namespace {

namespace fs = std::filesystem;

class OffsetCheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "checkpoint-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  void WriteText(const std::string& text) {
    std::ofstream(dir_ / ".checkpoint", std::ios::binary | std::ios::trunc) << text;
  }

  fs::path dir_;
};

TEST_F(OffsetCheckpointTest, WrittenOffsetsReadBackInKafkasTextFormat) {
  OffsetCheckpoint checkpoint(dir_ / ".checkpoint");
  const std::map<TopicPartition, int64_t> offsets{{{"app-counts-changelog", 3}, 42},
                                                  {{"app-other-changelog", 3}, 7}};
  ASSERT_TRUE(checkpoint.Write(offsets).ok());
  std::ifstream in(dir_ / ".checkpoint");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "0\n2\napp-counts-changelog 3 42\napp-other-changelog 3 7\n");
  auto read = checkpoint.Read();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, offsets);
  EXPECT_FALSE(fs::exists(dir_ / ".checkpoint.tmp"));
}

TEST_F(OffsetCheckpointTest, MissingFileReadsAsNoOffsets) {
  auto read = OffsetCheckpoint(dir_ / ".checkpoint").Read();
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->empty());
}

TEST_F(OffsetCheckpointTest, DeleteRemovesTheFileAndToleratesNone) {
  OffsetCheckpoint checkpoint(dir_ / ".checkpoint");
  ASSERT_TRUE(checkpoint.Write({{{"t", 0}, 1}}).ok());
  EXPECT_TRUE(checkpoint.Delete().ok());
  EXPECT_FALSE(fs::exists(dir_ / ".checkpoint"));
  EXPECT_TRUE(checkpoint.Delete().ok());
}

TEST_F(OffsetCheckpointTest, TruncatedFileIsCorruptNamingTheFile) {
  WriteText("0\n2\napp-counts-changelog 3 42\napp-oth");
  auto read = OffsetCheckpoint(dir_ / ".checkpoint").Read();
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kCorruption);
  EXPECT_NE(read.status().message().find(".checkpoint"), std::string::npos);
}

TEST_F(OffsetCheckpointTest, EveryMalformedShapeIsCorruptNotACrash) {
  for (const std::string& text :
       {std::string(""), std::string("0\n"), std::string("1\n0\n"), std::string("0\n2\nt 0 1\n"),
        std::string("0\n1\nt 0\n"), std::string("0\n1\nt x 1\n"), std::string("0\n1\nt 0 -5\n"),
        std::string("0\n1\n 0 5\n"), std::string("0\nabc\n"), std::string("\x01\xff\n\n"),
        std::string("0\n1\nt 0 99999999999999999999999\n")}) {
    WriteText(text);
    auto read = OffsetCheckpoint(dir_ / ".checkpoint").Read();
    EXPECT_FALSE(read.ok()) << "accepted: " << text;
  }
}

TEST_F(OffsetCheckpointTest, EmptyCheckpointHasVersionAndZeroCount) {
  EXPECT_EQ(OffsetCheckpoint::Encode({}), "0\n0\n");
  auto decoded = OffsetCheckpoint::Decode("0\n0\n", "x");
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->empty());
}

}  // namespace
}  // namespace brook::framework::state
