#pragma once

// The checks Kafka makes on a record batch a client produced, before the log assigns offsets
// (Kafka's UnifiedLog.analyzeAndValidateRecords and LogValidator). Handlers map the Status codes
// to wire errors: kTooLarge -> MESSAGE_TOO_LARGE, kCorruption -> CORRUPT_MESSAGE,
// kInvalidArgument -> INVALID_RECORD. The request-level rule "zstd needs Produce v7+" and
// timestamp bounds are the handler's job.

#include <cstddef>

#include "broker/record/record.h"
#include "common/bytes.h"
#include "common/status.h"

namespace brook::broker::record {

struct ValidationOptions {
  // The topic's max.message.bytes: the largest batch accepted. Default: 1048588 (Kafka's).
  size_t max_message_bytes = 1048588;
  // The topic is compacted (cleanup.policy contains "compact"): every record needs a key, so
  // the records are decoded. Default: false.
  bool compacted = false;
  // Decode (and decompress) the records even when not compacted, checking their structure.
  // When false and not compacted, a compressed batch is checked by its header only and can be
  // stored as sent. Default: false.
  bool decode_records = false;
  // Limit for the decompressed Records of one batch when decoding. Default: 64 MiB.
  size_t max_decompressed_bytes = DecodedBatch::kDefaultMaxDecompressedBytes;
};

// Checks that `data` (the records field of one partition in a Produce request) is exactly one
// valid magic-2 batch a client may send. The first failing rule decides the result:
//   kInvalidArgument  magic other than 2 / more or fewer than one batch in `data`
//   kCorruption       truncated batch or header shorter than 61 bytes
//   kTooLarge         batch larger than max_message_bytes
//   kCorruption       CRC mismatch
//   kInvalidArgument  unknown codec, BaseOffset != 0, control batch, RecordCount <= 0,
//                     LastOffsetDelta + 1 != RecordCount, ProducerId set with BaseSequence < 0
//   kCorruption       (when decoding) malformed records
//   kInvalidArgument  (compacted) a record with a null key
// Messages name the rule and the values involved.
// Thread safety: a pure function.
Status ValidateProducedBatch(ByteView data, const ValidationOptions& options);

}  // namespace brook::broker::record
