#include "broker/log/producer_state.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "broker/log/segment.h"
#include "broker/record/control_record.h"
#include "broker/record/record.h"
#include "common/crc32c.h"

namespace brook::broker::log {
namespace {

using record::RecordBatchView;

// Snapshot layout (long form: docs/formats/producer-snapshot.md), big-endian:
//   int16  version             kSnapshotVersion
//   uint32 crc                 CRC-32C of every byte after this field
//   int32  producer count
//   per producer (kSnapshotProducerSize bytes, then its batches):
//     int64 producer id, int16 epoch, int32 coordinator epoch, int64 last timestamp,
//     int64 txn first offset (-1 = none), int32 batch count (0..kProducerBatchesRetained)
//     per batch, oldest first (kSnapshotBatchSize bytes):
//       int32 first seq, int32 last seq, int64 first offset, int64 last offset,
//       int64 max timestamp
// Reader and writer are both in this file, so the layout lives here rather than in a
// *_format.h.
constexpr int16_t kSnapshotVersion = 1;
constexpr size_t kSnapshotCrcPosition = 2;
constexpr size_t kSnapshotCrcEnd = 6;  // the CRC covers [kSnapshotCrcEnd, end)
constexpr size_t kSnapshotHeaderSize = 10;
constexpr size_t kSnapshotProducerSize = 34;
constexpr size_t kSnapshotBatchSize = 32;

// Kafka's DefaultRecordBatch.lastSequence: base + LastOffsetDelta, wrapping from INT32_MAX to 0.
int32_t LastSequence(const RecordBatchView& batch) {
  int32_t base = batch.base_sequence();
  if (base < 0) return record::kNoSequence;
  int64_t last = static_cast<int64_t>(base) + batch.last_offset_delta();
  if (last > INT32_MAX) last -= int64_t{1} << 31;
  return static_cast<int32_t>(last);
}

// Kafka's ProducerAppendInfo.inSequence.
bool InSequence(int32_t last_seq, int32_t next_seq) {
  return next_seq == static_cast<int64_t>(last_seq) + 1 || (next_seq == 0 && last_seq == INT32_MAX);
}

ProducerCheckResult Reject(ProducerCheck check, std::string message) {
  return {check, std::nullopt, std::move(message)};
}

// The COMMIT or ABORT record of a marker batch; nullopt for an emptied batch (the cleaner keeps
// a producer's last batch without its records) and for other control types.
struct Marker {
  bool abort = false;
  int32_t coordinator_epoch = -1;
  int64_t timestamp = -1;
};

Result<std::optional<Marker>> ReadMarker(const RecordBatchView& batch) {
  auto decoded = record::DecodedBatch::Decode(batch);
  if (!decoded.ok()) return decoded.status();
  if (decoded->records().empty()) return std::optional<Marker>();
  const record::RecordView& first = decoded->records().front();
  auto control = record::ParseControlRecord(first);
  if (!control.ok()) return control.status();
  if (control->version != 0 || (control->type != record::ControlType::kAbort &&
                                control->type != record::ControlType::kCommit)) {
    return std::optional<Marker>();
  }
  return std::optional<Marker>(Marker{control->type == record::ControlType::kAbort,
                                      control->coordinator_epoch, first.timestamp});
}

void AppendEntry(Bytes& out, const ProducerEntry& entry) {
  AppendBigEndian<int64_t>(out, entry.producer_id.value());
  AppendBigEndian<int16_t>(out, entry.epoch.value());
  AppendBigEndian<int32_t>(out, entry.coordinator_epoch);
  AppendBigEndian<int64_t>(out, entry.last_timestamp);
  AppendBigEndian<int64_t>(out, entry.txn_first_offset ? entry.txn_first_offset->value() : -1);
  AppendBigEndian<int32_t>(out, static_cast<int32_t>(entry.batches.size()));
  for (const ProducerBatch& batch : entry.batches) {
    AppendBigEndian<int32_t>(out, batch.first_seq);
    AppendBigEndian<int32_t>(out, batch.last_seq);
    AppendBigEndian<int64_t>(out, batch.first_offset.value());
    AppendBigEndian<int64_t>(out, batch.last_offset.value());
    AppendBigEndian<int64_t>(out, batch.max_timestamp);
  }
}

// Reads big-endian fields front to back. The caller checks remaining() before reading.
class FieldReader {
 public:
  explicit FieldReader(ByteView data) : data_(data) {}
  size_t position() const { return position_; }
  size_t remaining() const { return data_.size() - position_; }
  template <typename T>
  T Read() {
    T value = LoadBigEndian<T>(data_.data() + position_);
    position_ += sizeof(T);
    return value;
  }

 private:
  ByteView data_;
  size_t position_ = 0;
};

// Parses a whole snapshot file. Corruption (without the path) when it is damaged.
Result<std::map<int64_t, ProducerEntry>> DecodeSnapshot(ByteView data) {
  if (data.size() < kSnapshotHeaderSize) {
    return Status::Corruption(
        fmt::format("{} bytes, shorter than the {}-byte header", data.size(), kSnapshotHeaderSize));
  }
  FieldReader in(data);
  int16_t version = in.Read<int16_t>();
  if (version != kSnapshotVersion) {
    return Status::Corruption(
        fmt::format("unknown version {} (expected {})", version, kSnapshotVersion));
  }
  uint32_t stored_crc = in.Read<uint32_t>();
  uint32_t computed_crc = crc32c::Value(data.subspan(kSnapshotCrcEnd));
  if (stored_crc != computed_crc) {
    return Status::Corruption(fmt::format("CRC-32C mismatch: stored {:#010x}, computed {:#010x}",
                                          stored_crc, computed_crc));
  }
  int32_t count = in.Read<int32_t>();
  if (count < 0 || static_cast<uint64_t>(count) * kSnapshotProducerSize > in.remaining()) {
    return Status::Corruption(fmt::format("producer count {} does not fit in the {} bytes after it",
                                          count, in.remaining()));
  }
  std::map<int64_t, ProducerEntry> producers;
  std::set<int64_t> txn_first_offsets;
  for (int32_t i = 0; i < count; ++i) {
    size_t at = in.position();
    if (in.remaining() < kSnapshotProducerSize) {
      return Status::Corruption(fmt::format("producer {} at byte {} is cut short", i, at));
    }
    ProducerEntry entry;
    entry.producer_id = ProducerId(in.Read<int64_t>());
    entry.epoch = ProducerEpoch(in.Read<int16_t>());
    entry.coordinator_epoch = in.Read<int32_t>();
    entry.last_timestamp = in.Read<int64_t>();
    int64_t txn_first_offset = in.Read<int64_t>();
    int32_t batch_count = in.Read<int32_t>();
    if (entry.producer_id.value() < 0 || producers.count(entry.producer_id.value()) != 0) {
      return Status::Corruption(fmt::format(
          "producer {} at byte {}: producer id {} is {}", i, at, entry.producer_id.value(),
          entry.producer_id.value() < 0 ? "negative" : "repeated"));
    }
    if (txn_first_offset < -1 ||
        (txn_first_offset >= 0 && !txn_first_offsets.insert(txn_first_offset).second)) {
      return Status::Corruption(
          fmt::format("producer {} at byte {}: bad transaction first offset {}",
                      entry.producer_id.value(), at, txn_first_offset));
    }
    if (txn_first_offset >= 0) entry.txn_first_offset = Offset(txn_first_offset);
    if (batch_count < 0 || static_cast<size_t>(batch_count) > kProducerBatchesRetained) {
      return Status::Corruption(fmt::format("producer {} at byte {}: {} batches (0 to {} allowed)",
                                            entry.producer_id.value(), at, batch_count,
                                            kProducerBatchesRetained));
    }
    if (in.remaining() < static_cast<size_t>(batch_count) * kSnapshotBatchSize) {
      return Status::Corruption(fmt::format("producer {} at byte {}: its {} batches are cut short",
                                            entry.producer_id.value(), at, batch_count));
    }
    for (int32_t b = 0; b < batch_count; ++b) {
      ProducerBatch batch;
      batch.first_seq = in.Read<int32_t>();
      batch.last_seq = in.Read<int32_t>();
      batch.first_offset = Offset(in.Read<int64_t>());
      batch.last_offset = Offset(in.Read<int64_t>());
      batch.max_timestamp = in.Read<int64_t>();
      entry.batches.push_back(batch);
    }
    producers.emplace(entry.producer_id.value(), std::move(entry));
  }
  if (in.remaining() != 0) {
    return Status::Corruption(
        fmt::format("{} bytes after the last producer, at byte {}", in.remaining(), in.position()));
  }
  return producers;
}

// Deletes the snapshots in `dir` whose offset satisfies `doomed`, then syncs the directory so a
// deleted snapshot cannot come back after a crash.
template <typename Predicate>
Status DeleteSnapshotsIf(Env* env, const std::string& dir, Predicate doomed) {
  std::vector<Offset> offsets;
  BROOK_ASSIGN_OR_RETURN(offsets, ProducerStateManager::ListSnapshots(env, dir));
  bool deleted = false;
  for (Offset offset : offsets) {
    if (!doomed(offset)) continue;
    BROOK_RETURN_IF_ERROR(
        env->DeleteFile(JoinPath(dir, ProducerStateManager::SnapshotFileName(offset))));
    deleted = true;
  }
  return deleted ? env->SyncDir(dir) : Status::Ok();
}

}  // namespace

ProducerCheckResult ProducerStateManager::Check(const RecordBatchView& batch) const {
  if (!batch.has_producer_id()) return {};
  const ProducerEntry* entry = Find(batch.producer_id());
  if (entry == nullptr) return {};  // unknown (new or expired): any sequence
  ProducerId producer_id = batch.producer_id();
  ProducerEpoch epoch = batch.producer_epoch();
  Offset offset = batch.base_offset();
  int32_t first_seq = batch.base_sequence();
  int32_t last_seq = LastSequence(batch);
  if (!batch.is_control() && epoch == entry->epoch) {
    for (const ProducerBatch& retained : entry->batches) {
      if (retained.first_seq == first_seq && retained.last_seq == last_seq) {
        return {ProducerCheck::kDuplicate, retained, ""};
      }
    }
  }
  if (epoch < entry->epoch) {
    return Reject(ProducerCheck::kInvalidProducerEpoch,
                  fmt::format("Epoch of producer {} at offset {} is {}, which is smaller than the "
                              "last seen epoch {}",
                              producer_id, offset, epoch, entry->epoch));
  }
  if (batch.is_control()) return {};
  if (epoch != entry->epoch) {
    if (first_seq != 0 && entry->epoch.value() != record::kNoProducerEpoch) {
      return Reject(
          ProducerCheck::kOutOfOrderSequence,
          fmt::format("Invalid sequence number for new epoch of producer {} at offset {}: "
                      "{} (request epoch), {} (seq. number), {} (current producer epoch)",
                      producer_id, offset, epoch, first_seq, entry->epoch));
    }
  } else if (entry->epoch.value() != record::kNoProducerEpoch &&
             !InSequence(entry->last_seq(), first_seq)) {
    return Reject(ProducerCheck::kOutOfOrderSequence,
                  fmt::format("Out of order sequence number for producer {} at offset {}: "
                              "{} (incoming seq. number), {} (current end sequence number)",
                              producer_id, offset, first_seq, entry->last_seq()));
  }
  if (entry->txn_first_offset && !batch.is_transactional()) {
    return Reject(ProducerCheck::kInvalidTxnState,
                  fmt::format("Expected transactional write from producer {} at offset {}: its "
                              "transaction open since offset {} has not ended",
                              producer_id, offset, *entry->txn_first_offset));
  }
  return {};
}

Result<std::optional<CompletedTxn>> ProducerStateManager::Update(const RecordBatchView& batch) {
  std::optional<CompletedTxn> completed;
  if (!batch.has_producer_id()) return completed;
  ProducerId producer_id = batch.producer_id();
  ProducerEpoch epoch = batch.producer_epoch();

  std::optional<Marker> marker;
  if (batch.is_control()) {
    auto read = ReadMarker(batch);
    if (!read.ok()) {
      return Status(read.status().code(),
                    fmt::format("marker of producer {} at offset {}: {}", producer_id,
                                batch.base_offset(), read.status().message()));
    }
    marker = *read;
    if (!marker) return completed;  // emptied by the cleaner, or not COMMIT/ABORT
  }

  auto [it, inserted] = producers_.try_emplace(producer_id.value());
  ProducerEntry& entry = it->second;
  if (inserted) entry.producer_id = producer_id;
  if (entry.epoch != epoch) {
    entry.epoch = epoch;
    entry.batches.clear();
  }

  if (marker) {
    if (entry.txn_first_offset) {
      completed =
          CompletedTxn{producer_id, *entry.txn_first_offset, batch.base_offset(), marker->abort};
      open_txns_.erase(*entry.txn_first_offset);
      entry.txn_first_offset.reset();
    }
    entry.coordinator_epoch = marker->coordinator_epoch;
    entry.last_timestamp = marker->timestamp;
    return completed;
  }

  if (entry.batches.size() == kProducerBatchesRetained) entry.batches.pop_front();
  entry.batches.push_back({batch.base_sequence(), LastSequence(batch), batch.base_offset(),
                           batch.last_offset(), batch.max_timestamp()});
  entry.last_timestamp = batch.max_timestamp();
  if (batch.is_transactional() && !entry.txn_first_offset) {
    entry.txn_first_offset = batch.base_offset();
    open_txns_[batch.base_offset()] = producer_id.value();
  }
  return completed;
}

std::optional<Offset> ProducerStateManager::FirstUnstableOffset() const {
  if (open_txns_.empty()) return std::nullopt;
  return open_txns_.begin()->first;
}

int ProducerStateManager::RemoveExpired(int64_t now_ms, int64_t expiration_ms) {
  return static_cast<int>(std::erase_if(producers_, [&](const auto& item) {
    const ProducerEntry& entry = item.second;
    return !entry.txn_first_offset && now_ms - entry.last_timestamp >= expiration_ms;
  }));
}

const ProducerEntry* ProducerStateManager::Find(ProducerId producer_id) const {
  auto it = producers_.find(producer_id.value());
  return it == producers_.end() ? nullptr : &it->second;
}

void ProducerStateManager::Clear() {
  producers_.clear();
  open_txns_.clear();
}

std::string ProducerStateManager::SnapshotFileName(Offset offset) {
  return Segment::FileName(offset, kProducerSnapshotFileSuffix);
}

Result<std::vector<Offset>> ProducerStateManager::ListSnapshots(Env* env, const std::string& dir) {
  std::vector<std::string> names;
  BROOK_ASSIGN_OR_RETURN(names, env->ListDir(dir));
  std::vector<Offset> offsets;
  for (const std::string& name : names) {
    if (auto offset = Segment::ParseFileName(name, kProducerSnapshotFileSuffix)) {
      offsets.push_back(*offset);
    }
  }
  std::sort(offsets.begin(), offsets.end());
  return offsets;
}

Status ProducerStateManager::WriteSnapshot(Env* env, const std::string& dir, Offset offset) const {
  Bytes data;
  AppendBigEndian<int16_t>(data, kSnapshotVersion);
  AppendBigEndian<uint32_t>(data, 0);  // the CRC, once the rest is written
  AppendBigEndian<int32_t>(data, static_cast<int32_t>(producers_.size()));
  for (const auto& [unused, entry] : producers_) AppendEntry(data, entry);
  StoreBigEndian<uint32_t>(data.data() + kSnapshotCrcPosition,
                           crc32c::Value(ByteView(data).subspan(kSnapshotCrcEnd)));
  return env->WriteSmallFileAtomically(JoinPath(dir, SnapshotFileName(offset)), data);
}

Status ProducerStateManager::LoadSnapshot(Env* env, const std::string& dir, Offset offset) {
  Clear();
  std::string path = JoinPath(dir, SnapshotFileName(offset));
  // ReadSmallFile would create a missing file.
  if (!env->FileExists(path)) return Status::NotFound(fmt::format("{}: no such file", path));
  Bytes data;
  BROOK_ASSIGN_OR_RETURN(data, env->ReadSmallFile(path));
  auto decoded = DecodeSnapshot(data);
  if (!decoded.ok()) {
    return Status::Corruption(
        fmt::format("producer snapshot {}: {}", path, decoded.status().message()));
  }
  producers_ = std::move(decoded).value();
  for (const auto& [producer_id, entry] : producers_) {
    if (entry.txn_first_offset) open_txns_[*entry.txn_first_offset] = producer_id;
  }
  return Status::Ok();
}

Status ProducerStateManager::DeleteSnapshotsBefore(Env* env, const std::string& dir,
                                                   Offset offset) {
  return DeleteSnapshotsIf(env, dir, [&](Offset o) { return o < offset; });
}

Status ProducerStateManager::DeleteSnapshotsAfter(Env* env, const std::string& dir, Offset offset) {
  return DeleteSnapshotsIf(env, dir, [&](Offset o) { return o > offset; });
}

}  // namespace brook::broker::log
