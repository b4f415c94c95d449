#include "broker/log/segment.h"

#include <fmt/format.h>

#include "broker/log/batch_reader.h"
#include "broker/log/index_format.h"
#include "broker/record/record.h"

namespace brook::broker::log {

using record::BatchSizeFromPrefix;
using record::kLogOverhead;
using record::RecordBatchView;

std::string Segment::FileName(Offset base, const char* suffix) {
  return fmt::format("{:020d}{}", base.value(), suffix);
}

std::optional<Offset> Segment::ParseFileName(const std::string& name, const char* suffix) {
  std::string_view s(suffix);
  if (name.size() != 20 + s.size() || name.compare(20, s.size(), s) != 0) return std::nullopt;
  int64_t v = 0;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    if (v > (INT64_MAX - (name[i] - '0')) / 10) return std::nullopt;
    v = v * 10 + (name[i] - '0');
  }
  return Offset(v);
}

std::string Segment::PathOf(const char* suffix) const {
  return JoinPath(dir_, FileName(base_, suffix) + name_suffix_);
}

std::string Segment::log_path() const { return PathOf(kLogFileSuffix); }

Status Segment::OpenFiles() {
  index_files_missing_ = !env_->FileExists(PathOf(kOffsetIndexFileSuffix)) ||
                         !env_->FileExists(PathOf(kTimeIndexFileSuffix));
  std::unique_ptr<File> log;
  BROOK_ASSIGN_OR_RETURN(log, env_->OpenFile(PathOf(kLogFileSuffix)));
  log_file_ = std::move(log);
  BROOK_ASSIGN_OR_RETURN(index_file_, env_->OpenFile(PathOf(kOffsetIndexFileSuffix)));
  BROOK_ASSIGN_OR_RETURN(time_index_file_, env_->OpenFile(PathOf(kTimeIndexFileSuffix)));
  BROOK_ASSIGN_OR_RETURN(txn_index_, TransactionIndex::Open(env_, PathOf(kTxnIndexFileSuffix)));
  return Status::Ok();
}

Result<std::unique_ptr<Segment>> Segment::Create(Env* env, const std::string& dir, Offset base,
                                                 const std::string& name_suffix) {
  std::unique_ptr<Segment> segment(new Segment(env, dir, base, name_suffix));
  BROOK_RETURN_IF_ERROR(segment->OpenFiles());
  BROOK_RETURN_IF_ERROR(segment->log_file_->Truncate(0));
  BROOK_RETURN_IF_ERROR(segment->index_file_->Truncate(0));
  BROOK_RETURN_IF_ERROR(segment->time_index_file_->Truncate(0));
  BROOK_RETURN_IF_ERROR(segment->txn_index_->Delete());
  return segment;
}

Result<std::unique_ptr<Segment>> Segment::Open(Env* env, const std::string& dir, Offset base) {
  std::unique_ptr<Segment> segment(new Segment(env, dir, base));
  BROOK_RETURN_IF_ERROR(segment->OpenFiles());
  return segment;
}

Result<RecordBatchView> Segment::ReadBatchAt(uint64_t position, Bytes* buffer) const {
  uint8_t prefix[kLogOverhead];
  size_t n = 0;
  BROOK_ASSIGN_OR_RETURN(n, log_file_->ReadAt(position, prefix, kLogOverhead));
  size_t size = n == kLogOverhead ? BatchSizeFromPrefix(ByteView(prefix, kLogOverhead)) : 0;
  if (size == 0 || position + size > log_file_->Size()) {
    return Status::Corruption(
        fmt::format("{}: no whole batch at position {}", log_path(), position));
  }
  buffer->resize(size);
  BROOK_ASSIGN_OR_RETURN(n, log_file_->ReadAt(position, buffer->data(), size));
  if (n != size)
    return Status::Corruption(fmt::format("{}: short read at {}", log_path(), position));
  return RecordBatchView::Parse(*buffer);
}

Result<BatchLocation> Segment::ReadHeaderAt(uint64_t position) const {
  uint8_t header[record::kBatchHeaderSize];
  size_t n = 0;
  BROOK_ASSIGN_OR_RETURN(n, log_file_->ReadAt(position, header, sizeof(header)));
  size_t size = n == sizeof(header) ? BatchSizeFromPrefix(ByteView(header, kLogOverhead)) : 0;
  if (size == 0 || position + size > log_file_->Size()) {
    return Status::Corruption(
        fmt::format("{}: no whole batch at position {}", log_path(), position));
  }
  Offset base(LoadBigEndian<int64_t>(header + record::kBaseOffsetOffset));
  int32_t delta = LoadBigEndian<int32_t>(header + record::kLastOffsetDeltaOffset);
  return BatchLocation{position, size, base, base + delta};
}

void Segment::NoteBatch(const RecordBatchView& batch, uint64_t position,
                        int32_t index_interval_bytes) {
  // Kafka's rule: index the batch when more than index.interval.bytes were written since the
  // last entry (so the first batch of a segment is found by scanning from position 0).
  if (batch.max_timestamp() > max_timestamp_) {
    max_timestamp_ = batch.max_timestamp();
    offset_of_max_timestamp_ = batch.last_offset();
  }
  if (rolling_timestamp_ < 0 && position == 0) rolling_timestamp_ = batch.max_timestamp();
  if (bytes_since_index_entry_ > static_cast<uint64_t>(index_interval_bytes)) {
    index_.Append(batch.last_offset(), position);
    time_index_.MaybeAppend(max_timestamp_, offset_of_max_timestamp_);
    bytes_since_index_entry_ = 0;
  }
  bytes_since_index_entry_ += batch.size();
  next_offset_ = batch.next_offset();
}

Status Segment::Append(const RecordBatchView& batch, int32_t index_interval_bytes) {
  uint64_t position = log_file_->Size();
  BROOK_RETURN_IF_ERROR(log_file_->Append(batch.bytes()));
  log_dirty_ = true;
  NoteBatch(batch, position, index_interval_bytes);
  return Status::Ok();
}

Status Segment::ParseIndexFiles() {
  uint64_t log_size = log_file_->Size();
  if (index_files_missing_ && log_size > 0) {
    return Status::Corruption(fmt::format("{}: index files are missing", log_path()));
  }
  Bytes data(index_file_->Size());
  size_t n = 0;
  BROOK_ASSIGN_OR_RETURN(n, index_file_->ReadAt(0, data.data(), data.size()));
  data.resize(n);
  BROOK_ASSIGN_OR_RETURN(index_, OffsetIndex::Parse(base_, data, log_size));
  data.resize(time_index_file_->Size());
  BROOK_ASSIGN_OR_RETURN(n, time_index_file_->ReadAt(0, data.data(), data.size()));
  data.resize(n);
  BROOK_ASSIGN_OR_RETURN(time_index_, TimeIndex::Parse(base_, data));
  index_entries_on_disk_ = index_.entry_count();
  time_entries_on_disk_ = time_index_.entry_count();
  return Status::Ok();
}

Status Segment::LoadIndexes() {
  BROOK_RETURN_IF_ERROR(ParseIndexFiles());
  uint64_t log_size = log_file_->Size();
  if (log_size > 0 && time_index_.entry_count() == 0) {
    return Status::Corruption(fmt::format("{}: time index is empty", log_path()));
  }
  if (auto last = time_index_.last()) {
    max_timestamp_ = last->timestamp;
    offset_of_max_timestamp_ = last->offset;
  }
  // Walk the headers after the last index entry: at most index.interval.bytes plus one batch.
  uint64_t position = 0;
  if (auto last = index_.last()) position = last->position;
  next_offset_ = base_;
  while (position < log_size) {
    BatchLocation loc;
    BROOK_ASSIGN_OR_RETURN(loc, ReadHeaderAt(position));
    next_offset_ = loc.last_offset + 1;
    position += loc.size;
  }
  BROOK_RETURN_IF_ERROR(LoadRollingTimestamp());
  bytes_since_index_entry_ = 0;
  return Status::Ok();
}

Status Segment::LoadRollingTimestamp() {
  rolling_timestamp_ = -1;
  if (log_file_->Size() < record::kBatchHeaderSize) return Status::Ok();
  uint8_t ts[8];
  size_t got = 0;
  BROOK_ASSIGN_OR_RETURN(got, log_file_->ReadAt(record::kMaxTimestampOffset, ts, 8));
  if (got == 8) rolling_timestamp_ = LoadBigEndian<int64_t>(ts);
  return Status::Ok();
}

Result<SegmentRecovery> Segment::Recover(uint64_t position, Offset min_offset,
                                         int32_t index_interval_bytes, bool contiguous_offsets) {
  if (position == 0) {
    index_ = OffsetIndex(base_);
    time_index_ = TimeIndex(base_);
    max_timestamp_ = -1;
    offset_of_max_timestamp_ = base_;
    rolling_timestamp_ = -1;
    next_offset_ = base_;
    bytes_since_index_entry_ = 0;
  } else {
    // The caller kept the index state of the batches before `position`; index the batch there.
    bytes_since_index_entry_ = static_cast<uint64_t>(index_interval_bytes) + 1;
  }
  indexes_need_rewrite_ = true;
  SegmentRecovery result;
  Offset expected = std::max(min_offset, base_);
  uint64_t file_size = log_file_->Size();
  BatchReader reader(log_file_.get(), position, file_size);
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) {
      result.reason = next.status().message();
      break;
    }
    if (!next->has_value()) break;
    const RecordBatchView& batch = **next;
    if (Status crc = batch.VerifyCrc(); !crc.ok()) {
      result.reason = fmt::format("position {}: {}", reader.position(), crc.message());
      break;
    }
    bool in_order = contiguous_offsets && !(result.batches == 0 && position == 0)
                        ? batch.base_offset() == expected
                        : batch.base_offset() >= expected;
    if (!in_order || batch.last_offset_delta() < 0 || batch.last_offset() - base_ > INT32_MAX) {
      result.reason =
          fmt::format("position {}: batch offsets {}..{} do not follow {}", reader.position(),
                      batch.base_offset(), batch.last_offset(), expected);
      break;
    }
    NoteBatch(batch, reader.position(), index_interval_bytes);
    expected = batch.next_offset();
    ++result.batches;
  }
  uint64_t valid_end = reader.position();
  result.bytes_scanned = valid_end - position;
  // What was validated may still sit only in the page cache (the process died, not the
  // machine): sync it before anyone records it as flushed.
  if (result.bytes_scanned > 0) log_dirty_ = true;
  if (valid_end < file_size) {
    result.bytes_truncated = file_size - valid_end;
    BROOK_RETURN_IF_ERROR(log_file_->Truncate(valid_end));
    log_dirty_ = true;
  }
  if (next_offset_ < expected) next_offset_ = expected;
  return result;
}

Result<SegmentRecovery> Segment::RecoverFrom(Offset recovery_point, int32_t index_interval_bytes) {
  // Index entries below the recovery point were flushed together with the data they describe:
  // resume the scan at the last of them whose batch still checks out. (Only the index files are
  // read here: the tail after them is what the scan is for.)
  if (ParseIndexFiles().ok()) {
    index_.TruncateFromOffset(recovery_point);
    while (auto last = index_.last()) {
      Bytes buffer;
      auto batch = ReadBatchAt(last->position, &buffer);
      index_.TruncateFromOffset(last->offset);  // the scan re-adds it
      if (batch.ok() && batch->last_offset() == last->offset && batch->VerifyCrc().ok()) {
        time_index_.TruncateFromOffset(last->offset);
        max_timestamp_ = -1;
        offset_of_max_timestamp_ = base_;
        if (auto t = time_index_.last()) {
          max_timestamp_ = t->timestamp;
          offset_of_max_timestamp_ = t->offset;
        }
        BROOK_RETURN_IF_ERROR(LoadRollingTimestamp());
        return Recover(last->position, batch->base_offset(), index_interval_bytes, true);
      }
    }
  }
  return Recover(0, base_, index_interval_bytes, true);
}

Result<std::optional<BatchLocation>> Segment::FindBatch(Offset target) const {
  uint64_t position = 0;
  if (auto entry = index_.Lookup(target)) position = entry->position;
  uint64_t size = log_file_->Size();
  while (position < size) {
    BatchLocation loc;
    BROOK_ASSIGN_OR_RETURN(loc, ReadHeaderAt(position));
    if (loc.last_offset >= target) return std::optional<BatchLocation>(loc);
    position += loc.size;
  }
  return std::optional<BatchLocation>();
}

Result<uint64_t> Segment::ReadEnd(const BatchLocation& first, uint64_t max_bytes,
                                  Offset upper_bound) const {
  uint64_t end = first.position + first.size;
  uint64_t limit = first.position + std::max<uint64_t>(max_bytes, first.size);
  uint64_t size = log_file_->Size();
  // Jump with the index to the last indexed batch that starts inside the limit: every batch
  // before it fits, and lies below the bound when it does. Then walk headers from there.
  if (auto entry = index_.LookupPosition(limit); entry && entry->position > end) {
    BatchLocation loc;
    BROOK_ASSIGN_OR_RETURN(loc, ReadHeaderAt(entry->position));
    if (loc.base_offset < upper_bound) end = entry->position;
  }
  while (end < size) {
    BatchLocation loc;
    BROOK_ASSIGN_OR_RETURN(loc, ReadHeaderAt(end));
    if (loc.base_offset >= upper_bound || end + loc.size > limit) break;
    end += loc.size;
  }
  return end;
}

Result<std::optional<std::pair<Offset, int64_t>>> Segment::FindOffsetByTimestamp(
    int64_t timestamp, Offset min_offset) const {
  using Found = std::optional<std::pair<Offset, int64_t>>;
  uint64_t position = 0;
  if (auto entry = time_index_.Lookup(timestamp)) {
    if (auto at = index_.Lookup(entry->offset)) position = at->position;
  }
  BatchReader reader(log_file_.get(), position, log_file_->Size());
  while (true) {
    std::optional<RecordBatchView> batch;
    BROOK_ASSIGN_OR_RETURN(batch, reader.Next());
    if (!batch) return Found();
    if (batch->max_timestamp() < timestamp || batch->last_offset() < min_offset) continue;
    if (batch->is_control()) continue;
    std::optional<record::DecodedBatch> decoded;
    BROOK_ASSIGN_OR_RETURN(decoded, record::DecodedBatch::Decode(*batch));
    for (const auto& rec : decoded->records()) {
      if (rec.timestamp >= timestamp && rec.offset >= min_offset) {
        return Found(std::make_pair(rec.offset, rec.timestamp));
      }
    }
  }
}

Result<uint64_t> Segment::TruncateFromOffset(Offset offset, int32_t index_interval_bytes) {
  std::optional<BatchLocation> loc;
  BROOK_ASSIGN_OR_RETURN(loc, FindBatch(offset));
  if (!loc) return uint64_t{0};
  uint64_t position = loc->base_offset >= offset ? loc->position : loc->position + loc->size;
  uint64_t removed = log_file_->Size() - position;
  BROOK_RETURN_IF_ERROR(log_file_->Truncate(position));
  log_dirty_ = true;
  BROOK_RETURN_IF_ERROR(txn_index_->TruncateTo(offset));
  SegmentRecovery rebuilt;
  BROOK_ASSIGN_OR_RETURN(rebuilt, Recover(0, base_, index_interval_bytes, false));
  return removed;
}

Status Segment::WriteIndexes(bool rewrite) {
  if (rewrite) {
    BROOK_RETURN_IF_ERROR(index_file_->Truncate(0));
    BROOK_RETURN_IF_ERROR(time_index_file_->Truncate(0));
    index_entries_on_disk_ = 0;
    time_entries_on_disk_ = 0;
  }
  if (index_.entry_count() > index_entries_on_disk_) {
    BROOK_RETURN_IF_ERROR(index_file_->Append(index_.Serialize(index_entries_on_disk_)));
    index_entries_on_disk_ = index_.entry_count();
  }
  if (time_index_.entry_count() > time_entries_on_disk_) {
    BROOK_RETURN_IF_ERROR(time_index_file_->Append(time_index_.Serialize(time_entries_on_disk_)));
    time_entries_on_disk_ = time_index_.entry_count();
  }
  return Status::Ok();
}

Status Segment::FlushIndexes() {
  bool rewrite = indexes_need_rewrite_;
  size_t index_before = index_entries_on_disk_;
  size_t time_before = time_entries_on_disk_;
  BROOK_RETURN_IF_ERROR(WriteIndexes(rewrite));
  if (rewrite || index_entries_on_disk_ != index_before) BROOK_RETURN_IF_ERROR(index_file_->Sync());
  if (rewrite || time_entries_on_disk_ != time_before) {
    BROOK_RETURN_IF_ERROR(time_index_file_->Sync());
  }
  indexes_need_rewrite_ = false;
  return txn_index_->Flush();
}

Status Segment::Flush() {
  BROOK_RETURN_IF_ERROR(FlushIndexes());
  if (log_dirty_) {
    BROOK_RETURN_IF_ERROR(log_file_->Sync());
    log_dirty_ = false;
  }
  return Status::Ok();
}

void Segment::MarkInactive() {
  if (!empty()) time_index_.MaybeAppend(max_timestamp_, offset_of_max_timestamp_);
}

bool Segment::index_full(int64_t index_bytes_limit) const {
  return static_cast<int64_t>(index_.size_bytes() + kOffsetIndexEntrySize) > index_bytes_limit ||
         static_cast<int64_t>(time_index_.size_bytes() + kTimeIndexEntrySize) > index_bytes_limit;
}

Status Segment::DeleteFiles() {
  BROOK_RETURN_IF_ERROR(env_->DeleteFile(PathOf(kLogFileSuffix)));
  BROOK_RETURN_IF_ERROR(env_->DeleteFile(PathOf(kOffsetIndexFileSuffix)));
  BROOK_RETURN_IF_ERROR(env_->DeleteFile(PathOf(kTimeIndexFileSuffix)));
  return txn_index_->Delete();
}

}  // namespace brook::broker::log
