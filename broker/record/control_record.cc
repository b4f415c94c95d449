#include "broker/record/control_record.h"

#include <array>

#include <fmt/format.h>

#include "broker/record/batch_builder.h"

namespace brook::broker::record {
namespace {

constexpr int16_t kControlKeyVersion = 0;
constexpr int16_t kControlValueVersion = 0;

}  // namespace

Bytes BuildControlBatch(ControlType type, ProducerId producer_id, ProducerEpoch producer_epoch,
                        int32_t coordinator_epoch, Offset base_offset, int64_t timestamp_ms,
                        int32_t partition_leader_epoch) {
  BatchBuilderOptions options;
  options.base_offset = base_offset;
  options.partition_leader_epoch = partition_leader_epoch;
  options.producer_id = producer_id;
  options.producer_epoch = producer_epoch;
  options.base_sequence = kNoSequence;
  options.transactional = true;
  options.control = true;
  RecordBatchBuilder builder(options);

  std::array<uint8_t, kControlKeySize> key{};
  StoreBigEndian<int16_t>(key.data(), kControlKeyVersion);
  StoreBigEndian<int16_t>(key.data() + 2, static_cast<int16_t>(type));
  std::array<uint8_t, kControlValueSize> value{};
  StoreBigEndian<int16_t>(value.data(), kControlValueVersion);
  StoreBigEndian<int32_t>(value.data() + 2, coordinator_epoch);
  builder.Add(timestamp_ms, ByteView(key), ByteView(value));
  // Cannot fail: no compression and no explicit LastOffsetDelta.
  return std::move(builder.Build()).value();
}

Result<ControlRecord> ParseControlRecord(const RecordView& record) {
  if (!record.key.has_value()) {
    return Status::Corruption(
        fmt::format("control record at offset {} has a null key", record.offset));
  }
  if (record.key->size() != kControlKeySize) {
    return Status::Corruption(fmt::format("control record at offset {} has a {}-byte key, not {}",
                                          record.offset, record.key->size(), kControlKeySize));
  }
  ControlRecord control;
  control.version = LoadBigEndian<int16_t>(record.key->data());
  control.type = static_cast<ControlType>(LoadBigEndian<int16_t>(record.key->data() + 2));
  if (control.type != ControlType::kAbort && control.type != ControlType::kCommit) {
    return control;
  }
  if (!record.value.has_value() || record.value->size() < kControlValueSize) {
    return Status::Corruption(fmt::format(
        "transaction marker at offset {} has a value of {} bytes, needs {}", record.offset,
        record.value.has_value() ? static_cast<int64_t>(record.value->size()) : -1,
        kControlValueSize));
  }
  control.value_version = LoadBigEndian<int16_t>(record.value->data());
  control.coordinator_epoch = LoadBigEndian<int32_t>(record.value->data() + 2);
  return control;
}

}  // namespace brook::broker::record
