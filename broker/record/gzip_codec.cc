// gzip for record batches: Kafka's Java client writes a GZIPOutputStream, librdkafka a zlib
// deflate stream with the gzip wrapper (windowBits 15 + 16). Both are RFC 1952 gzip.

#include <zlib.h>

#include <algorithm>

#include <fmt/format.h>

#include "broker/record/codecs.h"

namespace brook::broker::record::codec {
namespace {

constexpr int kGzipWindowBits = 15 + 16;        // 32 KiB window, gzip wrapper
constexpr int kAutoDetectWindowBits = 15 + 32;  // accept gzip or zlib wrappers
constexpr int kMemLevel = 8;

// zlib counts in uInt; feed it at most this much per call.
constexpr size_t kMaxChunk = 1u << 30;

uInt Chunk(size_t n) { return static_cast<uInt>(std::min(n, kMaxChunk)); }

}  // namespace

Result<Bytes> GzipCompress(ByteView data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, kMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Internal("gzip: deflateInit2 failed");
  }
  Bytes out(deflateBound(&stream, static_cast<uLong>(data.size())) + 64);
  stream.next_in = const_cast<Bytef*>(data.data());
  size_t in_left = data.size();
  size_t produced = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (produced == out.size()) out.resize(out.size() * 2);
    stream.avail_in = Chunk(in_left);
    stream.next_out = out.data() + produced;
    stream.avail_out = Chunk(out.size() - produced);
    uInt in_before = stream.avail_in;
    uInt out_before = stream.avail_out;
    rc = deflate(&stream, stream.avail_in == in_left ? Z_FINISH : Z_NO_FLUSH);
    in_left -= in_before - stream.avail_in;
    produced += out_before - stream.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      deflateEnd(&stream);
      return Status::Internal(fmt::format("gzip: deflate failed with code {}", rc));
    }
  }
  deflateEnd(&stream);
  out.resize(produced);
  return out;
}

Result<Bytes> GzipDecompress(ByteView data, size_t max_output_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, kAutoDetectWindowBits) != Z_OK) {
    return Status::Internal("gzip: inflateInit2 failed");
  }
  BoundedOutput out(max_output_bytes, data.size() * 4);
  const uint8_t* in = data.data();
  size_t in_left = data.size();
  bool finished = false;
  Status status;
  while (status.ok()) {
    if (finished) {
      if (in_left == 0) break;
      // Another gzip member follows (GZIPInputStream reads concatenated members too).
      finished = false;
      inflateReset(&stream);
    }
    if (!out.Grow()) {
      status = OutputTooLarge("gzip", max_output_bytes);
      break;
    }
    stream.next_in = const_cast<Bytef*>(in);
    stream.avail_in = Chunk(in_left);
    stream.next_out = out.write_ptr();
    stream.avail_out = Chunk(out.available());
    uInt in_before = stream.avail_in;
    uInt out_before = stream.avail_out;
    int rc = inflate(&stream, Z_NO_FLUSH);
    size_t consumed = in_before - stream.avail_in;
    size_t written = out_before - stream.avail_out;
    in += consumed;
    in_left -= consumed;
    out.Commit(written);
    if (rc == Z_STREAM_END) {
      finished = true;
    } else if (rc == Z_BUF_ERROR && in_left == 0) {
      status = Status::Corruption(
          fmt::format("gzip data truncated after {} input bytes", data.size() - in_left));
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      status = Status::Corruption(
          fmt::format("gzip data malformed at input byte {}: {}", data.size() - in_left,
                      stream.msg != nullptr ? stream.msg : "inflate error"));
    } else if (consumed == 0 && written == 0 && stream.avail_out > 0) {
      status = Status::Corruption(
          fmt::format("gzip data truncated after {} input bytes", data.size() - in_left));
    }
  }
  inflateEnd(&stream);
  if (!status.ok()) return status;
  if (out.over_max()) return OutputTooLarge("gzip", max_output_bytes);
  return out.Take();
}

}  // namespace brook::broker::record::codec
