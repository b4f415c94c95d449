#include "broker/log/offset_index.h"

#include <algorithm>

#include <fmt/format.h>

#include "broker/log/index_format.h"
#include "common/assert.h"

namespace brook::broker::log {

Result<OffsetIndex> OffsetIndex::Parse(Offset base_offset, ByteView data, uint64_t log_size) {
  if (data.size() % kOffsetIndexEntrySize != 0) {
    return Status::Corruption(fmt::format("offset index size {} is not a multiple of {}",
                                          data.size(), kOffsetIndexEntrySize));
  }
  OffsetIndex index(base_offset);
  index.entries_.reserve(data.size() / kOffsetIndexEntrySize);
  for (size_t at = 0; at < data.size(); at += kOffsetIndexEntrySize) {
    uint32_t rel = LoadBigEndian<uint32_t>(data.data() + at);
    uint32_t pos = LoadBigEndian<uint32_t>(data.data() + at + 4);
    if (rel > static_cast<uint32_t>(INT32_MAX) || pos >= log_size) {
      return Status::Corruption(fmt::format("offset index entry {} ({}, {}) is out of range",
                                            at / kOffsetIndexEntrySize, rel, pos));
    }
    if (!index.entries_.empty() &&
        (rel <= index.entries_.back().relative_offset || pos <= index.entries_.back().position)) {
      return Status::Corruption(fmt::format("offset index entry {} ({}, {}) does not increase",
                                            at / kOffsetIndexEntrySize, rel, pos));
    }
    index.entries_.push_back({rel, pos});
  }
  return index;
}

void OffsetIndex::Append(Offset offset, uint64_t position) {
  int64_t rel = offset - base_offset_;
  BROOK_CHECK(rel >= 0 && rel <= INT32_MAX && position <= UINT32_MAX);
  BROOK_CHECK(entries_.empty() || (static_cast<uint32_t>(rel) > entries_.back().relative_offset &&
                                   position > entries_.back().position));
  entries_.push_back({static_cast<uint32_t>(rel), static_cast<uint32_t>(position)});
}

std::optional<OffsetIndex::Entry> OffsetIndex::Lookup(Offset target) const {
  int64_t rel = target - base_offset_;
  if (rel < 0 || entries_.empty()) return std::nullopt;
  uint32_t key = rel > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(rel);
  auto it = std::upper_bound(entries_.begin(), entries_.end(), key,
                             [](uint32_t k, const Slot& s) { return k < s.relative_offset; });
  if (it == entries_.begin()) return std::nullopt;
  --it;
  return Entry{base_offset_ + it->relative_offset, it->position};
}

std::optional<OffsetIndex::Entry> OffsetIndex::LookupPosition(uint64_t position) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), position,
                             [](uint64_t p, const Slot& s) { return p < s.position; });
  if (it == entries_.begin()) return std::nullopt;
  --it;
  return Entry{base_offset_ + it->relative_offset, it->position};
}

void OffsetIndex::TruncateFromOffset(Offset offset) {
  std::erase_if(entries_,
                [&](const Slot& s) { return base_offset_ + s.relative_offset >= offset; });
}

void OffsetIndex::TruncateFromPosition(uint64_t position) {
  std::erase_if(entries_, [&](const Slot& s) { return s.position >= position; });
}

size_t OffsetIndex::size_bytes() const { return entries_.size() * kOffsetIndexEntrySize; }

std::optional<OffsetIndex::Entry> OffsetIndex::last() const {
  if (entries_.empty()) return std::nullopt;
  return Entry{base_offset_ + entries_.back().relative_offset, entries_.back().position};
}

Bytes OffsetIndex::Serialize(size_t from) const {
  Bytes out;
  out.reserve((entries_.size() - std::min(from, entries_.size())) * kOffsetIndexEntrySize);
  for (size_t i = from; i < entries_.size(); ++i) {
    AppendBigEndian<uint32_t>(out, entries_[i].relative_offset);
    AppendBigEndian<uint32_t>(out, entries_[i].position);
  }
  return out;
}

Result<TimeIndex> TimeIndex::Parse(Offset base_offset, ByteView data) {
  if (data.size() % kTimeIndexEntrySize != 0) {
    return Status::Corruption(fmt::format("time index size {} is not a multiple of {}", data.size(),
                                          kTimeIndexEntrySize));
  }
  TimeIndex index(base_offset);
  for (size_t at = 0; at < data.size(); at += kTimeIndexEntrySize) {
    int64_t ts = LoadBigEndian<int64_t>(data.data() + at);
    int32_t rel = LoadBigEndian<int32_t>(data.data() + at + 8);
    if (rel < 0 ||
        (!index.entries_.empty() && (ts <= index.entries_.back().timestamp ||
                                     base_offset + rel < index.entries_.back().offset))) {
      return Status::Corruption(fmt::format("time index entry {} ({}, {}) does not increase",
                                            at / kTimeIndexEntrySize, ts, rel));
    }
    index.entries_.push_back({ts, base_offset + rel});
  }
  return index;
}

bool TimeIndex::MaybeAppend(int64_t timestamp, Offset offset) {
  if (!entries_.empty() &&
      (timestamp <= entries_.back().timestamp || offset < entries_.back().offset)) {
    return false;
  }
  BROOK_CHECK(offset - base_offset_ >= 0 && offset - base_offset_ <= INT32_MAX);
  entries_.push_back({timestamp, offset});
  return true;
}

std::optional<TimeIndex::Entry> TimeIndex::Lookup(int64_t timestamp) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), timestamp,
                             [](int64_t t, const Entry& e) { return t < e.timestamp; });
  if (it == entries_.begin()) return std::nullopt;
  return *std::prev(it);
}

void TimeIndex::TruncateFromOffset(Offset offset) {
  std::erase_if(entries_, [&](const Entry& e) { return e.offset >= offset; });
}

size_t TimeIndex::size_bytes() const { return entries_.size() * kTimeIndexEntrySize; }

std::optional<TimeIndex::Entry> TimeIndex::last() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back();
}

Bytes TimeIndex::Serialize(size_t from) const {
  Bytes out;
  for (size_t i = from; i < entries_.size(); ++i) {
    AppendBigEndian<int64_t>(out, entries_[i].timestamp);
    AppendBigEndian<int32_t>(out, static_cast<int32_t>(entries_[i].offset - base_offset_));
  }
  return out;
}

}  // namespace brook::broker::log
