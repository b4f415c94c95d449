// lz4 for record batches: the LZ4 frame format (not raw lz4 blocks). Kafka's Java client writes
// 64 KiB independent blocks without content size or checksums; librdkafka uses LZ4F defaults.
// Frames written by either are read by LZ4F_decompress.

#include <lz4frame.h>

#include <memory>

#include <fmt/format.h>

#include "broker/record/codecs.h"

namespace brook::broker::record::codec {
namespace {

struct DecompressionContextDeleter {
  void operator()(LZ4F_dctx* context) const { LZ4F_freeDecompressionContext(context); }
};

}  // namespace

Result<Bytes> Lz4Compress(ByteView data) {
  LZ4F_preferences_t preferences = LZ4F_INIT_PREFERENCES;
  preferences.frameInfo.blockSizeID = LZ4F_max64KB;
  preferences.frameInfo.blockMode = LZ4F_blockIndependent;
  Bytes out(LZ4F_compressFrameBound(data.size(), &preferences));
  size_t n = LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), &preferences);
  if (LZ4F_isError(n)) {
    return Status::Internal(fmt::format("lz4: compression failed: {}", LZ4F_getErrorName(n)));
  }
  out.resize(n);
  return out;
}

Result<Bytes> Lz4Decompress(ByteView data, size_t max_output_bytes) {
  LZ4F_dctx* raw_context = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw_context, LZ4F_VERSION))) {
    return Status::Internal("lz4: cannot create a decompression context");
  }
  std::unique_ptr<LZ4F_dctx, DecompressionContextDeleter> context(raw_context);
  BoundedOutput out(max_output_bytes, data.size() * 4);
  size_t at = 0;
  for (;;) {
    if (!out.Grow()) return OutputTooLarge("lz4", max_output_bytes);
    size_t written = out.available();
    size_t consumed = data.size() - at;
    size_t hint = LZ4F_decompress(context.get(), out.write_ptr(), &written, data.data() + at,
                                  &consumed, nullptr);
    if (LZ4F_isError(hint)) {
      return Status::Corruption(
          fmt::format("lz4 frame malformed near input byte {}: {}", at, LZ4F_getErrorName(hint)));
    }
    at += consumed;
    out.Commit(written);
    if (hint == 0 && at == data.size()) break;  // a frame ended with the input
    if (hint != 0 && at == data.size() && written == 0) {
      return Status::Corruption(
          fmt::format("lz4 frame truncated after {} input bytes", data.size()));
    }
  }
  if (out.over_max()) return OutputTooLarge("lz4", max_output_bytes);
  return out.Take();
}

}  // namespace brook::broker::record::codec
