#pragma once

#include <cstdint>
#include <optional>

#include "broker/log/env.h"
#include "broker/record/record_batch.h"
#include "common/result.h"

namespace brook::broker::log {

// Reads the batches of a segment file in order through a large buffer (recovery, compaction,
// searches by timestamp). Checks structure (RecordBatchView::Parse), not CRCs.
// Thread safety: none; one reader per thread. The File must outlive the reader.
class BatchReader {
 public:
  // Reads batches starting at `start` and ending at or before `end` (a byte position).
  BatchReader(const File* file, uint64_t start, uint64_t end, size_t buffer_bytes = 1 << 20);

  // The next batch, or nullopt at `end`. A batch that is cut off by `end` or malformed gives
  // Corruption; position() then names where it starts. The returned view is valid until the
  // next call.
  Result<std::optional<record::RecordBatchView>> Next();
  // Where the batch last returned (or the failing one) starts.
  uint64_t position() const { return batch_position_; }
  // Where the next batch starts.
  uint64_t next_position() const { return next_position_; }

 private:
  Status Fill(size_t needed);

  const File* file_;
  uint64_t end_;
  uint64_t batch_position_;
  uint64_t next_position_;
  Bytes buffer_;
  uint64_t buffer_start_ = 0;  // file position of buffer_[0]
  size_t buffer_len_ = 0;
};

}  // namespace brook::broker::log
