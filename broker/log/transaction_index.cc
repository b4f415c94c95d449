#include "broker/log/transaction_index.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/assert.h"
#include "common/bytes.h"
#include "common/logging.h"

namespace brook::broker::log {
namespace {

constexpr int16_t kTxnIndexVersion = 0;

std::shared_ptr<spdlog::logger> Logger() {
  static auto logger = GetLogger("broker.log");
  return logger;
}

void AppendEntry(Bytes& out, const AbortedTxn& txn) {
  AppendBigEndian<int16_t>(out, kTxnIndexVersion);
  AppendBigEndian<int64_t>(out, txn.producer_id.value());
  AppendBigEndian<int64_t>(out, txn.first_offset.value());
  AppendBigEndian<int64_t>(out, txn.last_offset.value());
  AppendBigEndian<int64_t>(out, txn.last_stable_offset.value());
}

// Orders entries by last offset, the key they are sorted on, for std::lower_bound.
bool EndsBefore(const AbortedTxn& txn, Offset offset) { return txn.last_offset < offset; }

AbortedTxn LoadEntry(const uint8_t* p) {
  return {ProducerId(LoadBigEndian<int64_t>(p + 2)), Offset(LoadBigEndian<int64_t>(p + 10)),
          Offset(LoadBigEndian<int64_t>(p + 18)), Offset(LoadBigEndian<int64_t>(p + 26))};
}

// Reads the entries of `data` up to the first damage; `*damage` says what stopped the read
// (empty when every byte was a valid entry).
std::vector<AbortedTxn> ParseEntries(ByteView data, std::string* damage) {
  std::vector<AbortedTxn> entries;
  entries.reserve(data.size() / kTxnIndexEntrySize);
  size_t at = 0;
  for (; at + kTxnIndexEntrySize <= data.size(); at += kTxnIndexEntrySize) {
    int16_t version = LoadBigEndian<int16_t>(data.data() + at);
    if (version != kTxnIndexVersion) {
      *damage = fmt::format("entry {} has unknown version {}", entries.size(), version);
      return entries;
    }
    AbortedTxn txn = LoadEntry(data.data() + at);
    if (!entries.empty() && txn.last_offset <= entries.back().last_offset) {
      *damage = fmt::format("entry {} has last offset {}, not above {}", entries.size(),
                            txn.last_offset, entries.back().last_offset);
      return entries;
    }
    entries.push_back(txn);
  }
  if (at != data.size()) {
    *damage = fmt::format("size {} is not a multiple of {}", data.size(), kTxnIndexEntrySize);
  }
  return entries;
}

}  // namespace

Result<std::unique_ptr<TransactionIndex>> TransactionIndex::Open(Env* env, std::string path) {
  std::unique_ptr<TransactionIndex> index(new TransactionIndex(env, std::move(path)));
  if (!env->FileExists(index->path_)) return index;
  BROOK_ASSIGN_OR_RETURN(index->file_, env->OpenFile(index->path_));
  Bytes data(index->file_->Size());
  size_t n = 0;
  BROOK_ASSIGN_OR_RETURN(n, index->file_->ReadAt(0, data.data(), data.size()));
  data.resize(n);
  std::string damage;
  index->entries_ = ParseEntries(data, &damage);
  if (!damage.empty()) {
    uint64_t kept = index->entries_.size() * kTxnIndexEntrySize;
    Logger()->warn("[{}] {}: keeping {} entries, cutting {} bytes", index->path_, damage,
                   index->entries_.size(), data.size() - kept);
    BROOK_RETURN_IF_ERROR(index->file_->Truncate(kept));
    index->dirty_ = true;  // the next Flush makes the cut durable
  }
  return index;
}

Status TransactionIndex::Append(const AbortedTxn& txn) {
  if (!entries_.empty() && txn.last_offset <= entries_.back().last_offset) {
    return Status::InvalidArgument(fmt::format("[{}] aborted transaction at {} is not after {}",
                                               path_, txn.last_offset,
                                               entries_.back().last_offset));
  }
  if (file_ == nullptr) {
    BROOK_ASSIGN_OR_RETURN(file_, env_->OpenFile(path_));
    if (file_->Size() != 0) {
      // Bytes that appeared at the path after Open are no entries of this index.
      Logger()->warn("[{}] cutting {} bytes written after the index was opened", path_,
                     file_->Size());
      BROOK_RETURN_IF_ERROR(file_->Truncate(0));
    }
  }
  Bytes data;
  AppendEntry(data, txn);
  uint64_t size_before = file_->Size();
  Status appended = file_->Append(data);
  if (!appended.ok()) {
    file_->Truncate(size_before).IgnoreError();  // best effort: no torn entry for the next open
    return appended;
  }
  entries_.push_back(txn);
  dirty_ = true;
  return Status::Ok();
}

Status TransactionIndex::Flush() {
  if (!dirty_ || file_ == nullptr) return Status::Ok();
  BROOK_RETURN_IF_ERROR(file_->Sync());
  dirty_ = false;
  return Status::Ok();
}

Status TransactionIndex::TruncateTo(Offset offset) {
  auto first_dropped = std::lower_bound(entries_.begin(), entries_.end(), offset, EndsBefore);
  if (first_dropped == entries_.end()) return Status::Ok();
  entries_.erase(first_dropped, entries_.end());
  return Rewrite();
}

Status TransactionIndex::Rewrite() {
  // The file holds entries_ as a prefix (appends only ever add at the end), so cutting it keeps
  // exactly the kept entries without a moment where the file holds fewer.
  BROOK_CHECK(file_ != nullptr);  // entries exist only once the file is open
  uint64_t kept = entries_.size() * kTxnIndexEntrySize;
  if (file_->Size() >= kept) {
    BROOK_RETURN_IF_ERROR(file_->Truncate(kept));
  } else {
    Logger()->warn("[{}] file holds {} bytes, fewer than its {} entries; writing them again", path_,
                   file_->Size(), entries_.size());
    Bytes data;
    data.reserve(kept);
    for (const AbortedTxn& txn : entries_) AppendEntry(data, txn);
    BROOK_RETURN_IF_ERROR(file_->Truncate(0));
    BROOK_RETURN_IF_ERROR(file_->Append(data));
  }
  dirty_ = true;
  return Status::Ok();
}

Status TransactionIndex::Delete() {
  if (env_->FileExists(path_)) BROOK_RETURN_IF_ERROR(env_->DeleteFile(path_));
  file_.reset();
  entries_.clear();
  dirty_ = false;
  return Status::Ok();
}

Status TransactionIndex::Rename(std::string new_path) {
  if (!env_->FileExists(path_)) {
    path_ = std::move(new_path);
    return Status::Ok();
  }
  BROOK_RETURN_IF_ERROR(env_->RenameFile(path_, new_path));
  path_ = std::move(new_path);
  // Reopened so the handle's own path (named in its I/O errors) is the new one.
  if (file_ != nullptr) {
    BROOK_ASSIGN_OR_RETURN(file_, env_->OpenFile(path_));
  }
  return Status::Ok();
}

void TransactionIndex::Collect(Offset from, Offset upper, std::vector<AbortedTxn>* out) const {
  auto first = std::lower_bound(entries_.begin(), entries_.end(), from, EndsBefore);
  // First offsets are not sorted (a long transaction can start before an earlier-aborted one),
  // so every entry from `first` on is checked.
  for (auto it = first; it != entries_.end(); ++it) {
    if (it->first_offset < upper) out->push_back(*it);
  }
}

bool TransactionIndex::Contains(Offset last_offset) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), last_offset, EndsBefore);
  return it != entries_.end() && it->last_offset == last_offset;
}

}  // namespace brook::broker::log
