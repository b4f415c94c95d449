// Random appends (random sizes, codecs and out-of-order timestamps) and random reads, checked
// against a model of what was appended: reads by offset return whole batches starting at the one
// holding the offset; reads by timestamp return the first offset whose timestamp is >= it.
#include <random>

#include <gtest/gtest.h>

#include "broker/log/log.h"
#include "broker/log/mem_env.h"
#include "tests/broker/log/log_test_util.h"

namespace brook::broker::log {
namespace {

struct ModelRecord {
  int64_t offset;
  int64_t timestamp;
};

struct ModelBatch {
  int64_t base;
  int64_t next;
  uint64_t size;
};

TEST(LogModelTest, ReadsByOffsetAndTimestampAgreeWithTheModel) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    std::mt19937_64 rng(seed);
    MemEnv env;
    ManualClock clock;
    LogConfig config;
    config.segment_bytes = 4000 + static_cast<int64_t>(rng() % 4000);
    config.index_interval_bytes = static_cast<int32_t>(64 + rng() % 512);
    auto opened = Log::Open(&env, "/data/model-0", config, &clock);
    ASSERT_TRUE(opened.ok());
    std::unique_ptr<Log> log = std::move(opened).value();

    std::vector<ModelRecord> records;
    std::vector<ModelBatch> batches;
    for (int i = 0; i < 300; ++i) {
      record::BatchBuilderOptions options;
      options.compression = static_cast<record::Compression>(rng() % 5);
      record::RecordBatchBuilder builder(options);
      int count = 1 + static_cast<int>(rng() % 6);
      std::vector<int64_t> timestamps;
      for (int j = 0; j < count; ++j) {
        int64_t ts = 1'000'000 + static_cast<int64_t>(rng() % 100'000);  // any order
        timestamps.push_back(ts);
        std::string value(rng() % 200, 'x');
        builder.Add(ts, AsBytes(fmt::format("k{}", j)), AsBytes(value));
      }
      Bytes batch = *builder.Build();
      auto appended = log->Append(batch);
      ASSERT_TRUE(appended.ok());
      for (int j = 0; j < count; ++j) {
        records.push_back({appended->base_offset.value() + j, timestamps[j]});
      }
      batches.push_back(
          {appended->base_offset.value(), appended->last_offset.value() + 1, batch.size()});
      if (rng() % 50 == 0) {  // now and then a reopen, clean or not
        if (rng() % 2) {
          ASSERT_TRUE(log->Close().ok());
        }
        log.reset();
        auto again = Log::Open(&env, "/data/model-0", config, &clock);
        ASSERT_TRUE(again.ok());
        log = std::move(again).value();
      }
    }
    ASSERT_GT(log->segment_count(), 3u);

    for (int q = 0; q < 500; ++q) {
      int64_t offset = static_cast<int64_t>(rng() % records.size());
      uint64_t max_bytes = rng() % 3000;
      auto read = log->Read(Offset(offset), max_bytes);
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      // The model's answer: the batch holding `offset`, then whole batches of the same segment
      // while they fit.
      size_t first = 0;
      while (batches[first].next <= offset) ++first;
      ASSERT_EQ(read->first_batch_offset.value(), batches[first].base);
      Bytes bytes = *read->ReadBytes();
      uint64_t expected_size = batches[first].size;
      for (size_t b = first + 1; b < batches.size(); ++b) {
        if (expected_size + batches[b].size > std::max(max_bytes, batches[first].size)) break;
        // A read stays inside one segment file.
        auto probe = log->Read(Offset(batches[b].base), 1);
        if (probe->file != read->file) break;
        expected_size += batches[b].size;
      }
      EXPECT_EQ(bytes.size(), expected_size) << "offset " << offset << " max " << max_bytes;
      Offset next;
      testing::DecodeAll(bytes, &next);
    }

    for (int q = 0; q < 300; ++q) {
      int64_t target = 999'000 + static_cast<int64_t>(rng() % 103'000);
      std::optional<ModelRecord> expected;
      for (const auto& r : records) {
        if (r.timestamp >= target) {
          expected = r;
          break;
        }
      }
      auto found = log->FindOffsetByTimestamp(target);
      ASSERT_TRUE(found.ok()) << found.status().ToString();
      ASSERT_EQ(found->has_value(), expected.has_value()) << target;
      if (expected) {
        EXPECT_EQ((*found)->first.value(), expected->offset) << target;
        EXPECT_EQ((*found)->second, expected->timestamp) << target;
      }
    }
  }
}

}  // namespace
}  // namespace brook::broker::log
