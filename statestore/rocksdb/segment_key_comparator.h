#pragma once

namespace rocksdb {
class Comparator;
}  // namespace rocksdb

namespace brook::statestore {

// The RocksDB comparators of the segmented stores. Both split a key into the record key (all but
// the fixed-size suffix) and the suffix, and order by record key bytes (unsigned, shorter first
// when one is a prefix of the other), then the suffix's numbers as signed values, so one
// record key's entries are contiguous and in time order even when another key extends it. A
// bytewise order would interleave "a" and "a\0" and put negative times last. Keys shorter
// than the suffix (the segment's metadata key) come first, bytewise.
//
// Their names are stored in each segment's files: a segment opens only with the same one.
// Static objects that live for the whole process; thread-safe.

// Window keys: [key][start int64][seqnum int32], "brook.WindowKeyComparator.v1".
const rocksdb::Comparator* WindowKeyComparator();
// Session keys: [key][end int64][start int64], "brook.SessionKeyComparator.v1".
const rocksdb::Comparator* SessionKeyComparator();

}  // namespace brook::statestore
