#pragma once

// Control batches: the transaction markers (COMMIT / ABORT) the transaction coordinator writes
// into each partition a transaction touched. Layout in docs/formats/record-batch.md.

#include <cstdint>

#include "broker/record/batch_format.h"
#include "broker/record/record.h"
#include "common/bytes.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::record {

// Total size of a marker batch: the header plus one 17-byte record.
inline constexpr size_t kControlBatchSize = 78;

// The contents of one control record.
struct ControlRecord {
  int16_t version = 0;  // key version; 0 is the only one defined
  // As stored: values other than kAbort / kCommit are KRaft-internal types (2-6) or unknown ones;
  // readers skip them.
  ControlType type = ControlType::kAbort;
  // From the value, for kAbort / kCommit only; -1 for other types.
  int16_t value_version = -1;
  int32_t coordinator_epoch = -1;
};

// Writes a transaction marker exactly as Kafka does: attributes 0x30 (transactional | control,
// no compression, CreateTime), BaseSequence -1, LastOffsetDelta 0, RecordCount 1, timestamps
// `timestamp_ms`, and one record (offset delta 0) with key [int16 0, int16 type] and value
// [int16 0, int32 coordinator_epoch]. `partition_leader_epoch` is outside the CRC; the log may
// overwrite it.
Bytes BuildControlBatch(ControlType type, ProducerId producer_id, ProducerEpoch producer_epoch,
                        int32_t coordinator_epoch, Offset base_offset, int64_t timestamp_ms,
                        int32_t partition_leader_epoch = 0);

// Reads a record of a control batch.
// Errors (kCorruption): a null key or a key other than 4 bytes; for kAbort / kCommit, a value
// shorter than 6 bytes.
Result<ControlRecord> ParseControlRecord(const RecordView& record);

}  // namespace brook::broker::record
