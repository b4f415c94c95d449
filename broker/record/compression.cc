#include "broker/record/compression.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "broker/record/codecs.h"

namespace brook::broker::record {

namespace codec {

BoundedOutput::BoundedOutput(size_t max_bytes, size_t size_hint)
    : max_(max_bytes), limit_(max_bytes == SIZE_MAX ? SIZE_MAX : max_bytes + 1) {
  buffer_.resize(std::min(limit_, std::max<size_t>(size_hint, 256)));
}

bool BoundedOutput::Grow() {
  if (available() > 0) return true;
  if (buffer_.size() >= limit_) return false;
  size_t doubled = buffer_.size() > limit_ / 2 ? limit_ : std::max<size_t>(buffer_.size() * 2, 256);
  buffer_.resize(std::min(doubled, limit_));
  return true;
}

bool BoundedOutput::Reserve(size_t n) {
  if (used_ > max_ || n > max_ - used_) return false;
  if (available() < n) buffer_.resize(used_ + n);
  return true;
}

Bytes BoundedOutput::Take() {
  buffer_.resize(used_);
  used_ = 0;
  return std::move(buffer_);
}

Status OutputTooLarge(std::string_view codec_name, size_t limit) {
  return Status::Corruption(
      fmt::format("{} data decompresses to more than the limit of {} bytes", codec_name, limit));
}

}  // namespace codec

std::string_view CompressionName(Compression codec) {
  switch (codec) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kLz4:
      return "lz4";
    case Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

Result<Bytes> Compress(Compression codec, ByteView data) {
  switch (codec) {
    case Compression::kNone:
      return Bytes(data.begin(), data.end());
    case Compression::kGzip:
      return codec::GzipCompress(data);
    case Compression::kSnappy:
      return codec::SnappyCompress(data);
    case Compression::kLz4:
      return codec::Lz4Compress(data);
    case Compression::kZstd:
      return codec::ZstdCompress(data);
  }
  return Status::InvalidArgument(
      fmt::format("unknown compression codec {}", static_cast<int>(codec)));
}

Result<Bytes> Decompress(Compression codec, ByteView data, size_t max_output_bytes) {
  switch (codec) {
    case Compression::kNone:
      if (data.size() > max_output_bytes) return codec::OutputTooLarge("none", max_output_bytes);
      return Bytes(data.begin(), data.end());
    case Compression::kGzip:
      return codec::GzipDecompress(data, max_output_bytes);
    case Compression::kSnappy:
      return codec::SnappyDecompress(data, max_output_bytes);
    case Compression::kLz4:
      return codec::Lz4Decompress(data, max_output_bytes);
    case Compression::kZstd:
      return codec::ZstdDecompress(data, max_output_bytes);
  }
  return Status::InvalidArgument(
      fmt::format("unknown compression codec {}", static_cast<int>(codec)));
}

}  // namespace brook::broker::record
