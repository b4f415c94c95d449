#include "statestore/rocksdb/segment_key_comparator.h"

#include <rocksdb/comparator.h>
#include <rocksdb/slice.h>

#include <cstring>
#include <string_view>

#include "common/bytes.h"
#include "statestore/rocksdb/session_key_format.h"
#include "statestore/rocksdb/window_key_format.h"

namespace brook::statestore {

namespace {

int CompareBytes(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int CompareSigned(const char* a, const char* b) {
  auto x = LoadBigEndian<int64_t>(reinterpret_cast<const uint8_t*>(a));
  auto y = LoadBigEndian<int64_t>(reinterpret_cast<const uint8_t*>(b));
  return x < y ? -1 : (x > y ? 1 : 0);
}

// `suffix_size` bytes at the end: an int64, then either another int64 (sessions) or an int32
// seqnum compared as unsigned bytes (windows; it is never negative).
class SuffixComparator final : public rocksdb::Comparator {
 public:
  SuffixComparator(const char* name, size_t suffix_size, bool second_is_int64)
      : name_(name), suffix_size_(suffix_size), second_is_int64_(second_is_int64) {}

  const char* Name() const override { return name_; }

  int Compare(const rocksdb::Slice& a, const rocksdb::Slice& b) const override {
    std::string_view x(a.data(), a.size());
    std::string_view y(b.data(), b.size());
    bool x_short = x.size() < suffix_size_;
    bool y_short = y.size() < suffix_size_;
    if (x_short || y_short) {
      if (x_short && y_short) return CompareBytes(x, y);
      return x_short ? -1 : 1;
    }
    size_t x_key = x.size() - suffix_size_;
    size_t y_key = y.size() - suffix_size_;
    if (int c = CompareBytes(x.substr(0, x_key), y.substr(0, y_key))) return c;
    const char* xs = x.data() + x_key;
    const char* ys = y.data() + y_key;
    if (int c = CompareSigned(xs, ys)) return c;
    if (second_is_int64_) return CompareSigned(xs + 8, ys + 8);
    return CompareBytes(std::string_view(xs + 8, suffix_size_ - 8),
                        std::string_view(ys + 8, suffix_size_ - 8));
  }

  // No key shortening: index blocks keep whole keys (always correct, slightly bigger).
  void FindShortestSeparator(std::string*, const rocksdb::Slice&) const override {}
  void FindShortSuccessor(std::string*) const override {}

 private:
  const char* name_;
  size_t suffix_size_;
  bool second_is_int64_;
};

}  // namespace

const rocksdb::Comparator* WindowKeyComparator() {
  static const SuffixComparator comparator("brook.WindowKeyComparator.v1", window_key::kSuffixSize,
                                           false);
  return &comparator;
}

const rocksdb::Comparator* SessionKeyComparator() {
  static const SuffixComparator comparator("brook.SessionKeyComparator.v1",
                                           session_key::kSuffixSize, true);
  return &comparator;
}

}  // namespace brook::statestore
