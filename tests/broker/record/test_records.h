#pragma once

// Helpers shared by the broker/record tests: random records, hex parsing, hand-made batches.

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "broker/record/batch_builder.h"
#include "broker/record/batch_format.h"
#include "common/bytes.h"

namespace brook::broker::record::testing {

inline constexpr Compression kAllCodecs[] = {Compression::kNone, Compression::kGzip,
                                             Compression::kSnappy, Compression::kLz4,
                                             Compression::kZstd};

// "0a1b" -> {0x0a, 0x1b}. Spaces are skipped.
Bytes FromHex(std::string_view hex);

// Random bytes of `size`, drawn from a small alphabet when `compressible`.
Bytes RandomBytes(std::mt19937_64& rng, size_t size, bool compressible = false);

// Random records: about one in five keys, values and header values null, 0-3 headers, a few
// large (up to `max_value_size` bytes) values, timestamps around 1.7e12 in any order.
std::vector<Record> RandomRecords(std::mt19937_64& rng, size_t count, size_t max_value_size);

// A batch around already-encoded `records` bytes (compressed as `codec`), with the given header
// counts and a correct CRC. Base offset 0, timestamps 1000, no producer.
Bytes MakeBatch(ByteView records, int32_t record_count, int32_t last_offset_delta,
                Compression codec = Compression::kNone);

// Recomputes the CRC of the batch in `batch` after a test edited it.
void FixCrc(Bytes& batch);

}  // namespace brook::broker::record::testing
