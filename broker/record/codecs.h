#pragma once

// Internal to broker/record: one compressor and decompressor per codec, and the bounded output
// buffer the decompressors share. Callers use compression.h.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace brook::broker::record::codec {

// A growing output buffer for at most `max_bytes` of output. It can hold one byte more than that,
// so a decompressor that fills it learns that the data is over the limit (over_max()) without
// having to guess whether more output would follow. Decompressors write at write_ptr(), up to
// available() bytes, then Commit() what they wrote.
// Thread safety: not thread-safe.
class BoundedOutput {
 public:
  BoundedOutput(size_t max_bytes, size_t size_hint);

  uint8_t* write_ptr() { return buffer_.data() + used_; }
  size_t available() const { return buffer_.size() - used_; }
  size_t used() const { return used_; }
  void Commit(size_t n) { used_ += n; }
  bool over_max() const { return used_ > max_; }
  // Makes available() non-zero. Returns false when the buffer already holds max_bytes + 1.
  bool Grow();
  // Ensures room for `n` more bytes; false when used() + n would pass max_bytes.
  bool Reserve(size_t n);
  // The bytes written so far; leaves the buffer empty.
  Bytes Take();

 private:
  Bytes buffer_;
  size_t used_ = 0;
  size_t max_;
  size_t limit_;  // max_ + 1, saturating
};

// The kCorruption status every decompressor returns for output over the limit.
Status OutputTooLarge(std::string_view codec_name, size_t limit);

Result<Bytes> GzipCompress(ByteView data);
Result<Bytes> GzipDecompress(ByteView data, size_t max_output_bytes);
Result<Bytes> SnappyCompress(ByteView data);
Result<Bytes> SnappyDecompress(ByteView data, size_t max_output_bytes);
Result<Bytes> Lz4Compress(ByteView data);
Result<Bytes> Lz4Decompress(ByteView data, size_t max_output_bytes);
Result<Bytes> ZstdCompress(ByteView data);
Result<Bytes> ZstdDecompress(ByteView data, size_t max_output_bytes);

}  // namespace brook::broker::record::codec
