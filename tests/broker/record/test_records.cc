#include "tests/broker/record/test_records.h"

#include <cassert>

#include "broker/record/compression.h"
#include "common/crc32c.h"

namespace brook::broker::record::testing {

Bytes FromHex(std::string_view hex) {
  auto nibble = [](char c) -> uint8_t {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
    assert(c >= 'A' && c <= 'F');
    return static_cast<uint8_t>(c - 'A' + 10);
  };
  Bytes out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n') continue;
    if (high < 0) {
      high = nibble(c);
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | nibble(c)));
      high = -1;
    }
  }
  assert(high < 0);
  return out;
}

Bytes RandomBytes(std::mt19937_64& rng, size_t size, bool compressible) {
  Bytes out(size);
  for (uint8_t& b : out) b = static_cast<uint8_t>(compressible ? 'a' + rng() % 4 : rng());
  return out;
}

std::vector<Record> RandomRecords(std::mt19937_64& rng, size_t count, size_t max_value_size) {
  std::vector<Record> records;
  for (size_t i = 0; i < count; ++i) {
    Record record;
    record.timestamp = 1'700'000'000'000 + static_cast<int64_t>(rng() % 100'000) - 50'000;
    if (rng() % 5 != 0) record.key = RandomBytes(rng, rng() % 20);
    if (rng() % 5 != 0) {
      size_t size = rng() % 10 == 0 ? rng() % (max_value_size + 1) : rng() % 100;
      record.value = RandomBytes(rng, size, rng() % 2 == 0);
    }
    size_t header_count = rng() % 4;
    for (size_t h = 0; h < header_count; ++h) {
      RecordHeader header;
      header.key = "h" + std::to_string(rng() % 1000);
      if (rng() % 5 != 0) header.value = RandomBytes(rng, rng() % 10);
      record.headers.push_back(std::move(header));
    }
    records.push_back(std::move(record));
  }
  return records;
}

Bytes MakeBatch(ByteView records, int32_t record_count, int32_t last_offset_delta,
                Compression codec) {
  Bytes batch(kBatchHeaderSize);
  Bytes body = std::move(Compress(codec, records)).value();
  AppendBytes(batch, body);
  uint8_t* p = batch.data();
  StoreBigEndian<int64_t>(p + kBaseOffsetOffset, 0);
  StoreBigEndian<int32_t>(p + kLengthOffset, static_cast<int32_t>(batch.size() - kLogOverhead));
  StoreBigEndian<int32_t>(p + kPartitionLeaderEpochOffset, -1);
  p[kMagicOffset] = static_cast<uint8_t>(kMagicV2);
  StoreBigEndian<int16_t>(p + kAttributesOffset, static_cast<int16_t>(codec));
  StoreBigEndian<int32_t>(p + kLastOffsetDeltaOffset, last_offset_delta);
  StoreBigEndian<int64_t>(p + kBaseTimestampOffset, 1000);
  StoreBigEndian<int64_t>(p + kMaxTimestampOffset, 1000);
  StoreBigEndian<int64_t>(p + kProducerIdOffset, kNoProducerId);
  StoreBigEndian<int16_t>(p + kProducerEpochOffset, kNoProducerEpoch);
  StoreBigEndian<int32_t>(p + kBaseSequenceOffset, kNoSequence);
  StoreBigEndian<int32_t>(p + kRecordCountOffset, record_count);
  FixCrc(batch);
  return batch;
}

void FixCrc(Bytes& batch) {
  StoreBigEndian<uint32_t>(batch.data() + kCrcOffset,
                           crc32c::Value(batch.data() + kCrcStart, batch.size() - kCrcStart));
}

}  // namespace brook::broker::record::testing
