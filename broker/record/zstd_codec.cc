// zstd for record batches: one standard zstd frame. Writers may leave out the content size
// (streaming compressors do), so decompression streams into a bounded buffer instead of trusting
// a size from the frame header.

#include <zstd.h>

#include <memory>

#include <fmt/format.h>

#include "broker/record/codecs.h"

namespace brook::broker::record::codec {
namespace {

struct DecompressionContextDeleter {
  void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

// Kafka's default zstd level.
constexpr int kCompressionLevel = 3;
// zstd's default decoder window limit (2^27 = 128 MiB, ZSTD_WINDOWLOG_LIMIT_DEFAULT, which
// zstd.h only exposes to static linking); bounds the decoder's own memory.
constexpr int kWindowLogMax = 27;

}  // namespace

Result<Bytes> ZstdCompress(ByteView data) {
  Bytes out(ZSTD_compressBound(data.size()));
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), kCompressionLevel);
  if (ZSTD_isError(n)) {
    return Status::Internal(fmt::format("zstd: compression failed: {}", ZSTD_getErrorName(n)));
  }
  out.resize(n);
  return out;
}

Result<Bytes> ZstdDecompress(ByteView data, size_t max_output_bytes) {
  std::unique_ptr<ZSTD_DCtx, DecompressionContextDeleter> context(ZSTD_createDCtx());
  if (context == nullptr) return Status::Internal("zstd: cannot create a decompression context");
  ZSTD_DCtx_setParameter(context.get(), ZSTD_d_windowLogMax, kWindowLogMax);
  BoundedOutput out(max_output_bytes, data.size() * 4);
  ZSTD_inBuffer input{data.data(), data.size(), 0};
  for (;;) {
    if (!out.Grow()) return OutputTooLarge("zstd", max_output_bytes);
    ZSTD_outBuffer output{out.write_ptr(), out.available(), 0};
    size_t consumed_before = input.pos;
    size_t hint = ZSTD_decompressStream(context.get(), &output, &input);
    if (ZSTD_isError(hint)) {
      return Status::Corruption(fmt::format("zstd frame malformed near input byte {}: {}",
                                            input.pos, ZSTD_getErrorName(hint)));
    }
    out.Commit(output.pos);
    if (hint == 0 && input.pos == input.size) break;  // a frame ended with the input
    bool progress = output.pos > 0 || input.pos > consumed_before;
    if (input.pos == input.size && !progress) {
      return Status::Corruption(
          fmt::format("zstd frame truncated after {} input bytes", data.size()));
    }
  }
  if (out.over_max()) return OutputTooLarge("zstd", max_output_bytes);
  return out.Take();
}

}  // namespace brook::broker::record::codec
