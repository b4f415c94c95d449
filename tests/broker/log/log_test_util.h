#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "broker/log/log.h"
#include "broker/record/batch_builder.h"
#include "broker/record/record.h"

namespace brook::broker::log::testing {

// A client-style batch (base offset 0) of `count` records with keys "k<i>", values of
// `value_size` bytes, and timestamps `timestamp + i`.
inline Bytes MakeBatch(int count, int64_t timestamp, size_t value_size = 20,
                       const std::string& key_prefix = "k",
                       record::Compression compression = record::Compression::kNone) {
  record::BatchBuilderOptions options;
  options.compression = compression;
  record::RecordBatchBuilder builder(options);
  for (int i = 0; i < count; ++i) {
    std::string key = fmt::format("{}{}", key_prefix, i);
    std::string value(value_size, static_cast<char>('a' + i % 26));
    builder.Add(timestamp + i, AsBytes(key), AsBytes(value));
  }
  auto built = builder.Build();
  EXPECT_TRUE(built.ok()) << built.status().ToString();
  return std::move(built).value();
}

// Every batch in `bytes` (a fetch result), decoded: (offset, timestamp, key) per record.
struct SeenRecord {
  int64_t offset;
  int64_t timestamp;
  std::string key;
  std::string value;
};

inline std::vector<SeenRecord> DecodeAll(ByteView bytes, Offset* next_offset = nullptr) {
  std::vector<SeenRecord> out;
  while (!bytes.empty()) {
    auto view = record::RecordBatchView::Parse(bytes);
    EXPECT_TRUE(view.ok()) << view.status().ToString();
    if (!view.ok()) break;
    EXPECT_TRUE(view->VerifyCrc().ok());
    auto decoded = record::DecodedBatch::Decode(*view);
    EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
    if (!decoded.ok()) break;
    for (const auto& r : decoded->records()) {
      out.push_back({r.offset.value(), r.timestamp, r.key ? ToString(*r.key) : "",
                     r.value ? ToString(*r.value) : ""});
    }
    if (next_offset != nullptr) *next_offset = std::max(*next_offset, view->next_offset());
    bytes = bytes.subspan(view->size());
  }
  return out;
}

// Reads the whole log from `from` in fetches of `max_bytes`.
inline std::vector<SeenRecord> ReadAll(const Log& log, Offset from, uint64_t max_bytes = 1 << 20) {
  std::vector<SeenRecord> out;
  Offset next = from;
  while (next < log.log_end_offset()) {
    auto read = log.Read(next, max_bytes);
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    if (!read.ok() || read->empty()) break;
    auto bytes = read->ReadBytes();
    EXPECT_TRUE(bytes.ok());
    Offset after = next;
    for (auto& r : DecodeAll(*bytes, &after)) {
      if (r.offset >= next.value()) out.push_back(r);
    }
    EXPECT_GT(after, next) << "a read made no progress";
    if (after <= next) break;
    next = after;
  }
  return out;
}

}  // namespace brook::broker::log::testing
