#pragma once

// Byte layout of a Kafka record batch, magic 2 (on disk == on the wire). Shared by the parser,
// the builder and the log. Long form: docs/formats/record-batch.md.
//
//   offset size field
//        0    8 BaseOffset            assigned by the log; outside the CRC
//        8    4 Length                bytes after this field (batch size - 12)
//       12    4 PartitionLeaderEpoch  set by the broker; outside the CRC
//       16    1 Magic                 2
//       17    4 CRC                   CRC-32C of bytes [21, end)
//       21    2 Attributes            see kAttribute* below
//       23    4 LastOffsetDelta
//       27    8 BaseTimestamp
//       35    8 MaxTimestamp
//       43    8 ProducerId            -1 when not idempotent
//       51    2 ProducerEpoch         -1 when not idempotent
//       53    4 BaseSequence          -1 when not idempotent
//       57    4 RecordCount
//       61    . Records               one blob, compressed when the codec bits are non-zero
//
// A record inside Records (all integers zigzag varints unless said):
//   Length varint, Attributes int8 (unused, 0), TimestampDelta varlong, OffsetDelta varint,
//   KeyLength varint (-1 = null) + key, ValueLength varint (-1 = null) + value,
//   HeaderCount varint, then per header: KeyLength varint + UTF-8 key,
//   ValueLength varint (-1 = null) + value.

#include <cstddef>
#include <cstdint>

namespace brook::broker::record {

inline constexpr size_t kBaseOffsetOffset = 0;
inline constexpr size_t kLengthOffset = 8;
inline constexpr size_t kPartitionLeaderEpochOffset = 12;
inline constexpr size_t kMagicOffset = 16;
inline constexpr size_t kCrcOffset = 17;
inline constexpr size_t kAttributesOffset = 21;
inline constexpr size_t kLastOffsetDeltaOffset = 23;
inline constexpr size_t kBaseTimestampOffset = 27;
inline constexpr size_t kMaxTimestampOffset = 35;
inline constexpr size_t kProducerIdOffset = 43;
inline constexpr size_t kProducerEpochOffset = 51;
inline constexpr size_t kBaseSequenceOffset = 53;
inline constexpr size_t kRecordCountOffset = 57;
inline constexpr size_t kRecordsOffset = 61;

// BaseOffset + Length: the bytes outside Length's count (Kafka's LOG_OVERHEAD).
inline constexpr size_t kLogOverhead = 12;
// The fixed header before Records (Kafka's RECORD_BATCH_OVERHEAD).
inline constexpr size_t kBatchHeaderSize = 61;
// The CRC covers [kAttributesOffset, end).
inline constexpr size_t kCrcStart = kAttributesOffset;

inline constexpr int8_t kMagicV2 = 2;

inline constexpr int16_t kAttributeCompressionMask = 0x07;
inline constexpr int16_t kAttributeLogAppendTime = 0x08;
inline constexpr int16_t kAttributeTransactional = 0x10;
inline constexpr int16_t kAttributeControl = 0x20;
inline constexpr int16_t kAttributeDeleteHorizon = 0x40;

inline constexpr int64_t kNoProducerId = -1;
inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int32_t kNoSequence = -1;
inline constexpr int64_t kNoTimestamp = -1;

enum class Compression : uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };
enum class TimestampType : uint8_t { kCreateTime = 0, kLogAppendTime = 1 };

// Control record key: int16 version (0), int16 type. Value: int16 version (0),
// int32 coordinator epoch.
enum class ControlType : int16_t { kAbort = 0, kCommit = 1 };
inline constexpr size_t kControlKeySize = 4;
inline constexpr size_t kControlValueSize = 6;

}  // namespace brook::broker::record
