#include "broker/log/batch_reader.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace brook::broker::log {

using record::BatchSizeFromPrefix;
using record::kBatchHeaderSize;
using record::kLogOverhead;
using record::RecordBatchView;

BatchReader::BatchReader(const File* file, uint64_t start, uint64_t end, size_t buffer_bytes)
    : file_(file), end_(end), batch_position_(start), next_position_(start), buffer_(buffer_bytes) {
  buffer_start_ = start;
}

Status BatchReader::Fill(size_t needed) {
  // Make [next_position_, next_position_ + needed) resident, reading as much as fits.
  uint64_t have_end = buffer_start_ + buffer_len_;
  if (next_position_ >= buffer_start_ && next_position_ + needed <= have_end) return Status::Ok();
  if (buffer_.size() < needed) buffer_.resize(needed);
  size_t keep = 0;
  if (next_position_ >= buffer_start_ && next_position_ < have_end) {
    keep = static_cast<size_t>(have_end - next_position_);
    std::memmove(buffer_.data(), buffer_.data() + (next_position_ - buffer_start_), keep);
  }
  buffer_start_ = next_position_;
  size_t want =
      static_cast<size_t>(std::min<uint64_t>(buffer_.size() - keep, end_ - (buffer_start_ + keep)));
  size_t got = 0;
  BROOK_ASSIGN_OR_RETURN(got, file_->ReadAt(buffer_start_ + keep, buffer_.data() + keep, want));
  buffer_len_ = keep + got;
  return Status::Ok();
}

Result<std::optional<RecordBatchView>> BatchReader::Next() {
  batch_position_ = next_position_;
  if (next_position_ >= end_) return std::optional<RecordBatchView>();
  uint64_t remaining = end_ - next_position_;
  if (remaining < kLogOverhead) {
    return Status::Corruption(
        fmt::format("{}: {} stray bytes at position {}", file_->path(), remaining, next_position_));
  }
  BROOK_RETURN_IF_ERROR(Fill(kLogOverhead));
  const uint8_t* p = buffer_.data() + (next_position_ - buffer_start_);
  size_t size = BatchSizeFromPrefix(ByteView(p, kLogOverhead));
  if (size == 0) {
    return Status::Corruption(
        fmt::format("{}: bad batch length at position {}", file_->path(), next_position_));
  }
  if (size > remaining) {
    return Status::Corruption(fmt::format("{}: batch at position {} needs {} bytes, {} remain",
                                          file_->path(), next_position_, size, remaining));
  }
  BROOK_RETURN_IF_ERROR(Fill(size));
  if (buffer_start_ + buffer_len_ < next_position_ + size) {
    return Status::Corruption(
        fmt::format("{}: batch at position {} is cut short", file_->path(), next_position_));
  }
  p = buffer_.data() + (next_position_ - buffer_start_);
  auto view = RecordBatchView::Parse(ByteView(p, size));
  if (!view.ok()) {
    return Status::Corruption(
        fmt::format("{}: position {}: {}", file_->path(), next_position_, view.status().message()));
  }
  next_position_ += size;
  return std::optional<RecordBatchView>(*view);
}

}  // namespace brook::broker::log
