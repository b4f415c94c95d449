// snappy for record batches. Two framings exist in the wild:
//  - raw snappy: one snappy block for the whole Records blob (librdkafka writes this);
//  - xerial (snappy-java's SnappyOutputStream, written by Kafka's Java client): an 8-byte magic
//    0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, int32 version, int32 compatible version, then blocks of
//    [int32 big-endian compressed size][raw snappy block], each block at most 32 KiB uncompressed.
// Readers accept both (librdkafka and Kafka detect the magic); we write xerial like Java.

#include <snappy.h>

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "broker/record/codecs.h"

namespace brook::broker::record::codec {
namespace {

constexpr std::array<uint8_t, 8> kXerialMagic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0x00};
constexpr int32_t kXerialVersion = 1;
constexpr int32_t kXerialCompatibleVersion = 1;
constexpr size_t kXerialHeaderSize = kXerialMagic.size() + 8;
constexpr size_t kXerialBlockSize = 32 * 1024;  // snappy-java's default

bool HasXerialMagic(ByteView data) {
  return data.size() >= kXerialHeaderSize &&
         std::equal(kXerialMagic.begin(), kXerialMagic.end(), data.begin());
}

// Decompresses one raw snappy block, appending to `out`. `where` names the block in messages.
Status AppendRawBlock(ByteView block, BoundedOutput& out, size_t max_output_bytes,
                      std::string_view where) {
  const char* src = reinterpret_cast<const char*>(block.data());
  size_t length = 0;
  if (!snappy::GetUncompressedLength(src, block.size(), &length)) {
    return Status::Corruption(fmt::format("snappy {} has a malformed length header", where));
  }
  if (!out.Reserve(length)) return OutputTooLarge("snappy", max_output_bytes);
  if (!snappy::RawUncompress(src, block.size(), reinterpret_cast<char*>(out.write_ptr()))) {
    return Status::Corruption(fmt::format("snappy {} is malformed", where));
  }
  out.Commit(length);
  return Status::Ok();
}

}  // namespace

Result<Bytes> SnappyCompress(ByteView data) {
  Bytes out;
  out.reserve(kXerialHeaderSize + snappy::MaxCompressedLength(data.size()) + 64);
  out.insert(out.end(), kXerialMagic.begin(), kXerialMagic.end());
  AppendBigEndian<int32_t>(out, kXerialVersion);
  AppendBigEndian<int32_t>(out, kXerialCompatibleVersion);
  for (size_t at = 0; at < data.size(); at += kXerialBlockSize) {
    size_t n = std::min(kXerialBlockSize, data.size() - at);
    size_t size_at = out.size();
    AppendBigEndian<int32_t>(out, 0);
    size_t block_at = out.size();
    out.resize(block_at + snappy::MaxCompressedLength(n));
    size_t compressed = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(data.data() + at), n,
                        reinterpret_cast<char*>(out.data() + block_at), &compressed);
    out.resize(block_at + compressed);
    StoreBigEndian<int32_t>(out.data() + size_at, static_cast<int32_t>(compressed));
  }
  return out;
}

Result<Bytes> SnappyDecompress(ByteView data, size_t max_output_bytes) {
  BoundedOutput out(max_output_bytes, 0);
  if (!HasXerialMagic(data)) {
    BROOK_RETURN_IF_ERROR(AppendRawBlock(data, out, max_output_bytes, "block"));
    return out.Take();
  }
  size_t at = kXerialHeaderSize;
  while (at < data.size()) {
    if (data.size() - at < 4) {
      return Status::Corruption(
          fmt::format("snappy (xerial) block size at byte {} is truncated", at));
    }
    int32_t size = LoadBigEndian<int32_t>(data.data() + at);
    if (size < 0 || static_cast<size_t>(size) > data.size() - at - 4) {
      return Status::Corruption(
          fmt::format("snappy (xerial) block at byte {} claims {} bytes, {} remain", at, size,
                      data.size() - at - 4));
    }
    std::string where = fmt::format("(xerial) block at byte {}", at);
    BROOK_RETURN_IF_ERROR(AppendRawBlock(data.subspan(at + 4, static_cast<size_t>(size)), out,
                                         max_output_bytes, where));
    at += 4 + static_cast<size_t>(size);
  }
  return out.Take();
}

}  // namespace brook::broker::record::codec
