#include "broker/log/log_cleaner.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "broker/log/batch_reader.h"
#include "broker/log/checkpoint.h"
#include "broker/log/segment_swap.h"
#include "broker/record/batch_builder.h"
#include "broker/record/control_record.h"
#include "broker/record/record.h"
#include "common/logging.h"

namespace brook::broker::log {

using record::RecordBatchView;

namespace {

std::shared_ptr<spdlog::logger> Logger() {
  static auto logger = GetLogger("broker.cleaner");
  return logger;
}

// The records [first, last] of one aborted transaction of a producer.
struct TxnRange {
  Offset first;
  Offset last;
};

// What a scan of the whole log says about transactions and producers.
struct TxnScan {
  std::unordered_map<int64_t, std::vector<TxnRange>> aborted;  // by producer id
  std::optional<Offset> first_unstable;  // first offset of the earliest still-open transaction
  std::unordered_map<int64_t, Offset> last_batch;  // base offset of each producer's last batch

  bool IsAborted(ProducerId producer, Offset offset) const {
    auto it = aborted.find(producer.value());
    if (it == aborted.end()) return false;
    for (const auto& range : it->second) {
      if (range.first <= offset && offset <= range.last) return true;
    }
    return false;
  }
  bool IsLastBatchOfProducer(const RecordBatchView& batch) const {
    if (!batch.has_producer_id()) return false;
    auto it = last_batch.find(batch.producer_id().value());
    return it != last_batch.end() && it->second == batch.base_offset();
  }
};

// The type of the marker in a control batch; nullopt for an empty or unknown one.
Result<std::optional<record::ControlType>> MarkerType(const RecordBatchView& batch) {
  std::optional<record::DecodedBatch> decoded;
  BROOK_ASSIGN_OR_RETURN(decoded, record::DecodedBatch::Decode(batch));
  if (decoded->records().empty()) return std::optional<record::ControlType>();
  record::ControlRecord control;
  BROOK_ASSIGN_OR_RETURN(control, record::ParseControlRecord(decoded->records().front()));
  if (control.version != 0 || (control.type != record::ControlType::kAbort &&
                               control.type != record::ControlType::kCommit)) {
    return std::optional<record::ControlType>();
  }
  return std::optional<record::ControlType>(control.type);
}

}  // namespace

struct LogCleaner::Snapshot {
  struct SegmentRef {
    Offset base;
    std::shared_ptr<File> file;
    uint64_t size;
    int64_t max_timestamp;
    const Segment* identity;
  };
  std::vector<SegmentRef> segments;  // closed segments, oldest first
  uint64_t active_size = 0;
  std::shared_ptr<File> active_file;
  Offset active_base;
  Offset log_start;
  Offset first_dirty;
  LogConfig config;
  int64_t now = 0;
  Env* env = nullptr;
  std::string dir;
  std::string name;
};

struct LogCleaner::Group {
  std::vector<const Snapshot::SegmentRef*> segments;
  Offset base() const { return segments.front()->base; }
};

Result<LogCleaner::Snapshot> LogCleaner::TakeSnapshot(Log& log) {
  Snapshot snap;
  std::lock_guard lock(log.mutex_);
  if (log.closed_) return Status::FailedPrecondition(fmt::format("[{}] log is closed", log.name_));
  for (auto it = log.segments_.begin(); std::next(it) != log.segments_.end(); ++it) {
    snap.segments.push_back({it->first, it->second->log_file(), it->second->size(),
                             it->second->max_timestamp(), it->second.get()});
  }
  snap.active_base = log.active().base_offset();
  snap.active_file = log.active().log_file();
  snap.active_size = log.active().size();
  snap.log_start = log.log_start_offset_;
  snap.config = log.config_;
  snap.now = log.clock_->NowMs();
  snap.env = log.env_;
  snap.dir = log.dir_;
  snap.name = log.name_;
  auto checkpoint =
      ReadOffsetCheckpoint(log.env_, JoinPath(log.dir_, kCleanerOffsetCheckpointFile));
  Offset end = log.active().next_offset();
  snap.first_dirty = snap.log_start;
  if (checkpoint.ok() && checkpoint->has_value() && **checkpoint >= snap.log_start &&
      **checkpoint <= end) {
    snap.first_dirty = **checkpoint;
  }
  return snap;
}

Result<double> LogCleaner::DirtyRatio(Log& log) {
  Snapshot snap;
  BROOK_ASSIGN_OR_RETURN(snap, TakeSnapshot(log));
  if (!snap.config.cleanup_compact) return 0.0;
  uint64_t clean = 0;
  uint64_t dirty = 0;
  int64_t lag_limit = snap.now - snap.config.min_compaction_lag_ms;
  for (const auto& seg : snap.segments) {
    if (seg.base < snap.first_dirty) {
      clean += seg.size;
    } else if (snap.config.min_compaction_lag_ms <= 0 || seg.max_timestamp <= lag_limit) {
      dirty += seg.size;
    } else {
      break;
    }
  }
  return clean + dirty == 0 ? 0.0 : static_cast<double>(dirty) / static_cast<double>(clean + dirty);
}

Result<CleanStats> LogCleaner::Clean(Log& log) {
  Snapshot snap;
  BROOK_ASSIGN_OR_RETURN(snap, TakeSnapshot(log));
  CleanStats stats;
  stats.first_dirty_offset = snap.first_dirty;
  stats.end_offset = snap.first_dirty;
  if (!snap.config.cleanup_compact) {
    return Status::FailedPrecondition(
        fmt::format("[{}] cleanup.policy does not include compact", snap.name));
  }

  // 1. Transactions and producers, over the whole log.
  TxnScan txns;
  std::unordered_map<int64_t, Offset> open;  // producer -> first offset of its open transaction
  auto scan_file = [&](const File* file, uint64_t size) -> Status {
    BatchReader reader(file, 0, size);
    while (true) {
      std::optional<RecordBatchView> batch;
      BROOK_ASSIGN_OR_RETURN(batch, reader.Next());
      if (!batch) return Status::Ok();
      if (!batch->has_producer_id()) continue;
      int64_t producer = batch->producer_id().value();
      txns.last_batch[producer] = batch->base_offset();
      if (!batch->is_transactional()) continue;
      if (!batch->is_control()) {
        open.emplace(producer, batch->base_offset());
        continue;
      }
      std::optional<record::ControlType> type;
      BROOK_ASSIGN_OR_RETURN(type, MarkerType(*batch));
      auto it = open.find(producer);
      if (!type || it == open.end()) continue;
      if (*type == record::ControlType::kAbort) {
        txns.aborted[producer].push_back({it->second, batch->last_offset()});
      }
      open.erase(it);
    }
  };
  for (const auto& seg : snap.segments) BROOK_RETURN_IF_ERROR(scan_file(seg.file.get(), seg.size));
  BROOK_RETURN_IF_ERROR(scan_file(snap.active_file.get(), snap.active_size));
  for (const auto& [producer, first] : open) {
    if (!txns.first_unstable || first < *txns.first_unstable) txns.first_unstable = first;
  }

  // 2. The first uncleanable offset, and the key -> latest offset map of the dirty section.
  Offset uncleanable = snap.active_base;
  if (txns.first_unstable) uncleanable = std::min(uncleanable, *txns.first_unstable);
  if (snap.config.min_compaction_lag_ms > 0) {
    for (const auto& seg : snap.segments) {
      if (seg.base >= snap.first_dirty &&
          seg.max_timestamp > snap.now - snap.config.min_compaction_lag_ms) {
        uncleanable = std::min(uncleanable, seg.base);
        break;
      }
    }
  }
  if (snap.first_dirty > uncleanable) return stats;
  std::unordered_map<std::string, Offset> latest;
  for (const auto& seg : snap.segments) {
    if (seg.base >= uncleanable) break;
    BatchReader reader(seg.file.get(), 0, seg.size);
    while (true) {
      std::optional<RecordBatchView> batch;
      BROOK_ASSIGN_OR_RETURN(batch, reader.Next());
      if (!batch || batch->base_offset() >= uncleanable) break;
      if (batch->last_offset() < snap.first_dirty || batch->is_control()) continue;
      if (batch->is_transactional() && txns.IsAborted(batch->producer_id(), batch->base_offset())) {
        continue;
      }
      std::optional<record::DecodedBatch> decoded;
      BROOK_ASSIGN_OR_RETURN(decoded, record::DecodedBatch::Decode(*batch));
      for (const auto& rec : decoded->records()) {
        if (rec.key && rec.offset >= snap.first_dirty && rec.offset < uncleanable) {
          latest[std::string(AsChars(*rec.key))] = rec.offset;
        }
      }
    }
  }

  // 3. Group the segments to rewrite: consecutive, at most segment.bytes together.
  std::vector<Group> groups;
  uint64_t group_bytes = 0;
  for (size_t i = 0; i < snap.segments.size(); ++i) {
    const auto& seg = snap.segments[i];
    if (seg.base >= uncleanable) break;
    // Offsets in a segment are stored relative to its base as int32.
    Offset seg_end = i + 1 < snap.segments.size() ? snap.segments[i + 1].base : snap.active_base;
    if (groups.empty() ||
        static_cast<int64_t>(group_bytes + seg.size) > snap.config.segment_bytes ||
        seg_end - groups.back().base() > INT32_MAX) {
      groups.emplace_back();
      group_bytes = 0;
    }
    groups.back().segments.push_back(&seg);
    group_bytes += seg.size;
  }

  // 4. Rewrite group by group, in offset order (the transaction bookkeeping spans groups).
  std::unordered_map<int64_t, bool> saw_aborted_data;    // producer -> data of its aborted txn
  std::unordered_map<int64_t, bool> saw_committed_data;  // producer -> data of its txn
  const int64_t now = snap.now;
  const int64_t new_horizon = now + snap.config.delete_retention_ms;
  for (const Group& group : groups) {
    std::unique_ptr<Segment> cleaned;
    BROOK_ASSIGN_OR_RETURN(cleaned,
                           Segment::Create(snap.env, snap.dir, group.base(), kCleanedSuffix));
    bool changed = group.segments.size() > 1;
    auto note_horizon = [&](int64_t horizon) {
      if (stats.next_delete_horizon_ms < 0 || horizon < stats.next_delete_horizon_ms) {
        stats.next_delete_horizon_ms = horizon;
      }
    };
    for (const auto* seg : group.segments) {
      stats.bytes_in += seg->size;
      ++stats.segments_in;
      BatchReader reader(seg->file.get(), 0, seg->size);
      while (true) {
        std::optional<RecordBatchView> batch;
        BROOK_ASSIGN_OR_RETURN(batch, reader.Next());
        if (!batch) break;
        const int64_t producer = batch->producer_id().value();
        const bool keep_empty = txns.IsLastBatchOfProducer(*batch);
        const bool horizon_passed = batch->has_delete_horizon() && batch->base_timestamp() <= now;
        bool verbatim = batch->last_offset() >= uncleanable;
        bool drop_records = false;  // drop every record of the batch
        bool set_horizon = false;   // rewrite with a fresh delete horizon
        std::optional<record::DecodedBatch> decoded;
        std::vector<const record::RecordView*> kept;
        if (verbatim) {
          // Past the cleanable end: untouched.
        } else if (batch->is_control()) {
          std::optional<record::ControlType> type;
          BROOK_ASSIGN_OR_RETURN(type, MarkerType(*batch));
          bool can_discard = true;
          if (type == record::ControlType::kAbort) {
            can_discard = !saw_aborted_data[producer];
            saw_aborted_data[producer] = false;
          } else if (type == record::ControlType::kCommit) {
            can_discard = !saw_committed_data[producer];
            saw_committed_data[producer] = false;
          }
          if (!can_discard) {
            verbatim = true;
          } else if (horizon_passed) {
            drop_records = true;
          } else if (batch->has_delete_horizon()) {
            verbatim = true;
          } else {
            set_horizon = true;
            BROOK_ASSIGN_OR_RETURN(decoded, record::DecodedBatch::Decode(*batch));
            for (const auto& rec : decoded->records()) kept.push_back(&rec);
          }
        } else if (batch->is_transactional() &&
                   txns.IsAborted(batch->producer_id(), batch->base_offset())) {
          saw_aborted_data[producer] = true;
          drop_records = true;
        } else {
          if (batch->is_transactional()) saw_committed_data[producer] = true;
          BROOK_ASSIGN_OR_RETURN(decoded, record::DecodedBatch::Decode(*batch));
          bool kept_tombstone = false;
          for (const auto& rec : decoded->records()) {
            if (!rec.key) continue;  // a compacted log has no use for keyless records
            if (rec.offset < uncleanable) {
              auto it = latest.find(std::string(AsChars(*rec.key)));
              if (it != latest.end() && it->second > rec.offset) continue;  // superseded
              if (!rec.value && horizon_passed) continue;                   // expired tombstone
            }
            kept_tombstone |= !rec.value;
            kept.push_back(&rec);
          }
          set_horizon = kept_tombstone && !batch->has_delete_horizon();
          verbatim = kept.size() == decoded->records().size() && !set_horizon;
        }

        if (verbatim) {
          if (batch->has_delete_horizon()) note_horizon(batch->base_timestamp());
          BROOK_RETURN_IF_ERROR(cleaned->Append(*batch, snap.config.index_interval_bytes));
          continue;
        }
        changed = true;
        if (drop_records) kept.clear();
        stats.records_removed += batch->record_count() - static_cast<int64_t>(kept.size());
        if (kept.empty() && !keep_empty) {
          ++stats.batches_removed;
          continue;
        }
        record::BatchBuilderOptions options;
        options.compression = batch->compression();
        options.timestamp_type = batch->timestamp_type();
        if (batch->timestamp_type() == record::TimestampType::kLogAppendTime) {
          options.log_append_time_ms = batch->max_timestamp();
        }
        options.base_offset = batch->base_offset();
        options.partition_leader_epoch = batch->partition_leader_epoch();
        options.producer_id = batch->producer_id();
        options.producer_epoch = batch->producer_epoch();
        options.base_sequence = batch->base_sequence();
        options.transactional = batch->is_transactional();
        options.control = batch->is_control();
        options.last_offset_delta = batch->last_offset_delta();
        if (batch->has_delete_horizon()) {
          options.delete_horizon_ms = batch->base_timestamp();
        } else if (set_horizon) {
          options.delete_horizon_ms = new_horizon;
        }
        if (options.delete_horizon_ms) note_horizon(*options.delete_horizon_ms);
        record::RecordBatchBuilder builder(options);
        for (const auto* rec : kept) {
          BROOK_RETURN_IF_ERROR(builder.AddWithOffsetDelta(rec->offset_delta, rec->timestamp,
                                                           rec->key, rec->value, rec->headers));
        }
        Bytes rebuilt;
        BROOK_ASSIGN_OR_RETURN(rebuilt, builder.Build());
        auto view = RecordBatchView::Parse(rebuilt);
        if (!view.ok()) return view.status();
        BROOK_RETURN_IF_ERROR(cleaned->Append(*view, snap.config.index_interval_bytes));
      }
    }
    if (!changed) {  // nothing to gain from a swap
      BROOK_RETURN_IF_ERROR(cleaned->DeleteFiles());
      continue;
    }
    cleaned->MarkInactive();
    BROOK_RETURN_IF_ERROR(cleaned->Flush());
    stats.bytes_out += cleaned->size();
    bool swapped = false;
    BROOK_ASSIGN_OR_RETURN(swapped, SwapIn(log, group, *cleaned));
    if (!swapped) {
      stats.aborted = true;
      Logger()->info("[{}] cleaning stopped: the log changed during the pass", snap.name);
      return stats;
    }
    ++stats.segments_out;
  }

  stats.end_offset = uncleanable;
  BROOK_RETURN_IF_ERROR(WriteOffsetCheckpoint(snap.env,
                                              JoinPath(snap.dir, kCleanerOffsetCheckpointFile),
                                              log.topic_, log.partition_, uncleanable));
  Logger()->info("[{}] cleaned offsets {}..{}: {} segments, {} -> {} bytes, {} records removed",
                 snap.name, snap.log_start, uncleanable, stats.segments_in, stats.bytes_in,
                 stats.bytes_out, stats.records_removed);
  return stats;
}

Result<bool> LogCleaner::SwapIn(Log& log, const Group& group, Segment& cleaned) {
  std::lock_guard lock(log.mutex_);
  bool unchanged = !log.closed_;
  for (const auto* seg : group.segments) {
    auto it = log.segments_.find(seg->base);
    unchanged = unchanged && it != log.segments_.end() && it->second.get() == seg->identity &&
                std::next(it) != log.segments_.end();
  }
  if (!unchanged) {
    BROOK_RETURN_IF_ERROR(cleaned.DeleteFiles());
    return false;
  }
  std::vector<Offset> replaced;
  for (const auto* seg : group.segments) replaced.push_back(seg->base);
  BROOK_RETURN_IF_ERROR(WriteSwapMarker(log.env_, log.dir_, group.base(), replaced));
  BROOK_RETURN_IF_ERROR(CompleteSwap(log.env_, log.dir_, group.base()));
  for (Offset base : replaced) log.segments_.erase(base);
  std::unique_ptr<Segment> segment;
  BROOK_ASSIGN_OR_RETURN(segment, Segment::Open(log.env_, log.dir_, group.base()));
  BROOK_RETURN_IF_ERROR(segment->LoadIndexes());
  log.segments_.emplace(group.base(), std::move(segment));
  return true;
}

LogCleaner::~LogCleaner() { Stop(); }

void LogCleaner::Register(Log* log) {
  std::lock_guard lock(mutex_);
  logs_.push_back(log);
}

void LogCleaner::Unregister(Log* log) {
  std::unique_lock lock(mutex_);
  std::erase(logs_, log);
  delete_horizons_.erase(log);
  idle_.wait(lock, [&] { return busy_ != log; });
}

void LogCleaner::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void LogCleaner::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<bool> LogCleaner::CleanOnce() {
  Log* dirtiest = nullptr;
  {
    std::lock_guard lock(mutex_);
    double best = -1;
    for (Log* log : logs_) {
      auto ratio = DirtyRatio(*log);
      if (!ratio.ok()) continue;
      double score = *ratio >= log->config().min_cleanable_dirty_ratio && *ratio > 0 ? *ratio : -1;
      auto horizon = delete_horizons_.find(log);
      if (score < 0 && horizon != delete_horizons_.end() && horizon->second >= 0 &&
          horizon->second <= log->clock_->NowMs()) {
        score = 0;  // expired tombstones or markers to drop
      }
      if (score > best) {
        best = score;
        dirtiest = log;
      }
    }
    if (dirtiest == nullptr) return false;
    busy_ = dirtiest;
  }
  auto result = Clean(*dirtiest);
  {
    std::lock_guard lock(mutex_);
    busy_ = nullptr;
    if (result.ok() && !result->aborted)
      delete_horizons_[dirtiest] = result->next_delete_horizon_ms;
  }
  idle_.notify_all();
  if (!result.ok()) {  // the log line names the partition
    return Status(result.status().code(), dirtiest->name() + ": " + result.status().message());
  }
  return true;
}

void LogCleaner::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto cleaned = CleanOnce();
    if (!cleaned.ok()) Logger()->warn("cleaning failed: {}", cleaned.status().ToString());
    lock.lock();
    if (cleaned.ok() && *cleaned) continue;  // more may be dirty
    wake_.wait_for(lock, std::chrono::milliseconds(backoff_ms_), [&] { return stopping_; });
  }
}

}  // namespace brook::broker::log
