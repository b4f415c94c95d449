#pragma once

// Compression codecs of record batch v2: the Records blob of a batch whose attribute codec bits
// are non-zero is one compressed stream in the format the Kafka clients write. Long form:
// docs/formats/record-batch.md.
//
// Thread safety: pure functions; safe to call from any thread.

#include <cstddef>
#include <string_view>

#include "broker/record/batch_format.h"
#include "common/bytes.h"
#include "common/result.h"

namespace brook::broker::record {

// Name of a codec for messages ("gzip", "snappy", ...); "unknown" for values outside the enum.
std::string_view CompressionName(Compression codec);

// Compresses `data` the way Kafka's Java client does:
//   kNone   a copy of `data`
//   kGzip   a gzip stream (RFC 1952)
//   kSnappy snappy-java ("xerial") framing of 32 KiB snappy blocks
//   kLz4    one LZ4 frame, 64 KiB independent blocks, no checksums
//   kZstd   one zstd frame
// Errors: kInvalidArgument for a codec value outside the enum; kInternal if a library fails.
Result<Bytes> Compress(Compression codec, ByteView data);

// Decompresses `data` written by any Kafka client. gzip also accepts zlib streams and
// concatenated gzip members; snappy accepts both raw snappy (librdkafka) and xerial framing
// (Java client); lz4 and zstd accept one or more concatenated frames.
// Never allocates more than about `max_output_bytes` for the output (plus the codec's own bounded
// working memory).
// Errors: kCorruption when the output would exceed `max_output_bytes` (a decompression bomb) or
// the input is malformed or truncated; kInvalidArgument for a codec value outside the enum.
Result<Bytes> Decompress(Compression codec, ByteView data, size_t max_output_bytes);

}  // namespace brook::broker::record
