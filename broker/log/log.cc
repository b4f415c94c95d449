#include "broker/log/log.h"

#include <fmt/format.h>

#include "broker/log/batch_reader.h"
#include "broker/log/checkpoint.h"
#include "broker/log/index_format.h"
#include "broker/log/segment_swap.h"
#include "common/logging.h"

namespace brook::broker::log {

using record::RecordBatchView;

namespace {

std::shared_ptr<spdlog::logger> Logger() {
  static auto logger = GetLogger("broker.log");
  return logger;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string PartitionDirName(const std::string& topic, int32_t partition) {
  return fmt::format("{}-{}", topic, partition);
}

std::optional<std::pair<std::string, int32_t>> ParsePartitionDirName(const std::string& name) {
  auto dash = name.rfind('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 >= name.size()) return std::nullopt;
  int64_t partition = 0;
  for (size_t i = dash + 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    partition = partition * 10 + (name[i] - '0');
    if (partition > INT32_MAX) return std::nullopt;
  }
  return std::make_pair(name.substr(0, dash), static_cast<int32_t>(partition));
}

Result<Bytes> ReadResult::ReadBytes() const {
  Bytes out;
  BROOK_RETURN_IF_ERROR(ReadInto(&out));
  return out;
}

Status ReadResult::ReadInto(Bytes* buffer) const {
  buffer->resize(size);
  if (size == 0) return Status::Ok();
  size_t n = 0;
  BROOK_ASSIGN_OR_RETURN(n, file->ReadAt(position, buffer->data(), buffer->size()));
  if (n != size) {
    return Status::IOError(fmt::format("{}: short read at {}", file->path(), position));
  }
  return Status::Ok();
}

Log::Log(Env* env, std::string dir, LogConfig config, Clock* clock)
    : env_(env), dir_(std::move(dir)), clock_(clock), config_(config) {
  std::string base = dir_.substr(dir_.rfind('/') == std::string::npos ? 0 : dir_.rfind('/') + 1);
  name_ = base;
  if (auto parsed = ParsePartitionDirName(base)) {
    topic_ = parsed->first;
    partition_ = parsed->second;
  } else {
    topic_ = base;
  }
}

Log::~Log() = default;

Result<std::unique_ptr<Log>> Log::Open(Env* env, const std::string& dir, LogConfig config,
                                       Clock* clock) {
  std::unique_ptr<Log> log(new Log(env, dir, config, clock));
  BROOK_RETURN_IF_ERROR(log->Load());
  return log;
}

Status Log::Load() {
  std::lock_guard lock(mutex_);
  BROOK_RETURN_IF_ERROR(env_->CreateDirs(dir_));
  int swaps = 0;
  BROOK_ASSIGN_OR_RETURN(swaps, RecoverInterruptedSwaps(env_, dir_));
  if (swaps > 0) Logger()->info("[{}] completed {} interrupted compaction swaps", name_, swaps);
  std::vector<std::string> names;
  BROOK_ASSIGN_OR_RETURN(names, env_->ListDir(dir_));

  std::vector<Offset> bases;
  for (const auto& name : names) {
    if (auto base = Segment::ParseFileName(name, kLogFileSuffix)) bases.push_back(*base);
  }
  std::sort(bases.begin(), bases.end());
  // Leftovers: temp files of interrupted atomic writes, indexes whose log is gone.
  for (const auto& name : names) {
    bool orphan = false;
    for (const char* suffix : {kOffsetIndexFileSuffix, kTimeIndexFileSuffix, kTxnIndexFileSuffix}) {
      if (auto base = Segment::ParseFileName(name, suffix)) {
        orphan = !std::binary_search(bases.begin(), bases.end(), *base);
      }
    }
    if (orphan || EndsWith(name, ".tmp")) {
      Logger()->info("[{}] removing leftover file {}", name_, name);
      BROOK_RETURN_IF_ERROR(env_->DeleteFile(JoinPath(dir_, name)));
    }
  }

  std::optional<Offset> start_checkpoint;
  std::optional<Offset> recovery_checkpoint;
  auto start = ReadOffsetCheckpoint(env_, JoinPath(dir_, kLogStartOffsetCheckpointFile));
  if (start.ok()) {
    start_checkpoint = *start;
  } else {
    Logger()->warn("[{}] ignoring damaged log start checkpoint: {}", name_,
                   start.status().ToString());
  }
  auto recovery = ReadOffsetCheckpoint(env_, JoinPath(dir_, kRecoveryPointCheckpointFile));
  if (recovery.ok()) {
    recovery_checkpoint = *recovery;
  } else {
    Logger()->warn("[{}] ignoring damaged recovery point: {}", name_, recovery.status().ToString());
  }
  std::string marker = JoinPath(dir_, kCleanShutdownFile);
  bool clean = env_->FileExists(marker);

  for (Offset base : bases) {
    std::unique_ptr<Segment> segment;
    BROOK_ASSIGN_OR_RETURN(segment, Segment::Open(env_, dir_, base));
    segments_.emplace(base, std::move(segment));
  }
  if (segments_.empty()) {
    Offset base = start_checkpoint.value_or(Offset(0));
    std::unique_ptr<Segment> segment;
    BROOK_ASSIGN_OR_RETURN(segment, Segment::Create(env_, dir_, base));
    segments_.emplace(base, std::move(segment));
    clean = true;  // nothing to recover
  }

  Offset recovery_point = recovery_checkpoint.value_or(segments_.begin()->first);
  BROOK_RETURN_IF_ERROR(RecoverSegments(clean, recovery_point));

  Offset end = active().next_offset();
  log_start_offset_ = std::max(start_checkpoint.value_or(Offset(0)), segments_.begin()->first);
  if (log_start_offset_ > end) log_start_offset_ = end;
  // Markers cut off with a torn tail leave .txnindex entries behind: drop them.
  for (auto& [base, segment] : segments_) {
    BROOK_RETURN_IF_ERROR(segment->txn_index().TruncateTo(segment->next_offset()));
  }
  BROOK_RETURN_IF_ERROR(LoadProducerStateLocked(end));
  if (open_stats_.segments_recovered > 0 || !clean) {
    // What recovery kept is validated: make it (and the rebuilt indexes) durable.
    BROOK_RETURN_IF_ERROR(FlushLocked(false));
  }
  recovery_point_ = end;
  written_recovery_point_ = recovery_checkpoint;
  written_log_start_ = start_checkpoint;
  BROOK_RETURN_IF_ERROR(WriteRecoveryCheckpointLocked());
  BROOK_RETURN_IF_ERROR(WriteLogStartCheckpointLocked());
  // The marker goes with the first append (Append): a log that is only read stays clean.
  clean_marker_present_ = env_->FileExists(marker);
  active_created_ms_ = clock_->NowMs();
  last_flush_ms_ = clock_->NowMs();
  open_stats_.clean_shutdown = clean;
  open_stats_.segments = static_cast<int>(segments_.size());
  Logger()->debug("[{}] opened: {} segments, offsets {}..{}, {} shutdown, {} bytes scanned", name_,
                  segments_.size(), log_start_offset_, end, clean ? "clean" : "unclean",
                  open_stats_.bytes_scanned);
  return Status::Ok();
}

Status Log::RecoverSegments(bool clean, Offset recovery_point) {
  const int32_t interval = config_.index_interval_bytes;
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    Segment& segment = *it->second;
    auto next = std::next(it);
    bool last = next == segments_.end();
    // A segment that ends at or before the recovery point was flushed: its indexes are trusted.
    bool flushed = clean || (!last && next->first <= recovery_point);
    Result<SegmentRecovery> recovered = SegmentRecovery{};
    if (flushed) {
      Status loaded = segment.LoadIndexes();
      if (loaded.ok()) continue;
      Logger()->warn("[{}] rebuilding the indexes of segment {}: {}", name_, it->first,
                     loaded.ToString());
      recovered = segment.Recover(0, it->first, interval, /*contiguous_offsets=*/false);
    } else if (it->first <= recovery_point) {
      recovered = segment.RecoverFrom(recovery_point, interval);
    } else {
      recovered = segment.Recover(0, it->first, interval, /*contiguous_offsets=*/true);
    }
    if (!recovered.ok()) return recovered.status();
    ++open_stats_.segments_recovered;
    open_stats_.bytes_scanned += recovered->bytes_scanned;
    if (recovered->bytes_truncated == 0) continue;
    open_stats_.bytes_truncated += recovered->bytes_truncated;
    Logger()->warn("[{}] truncated {} bytes of segment {} at position {}: {}", name_,
                   recovered->bytes_truncated, it->first, segment.size(), recovered->reason);
    // Nothing after a bad batch can be trusted: drop the segments behind it.
    while (std::next(it) != segments_.end()) {
      auto victim = std::next(it);
      Logger()->warn("[{}] deleting segment {} ({} bytes) behind the corrupt batch", name_,
                     victim->first, victim->second->size());
      open_stats_.bytes_truncated += victim->second->size();
      BROOK_RETURN_IF_ERROR(victim->second->DeleteFiles());
      segments_.erase(victim);
      ++open_stats_.segments_deleted;
    }
    break;
  }
  return Status::Ok();
}

Result<AppendResult> Log::Append(std::span<uint8_t> batch, const AppendOptions& options) {
  auto parsed = RecordBatchView::Parse(ByteView(batch.data(), batch.size()));
  if (!parsed.ok()) return parsed.status();
  const RecordBatchView& view = *parsed;
  if (view.size() != batch.size()) {
    return Status::Corruption(fmt::format("append of {} bytes holds a batch of {} bytes and more",
                                          batch.size(), view.size()));
  }
  if (view.size() > static_cast<size_t>(config_.max_message_bytes)) {
    return Status::TooLarge(fmt::format("record batch of {} bytes exceeds max.message.bytes {}",
                                        view.size(), config_.max_message_bytes));
  }
  if (view.last_offset_delta() < 0) {
    return Status::InvalidArgument(
        fmt::format("record batch has negative last offset delta {}", view.last_offset_delta()));
  }
  if (!options.crc_verified) BROOK_RETURN_IF_ERROR(view.VerifyCrc());

  AppendResult result;
  bool rolled = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return Status::FailedPrecondition(fmt::format("[{}] log is closed", name_));
    if (clean_marker_present_) {
      // From the first write on, a crash must not be mistaken for a clean shutdown.
      BROOK_RETURN_IF_ERROR(env_->DeleteFile(JoinPath(dir_, kCleanShutdownFile)));
      BROOK_RETURN_IF_ERROR(env_->SyncDir(dir_));
      clean_marker_present_ = false;
    }
    Offset end = active().next_offset();
    record::SetBaseOffset(batch.data(), end);  // before the check: its messages name the offset
    if (view.has_producer_id()) {
      ProducerCheckResult check = producers_.Check(view);
      if (options.origin == AppendOrigin::kCoordinator &&
          check.check != ProducerCheck::kInvalidProducerEpoch) {
        check = ProducerCheckResult{};  // the coordinator's writes carry no client sequences
      }
      if (check.check != ProducerCheck::kAppend) {
        result.producer_check = check.check;
        result.producer_error = std::move(check.message);
        result.log_end_offset = end;
        result.log_start_offset = log_start_offset_;
        if (check.duplicate_of) {
          result.base_offset = check.duplicate_of->first_offset;
          result.last_offset = check.duplicate_of->last_offset;
          result.max_timestamp = check.duplicate_of->max_timestamp;
        }
        return result;
      }
    }
    record::SetPartitionLeaderEpoch(batch.data(), options.leader_epoch);
    BROOK_RETURN_IF_ERROR(MaybeRollLocked(view, &rolled));
    BROOK_RETURN_IF_ERROR(active().Append(view, config_.index_interval_bytes));
    if (view.has_producer_id()) BROOK_RETURN_IF_ERROR(UpdateProducerStateLocked(view, active()));

    result.base_offset = view.base_offset();
    result.last_offset = view.last_offset();
    result.log_end_offset = active().next_offset();
    result.log_start_offset = log_start_offset_;
    result.max_timestamp = view.max_timestamp();
    unflushed_records_ += view.record_count();
    if (unflushed_records_ >= config_.flush_messages ||
        clock_->NowMs() - last_flush_ms_ >= config_.flush_ms) {
      BROOK_RETURN_IF_ERROR(FlushLocked(!config_.FsyncEveryAppend()));
    }
  }
  if (rolled) BROOK_RETURN_IF_ERROR(FlushClosedSegments());
  return result;
}

Status Log::FlushClosedSegments() {
  // The fsync of a closed segment (up to segment.bytes of data) runs without the log's lock, so
  // appends and reads go on meanwhile. flush_mutex_ keeps these flushes in order: each one syncs
  // every closed segment at or after the recovery point, so the point it sets is always covered.
  std::lock_guard flush_lock(flush_mutex_);
  std::vector<std::shared_ptr<File>> files;
  Offset target;
  {
    std::lock_guard lock(mutex_);
    target = active().base_offset();
    if (target <= recovery_point_) return Status::Ok();
    for (auto it = segments_.begin(); std::next(it) != segments_.end(); ++it) {
      if (std::next(it)->first > recovery_point_) files.push_back(it->second->log_file());
    }
  }
  for (const auto& file : files) BROOK_RETURN_IF_ERROR(file->Sync());
  std::lock_guard lock(mutex_);
  if (target > recovery_point_) {
    recovery_point_ = target;
    BROOK_RETURN_IF_ERROR(WriteRecoveryCheckpointLocked());
  }
  return Status::Ok();
}

Status Log::MaybeRollLocked(const RecordBatchView& batch, bool* rolled) {
  Segment& segment = active();
  if (segment.empty()) return Status::Ok();
  std::string reason;
  int64_t waited = segment.rolling_timestamp() >= 0
                       ? batch.max_timestamp() - segment.rolling_timestamp()
                       : clock_->NowMs() - active_created_ms_;
  if (static_cast<int64_t>(segment.size() + batch.size()) > config_.segment_bytes) {
    reason = "segment.bytes";
  } else if (waited > config_.segment_ms) {
    reason = "segment.ms";
  } else if (segment.index_full(config_.segment_index_bytes)) {
    reason = "segment.index.bytes";
  } else if (batch.last_offset() - segment.base_offset() > INT32_MAX) {
    reason = "relative offset overflow";
  } else {
    return Status::Ok();
  }
  Logger()->debug("[{}] rolling segment {} at offset {} ({})", name_, segment.base_offset(),
                  segment.next_offset(), reason);
  *rolled = true;
  return RollLocked();
}

Status Log::RollLocked() {
  Segment& old = active();
  Offset base = old.next_offset();
  old.MarkInactive();
  // The closed segment's indexes are written now; its log file is synced by
  // FlushClosedSegments() without the lock (Kafka flushes it in the background too).
  BROOK_RETURN_IF_ERROR(old.FlushIndexes());
  // The producer state as of the new segment's base: a reopen replays from here at most.
  BROOK_RETURN_IF_ERROR(producers_.WriteSnapshot(env_, dir_, base));
  std::unique_ptr<Segment> segment;
  BROOK_ASSIGN_OR_RETURN(segment, Segment::Create(env_, dir_, base));
  segments_.emplace(base, std::move(segment));
  active_created_ms_ = clock_->NowMs();
  return env_->SyncDir(dir_);
}

Result<ReadResult> Log::Read(Offset offset, uint64_t max_bytes,
                             std::optional<Offset> upper_bound) const {
  std::lock_guard lock(mutex_);
  Offset end = active().next_offset();
  ReadResult result;
  result.log_start_offset = log_start_offset_;
  result.log_end_offset = end;
  result.last_stable_offset = producers_.FirstUnstableOffset().value_or(end);
  result.first_batch_offset = offset;
  if (offset < log_start_offset_ || offset > end) {
    return Status::OutOfRange(
        fmt::format("[{}] offset {} is outside {}..{}", name_, offset, log_start_offset_, end));
  }
  Offset bound = std::min(upper_bound.value_or(end), end);
  if (offset >= bound) return result;
  auto it = segments_.upper_bound(offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    std::optional<BatchLocation> first;
    BROOK_ASSIGN_OR_RETURN(first, it->second->FindBatch(offset));
    if (!first) continue;  // compaction left a gap: the batch is in a later segment
    if (first->base_offset >= bound) return result;
    uint64_t range_end = 0;
    BROOK_ASSIGN_OR_RETURN(range_end, it->second->ReadEnd(*first, max_bytes, bound));
    result.file = it->second->log_file();
    result.position = first->position;
    result.size = range_end - first->position;
    result.first_batch_offset = first->base_offset;
    return result;
  }
  return result;
}

Result<std::optional<std::pair<Offset, int64_t>>> Log::FindOffsetByTimestamp(
    int64_t timestamp) const {
  std::lock_guard lock(mutex_);
  for (const auto& [base, segment] : segments_) {
    if (segment->max_timestamp() < timestamp) continue;
    std::optional<std::pair<Offset, int64_t>> found;
    BROOK_ASSIGN_OR_RETURN(found, segment->FindOffsetByTimestamp(timestamp, log_start_offset_));
    if (found) return found;
  }
  return std::optional<std::pair<Offset, int64_t>>();
}

Result<Offset> Log::DeleteRecordsBefore(Offset offset) {
  std::lock_guard lock(mutex_);
  Offset end = active().next_offset();
  if (offset > end || offset.value() < 0) {
    return Status::OutOfRange(
        fmt::format("[{}] cannot delete records before {}: log ends at {}", name_, offset, end));
  }
  if (offset <= log_start_offset_) return log_start_offset_;
  log_start_offset_ = offset;
  BROOK_RETURN_IF_ERROR(WriteLogStartCheckpointLocked());
  while (segments_.size() > 1 && std::next(segments_.begin())->first <= log_start_offset_) {
    BROOK_RETURN_IF_ERROR(DeleteSegmentLocked(segments_.begin()->first));
  }
  return log_start_offset_;
}

Result<int> Log::ApplyRetention() {
  std::lock_guard lock(mutex_);
  if (closed_) return 0;
  int deleted = 0;
  // Segments wholly below the log start offset.
  while (segments_.size() > 1 && std::next(segments_.begin())->first <= log_start_offset_) {
    BROOK_RETURN_IF_ERROR(DeleteSegmentLocked(segments_.begin()->first));
    ++deleted;
  }
  if (!config_.cleanup_delete) return deleted;

  auto delete_oldest = [&]() -> Status {
    if (segments_.size() == 1) BROOK_RETURN_IF_ERROR(RollLocked());  // keep the log end
    BROOK_RETURN_IF_ERROR(DeleteSegmentLocked(segments_.begin()->first));
    ++deleted;
    return Status::Ok();
  };
  if (config_.retention_ms >= 0) {
    int64_t now = clock_->NowMs();
    while (!segments_.begin()->second->empty() &&
           now - segments_.begin()->second->max_timestamp() > config_.retention_ms) {
      Logger()->info("[{}] deleting segment {}: newest record {} ms old, retention.ms {}", name_,
                     segments_.begin()->first, now - segments_.begin()->second->max_timestamp(),
                     config_.retention_ms);
      BROOK_RETURN_IF_ERROR(delete_oldest());
    }
  }
  if (config_.retention_bytes >= 0) {
    int64_t excess = 0;
    for (const auto& [base, segment] : segments_) excess += static_cast<int64_t>(segment->size());
    excess -= config_.retention_bytes;
    while (!segments_.begin()->second->empty() &&
           excess - static_cast<int64_t>(segments_.begin()->second->size()) >= 0) {
      excess -= static_cast<int64_t>(segments_.begin()->second->size());
      Logger()->info("[{}] deleting segment {}: log over retention.bytes {}", name_,
                     segments_.begin()->first, config_.retention_bytes);
      BROOK_RETURN_IF_ERROR(delete_oldest());
    }
  }
  if (segments_.begin()->first > log_start_offset_) {
    log_start_offset_ = segments_.begin()->first;
    BROOK_RETURN_IF_ERROR(WriteLogStartCheckpointLocked());
  }
  return deleted;
}

Status Log::DeleteSegmentLocked(Offset base) {
  auto it = segments_.find(base);
  if (it == segments_.end()) return Status::Ok();
  BROOK_RETURN_IF_ERROR(it->second->DeleteFiles());
  segments_.erase(it);
  // A snapshot below the first segment cannot be replayed from.
  BROOK_RETURN_IF_ERROR(
      ProducerStateManager::DeleteSnapshotsBefore(env_, dir_, segments_.begin()->first));
  if (segments_.begin()->first > log_start_offset_) {
    log_start_offset_ = segments_.begin()->first;
    BROOK_RETURN_IF_ERROR(WriteLogStartCheckpointLocked());
  }
  return Status::Ok();
}

Status Log::MaybeFlush() {
  std::lock_guard lock(mutex_);
  if (closed_ || unflushed_records_ == 0) return Status::Ok();
  if (clock_->NowMs() - last_flush_ms_ < config_.flush_ms) return Status::Ok();
  return FlushLocked(true);
}

Status Log::Flush() {
  std::lock_guard lock(mutex_);
  if (closed_) return Status::Ok();
  return FlushLocked(true);
}

Status Log::FlushLocked(bool write_checkpoint) {
  for (auto& [base, segment] : segments_) {
    if (segment->next_offset() > recovery_point_ || base >= recovery_point_) {
      BROOK_RETURN_IF_ERROR(segment->Flush());
    }
  }
  unflushed_records_ = 0;
  last_flush_ms_ = clock_->NowMs();
  Offset end = active().next_offset();
  if (end > recovery_point_) {
    recovery_point_ = end;
    if (write_checkpoint) BROOK_RETURN_IF_ERROR(WriteRecoveryCheckpointLocked());
  }
  return Status::Ok();
}

Status Log::Close() {
  std::lock_guard lock(mutex_);
  if (closed_) return Status::Ok();
  active().MarkInactive();
  for (auto& [base, segment] : segments_) BROOK_RETURN_IF_ERROR(segment->Flush());
  recovery_point_ = active().next_offset();
  BROOK_RETURN_IF_ERROR(WriteRecoveryCheckpointLocked());
  BROOK_RETURN_IF_ERROR(WriteLogStartCheckpointLocked());
  BROOK_RETURN_IF_ERROR(producers_.WriteSnapshot(env_, dir_, recovery_point_));
  if (!clean_marker_present_) {
    BROOK_RETURN_IF_ERROR(env_->WriteSmallFileAtomically(JoinPath(dir_, kCleanShutdownFile), {}));
    clean_marker_present_ = true;
  }
  closed_ = true;
  return Status::Ok();
}

Status Log::Delete() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  segments_.clear();
  return env_->DeleteDirRecursively(dir_);
}

void Log::SetConfig(const LogConfig& config) {
  std::lock_guard lock(mutex_);
  config_ = config;
}

Status Log::WriteLogStartCheckpointLocked() {
  if (written_log_start_ == log_start_offset_) return Status::Ok();
  BROOK_RETURN_IF_ERROR(WriteOffsetCheckpoint(env_, JoinPath(dir_, kLogStartOffsetCheckpointFile),
                                              topic_, partition_, log_start_offset_));
  written_log_start_ = log_start_offset_;
  return Status::Ok();
}

Status Log::WriteRecoveryCheckpointLocked() {
  if (written_recovery_point_ == recovery_point_) return Status::Ok();
  BROOK_RETURN_IF_ERROR(WriteOffsetCheckpoint(env_, JoinPath(dir_, kRecoveryPointCheckpointFile),
                                              topic_, partition_, recovery_point_));
  written_recovery_point_ = recovery_point_;
  return Status::Ok();
}

Status Log::LoadProducerStateLocked(Offset end) {
  std::vector<Offset> snapshots;
  BROOK_ASSIGN_OR_RETURN(snapshots, ProducerStateManager::ListSnapshots(env_, dir_));
  Offset first = segments_.begin()->first;
  // Snapshots past the end (a truncated tail) or before the first segment are of no use.
  BROOK_RETURN_IF_ERROR(ProducerStateManager::DeleteSnapshotsAfter(env_, dir_, end));
  BROOK_RETURN_IF_ERROR(ProducerStateManager::DeleteSnapshotsBefore(env_, dir_, first));
  Offset from = first;
  for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) {
    if (*it > end || *it < first) continue;
    Status loaded = producers_.LoadSnapshot(env_, dir_, *it);
    if (loaded.ok()) {
      from = *it;
      break;
    }
    Logger()->warn("[{}] deleting unreadable producer snapshot {}: {}", name_,
                   ProducerStateManager::SnapshotFileName(*it), loaded.ToString());
    BROOK_RETURN_IF_ERROR(
        env_->DeleteFile(JoinPath(dir_, ProducerStateManager::SnapshotFileName(*it))));
    producers_.Clear();
  }
  return ReplayProducerStateLocked(from, end);
}

Status Log::ReplayProducerStateLocked(Offset from, Offset end) {
  if (from >= end) return Status::Ok();
  int64_t batches = 0;
  auto it = segments_.upper_bound(from);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    Segment& segment = *it->second;
    std::optional<BatchLocation> first;
    BROOK_ASSIGN_OR_RETURN(first, segment.FindBatch(from));
    if (!first) continue;
    BatchReader reader(segment.log_file().get(), first->position, segment.size());
    while (true) {
      std::optional<RecordBatchView> batch;
      BROOK_ASSIGN_OR_RETURN(batch, reader.Next());
      if (!batch) break;
      if (batch->base_offset() < from || !batch->has_producer_id()) continue;
      BROOK_RETURN_IF_ERROR(UpdateProducerStateLocked(*batch, segment));
      ++batches;
    }
  }
  Logger()->debug("[{}] producer state: {} producers after replaying {} batches from offset {}",
                  name_, producers_.size(), batches, from);
  return Status::Ok();
}

Status Log::UpdateProducerStateLocked(const RecordBatchView& batch, Segment& segment) {
  std::optional<CompletedTxn> completed;
  BROOK_ASSIGN_OR_RETURN(completed, producers_.Update(batch));
  if (!completed || !completed->aborted) return Status::Ok();
  if (segment.txn_index().Contains(completed->last_offset)) return Status::Ok();
  Offset lso = producers_.FirstUnstableOffset().value_or(batch.next_offset());
  return segment.txn_index().Append(
      {completed->producer_id, completed->first_offset, completed->last_offset, lso});
}

Offset Log::last_stable_offset() const {
  std::lock_guard lock(mutex_);
  return producers_.FirstUnstableOffset().value_or(active().next_offset());
}

std::vector<AbortedTxn> Log::CollectAbortedTxns(Offset from, Offset upper) const {
  std::lock_guard lock(mutex_);
  std::vector<AbortedTxn> out;
  // Markers at or after `from` sit in the segment holding `from` or later ones.
  auto it = segments_.upper_bound(from);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) it->second->txn_index().Collect(from, upper, &out);
  return out;
}

std::vector<ProducerEntry> Log::Producers() const {
  std::lock_guard lock(mutex_);
  std::vector<ProducerEntry> out;
  for (const auto& [id, entry] : producers_.producers()) out.push_back(entry);
  return out;
}

int Log::RemoveExpiredProducers(int64_t now_ms, int64_t expiration_ms) {
  std::lock_guard lock(mutex_);
  return producers_.RemoveExpired(now_ms, expiration_ms);
}

Offset Log::log_start_offset() const {
  std::lock_guard lock(mutex_);
  return log_start_offset_;
}
Offset Log::log_end_offset() const {
  std::lock_guard lock(mutex_);
  return active().next_offset();
}
Offset Log::recovery_point() const {
  std::lock_guard lock(mutex_);
  return recovery_point_;
}
uint64_t Log::size_bytes() const {
  std::lock_guard lock(mutex_);
  uint64_t total = 0;
  for (const auto& [base, segment] : segments_) total += segment->size();
  return total;
}
size_t Log::segment_count() const {
  std::lock_guard lock(mutex_);
  return segments_.size();
}
LogConfig Log::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

std::vector<Log::SegmentInfo> Log::Segments() const {
  std::lock_guard lock(mutex_);
  std::vector<SegmentInfo> out;
  for (const auto& [base, segment] : segments_) {
    out.push_back({base, segment->next_offset(), segment->size(), segment->max_timestamp()});
  }
  return out;
}

}  // namespace brook::broker::log
