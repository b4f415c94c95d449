#include "tools/offset_reset.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <limits>

namespace brook::tools {
namespace {

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

// Reads the characters of an ISO-8601 date and time one field at a time.
class DateTimeReader {
 public:
  explicit DateTimeReader(const std::string& text) : text_(text) {}

  bool Digits(int count, int& value) {
    value = 0;
    for (int i = 0; i < count; ++i, ++position_) {
      if (position_ >= text_.size() ||
          !std::isdigit(static_cast<unsigned char>(text_[position_]))) {
        return false;
      }
      value = value * 10 + (text_[position_] - '0');
    }
    return true;
  }
  // Milliseconds of a fraction of a second (digits after the point; beyond ms they are dropped).
  bool Fraction(int& millis) {
    millis = 0;
    int count = 0;
    while (position_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[position_]))) {
      if (count < 3) millis = millis * 10 + (text_[position_] - '0');
      ++count;
      ++position_;
    }
    for (int i = count; i < 3; ++i) millis *= 10;
    return count > 0;
  }
  bool Accept(char c) {
    if (position_ >= text_.size() || text_[position_] != c) return false;
    ++position_;
    return true;
  }
  bool AtEnd() const { return position_ == text_.size(); }

 private:
  const std::string& text_;
  size_t position_ = 0;
};

// The zone's offset from UTC in minutes: Z, +HH, +HHMM, +HH:MM (or -), or nothing (UTC).
bool ReadZone(DateTimeReader& reader, int& offset_minutes) {
  offset_minutes = 0;
  if (reader.AtEnd() || reader.Accept('Z')) return true;
  int sign = 0;
  if (reader.Accept('+')) sign = 1;
  if (sign == 0 && reader.Accept('-')) sign = -1;
  if (sign == 0) return false;
  int hours = 0;
  int minutes = 0;
  if (!reader.Digits(2, hours) || hours > 23) return false;
  if (reader.Accept(':') || !reader.AtEnd()) {
    if (!reader.Digits(2, minutes) || minutes > 59) return false;
  }
  offset_minutes = sign * (hours * 60 + minutes);
  return true;
}

}  // namespace

Result<PlannedOffset> PlanOffset(const TopicPartition& partition, const ResetSpec& spec,
                                 const PartitionOffsets& offsets) {
  int64_t requested = 0;
  switch (spec.strategy) {
    case ResetStrategy::kToEarliest:
      requested = offsets.log_start;
      break;
    case ResetStrategy::kToLatest:
      requested = offsets.log_end;
      break;
    case ResetStrategy::kToOffset:
      requested = spec.value;
      break;
    case ResetStrategy::kShiftBy:
      if (!offsets.committed) {
        return Status::FailedPrecondition("cannot shift the offset of partition " +
                                          PartitionName(partition) +
                                          ": the group has no committed offset for it");
      }
      requested = SaturatingAdd(*offsets.committed, spec.value);
      break;
    case ResetStrategy::kToDatetime:
      requested = offsets.offset_for_time >= 0 ? offsets.offset_for_time : offsets.log_end;
      break;
  }
  PlannedOffset planned{requested, ""};
  if (requested > offsets.log_end) {
    planned.offset = offsets.log_end;
    planned.warning = "New offset (" + std::to_string(requested) +
                      ") is higher than latest offset for topic partition " +
                      PartitionName(partition) + ". Value will be set to " +
                      std::to_string(offsets.log_end);
  } else if (requested < offsets.log_start) {
    planned.offset = offsets.log_start;
    planned.warning = "New offset (" + std::to_string(requested) +
                      ") is lower than earliest offset for topic partition " +
                      PartitionName(partition) + ". Value will be set to " +
                      std::to_string(offsets.log_start);
  }
  return planned;
}

Result<int64_t> ParseDateTime(const std::string& text) {
  const Status bad = Status::InvalidArgument(
      "cannot read '" + text +
      "' as a date and time: expected YYYY-MM-DDTHH:MM:SS[.sss] with an optional zone "
      "(Z, +HH:MM, -HH:MM; none means UTC)");
  DateTimeReader reader(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (!reader.Digits(4, year) || !reader.Accept('-') || !reader.Digits(2, month) ||
      !reader.Accept('-') || !reader.Digits(2, day) || !reader.Accept('T') ||
      !reader.Digits(2, hour) || !reader.Accept(':') || !reader.Digits(2, minute)) {
    return bad;
  }
  if (reader.Accept(':')) {
    if (!reader.Digits(2, second)) return bad;
    if (reader.Accept('.') && !reader.Fraction(millis)) return bad;
  }
  int zone_minutes = 0;
  if (!ReadZone(reader, zone_minutes) || !reader.AtEnd()) return bad;
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return bad;
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  const int64_t minutes = (days * 24 + hour) * 60 + minute - zone_minutes;
  return (minutes * 60 + second) * 1000 + millis;
}

Result<TopicSelection> ParseTopicSelection(const std::string& text) {
  const size_t colon = text.find(':');
  TopicSelection selection{text.substr(0, colon), {}};
  if (selection.topic.empty()) {
    return Status::InvalidArgument("expected TOPIC or TOPIC:P,P,..., got '" + text + "'");
  }
  if (colon == std::string::npos) return selection;
  const std::string list = text.substr(colon + 1);
  size_t start = 0;
  while (true) {
    const size_t comma = std::min(list.find(',', start), list.size());
    int32_t partition = -1;
    const char* first = list.data() + start;
    const char* last = list.data() + comma;
    auto [end, error] = std::from_chars(first, last, partition);
    if (first == last || error != std::errc() || end != last || partition < 0) {
      return Status::InvalidArgument("expected TOPIC:P,P,... with partition numbers, got '" + text +
                                     "'");
    }
    selection.partitions.push_back(partition);
    if (comma == list.size()) break;
    start = comma + 1;
  }
  std::sort(selection.partitions.begin(), selection.partitions.end());
  selection.partitions.erase(std::unique(selection.partitions.begin(), selection.partitions.end()),
                             selection.partitions.end());
  return selection;
}

}  // namespace brook::tools
