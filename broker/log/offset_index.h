#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::log {

// The sparse offset -> file position map of one segment, held in memory and persisted as
// <base>.index (index_format.h). Entries name the LAST offset of a batch and the position where
// that batch starts, so Lookup(t) yields a batch at or before the one holding offset t.
// Thread safety: none; the owning Log serialises access.
class OffsetIndex {
 public:
  struct Entry {
    Offset offset;      // last offset of the batch at `position`
    uint64_t position;  // byte position of the batch in the segment's .log file
  };

  explicit OffsetIndex(Offset base_offset) : base_offset_(base_offset) {}

  // Rebuilds the index from the bytes of an .index file. Corruption when the size is not a
  // multiple of the entry size, entries are not strictly increasing, or a position is at or past
  // `log_size` (the size of the segment's .log file).
  static Result<OffsetIndex> Parse(Offset base_offset, ByteView data, uint64_t log_size);

  // Adds an entry; `offset` and `position` must exceed the last entry's.
  void Append(Offset offset, uint64_t position);
  // The entry with the largest offset <= `target`, or nullopt (then scan from position 0).
  std::optional<Entry> Lookup(Offset target) const;
  // The entry with the largest position <= `position`, or nullopt.
  std::optional<Entry> LookupPosition(uint64_t position) const;
  // Drops entries with offset >= `offset`.
  void TruncateFromOffset(Offset offset);
  // Drops entries with position >= `position`.
  void TruncateFromPosition(uint64_t position);

  size_t entry_count() const { return entries_.size(); }
  size_t size_bytes() const;
  std::optional<Entry> last() const;
  // Serialised entries [from, entry_count()).
  Bytes Serialize(size_t from = 0) const;

 private:
  Offset base_offset_;
  // Stored compactly: relative offset and 32-bit position, as on disk.
  struct Slot {
    uint32_t relative_offset;
    uint32_t position;
  };
  std::vector<Slot> entries_;
};

// The sparse timestamp -> offset map of one segment, persisted as <base>.timeindex.
// Thread safety: none; the owning Log serialises access.
class TimeIndex {
 public:
  struct Entry {
    int64_t timestamp;  // largest timestamp in the segment up to `offset`
    Offset offset;      // last offset of the batch holding that timestamp
  };

  explicit TimeIndex(Offset base_offset) : base_offset_(base_offset) {}

  // Corruption when the size is not a multiple of 12 or entries do not strictly increase.
  static Result<TimeIndex> Parse(Offset base_offset, ByteView data);

  // Adds an entry when `timestamp` exceeds the last entry's; returns whether it did.
  bool MaybeAppend(int64_t timestamp, Offset offset);
  // The entry with the largest timestamp <= `timestamp`, or nullopt.
  std::optional<Entry> Lookup(int64_t timestamp) const;
  void TruncateFromOffset(Offset offset);

  size_t entry_count() const { return entries_.size(); }
  size_t size_bytes() const;
  std::optional<Entry> last() const;
  Bytes Serialize(size_t from = 0) const;

 private:
  Offset base_offset_;
  std::vector<Entry> entries_;
};

}  // namespace brook::broker::log
