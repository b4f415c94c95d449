#include "statestore/rocksdb/segments.h"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

#include "common/logging.h"
#include "framework/api/errors.h"
#include "statestore/rocksdb/rocksdb_instance.h"

namespace brook::statestore {

Segment::~Segment() {
  db.reset();
  if (delete_when_released) {
    std::error_code error;
    std::filesystem::remove_all(dir, error);
    if (error) {
      GetLogger("statestore")
          ->warn("[{}] cannot delete the expired segment: {}", dir.string(), error.message());
    }
  }
}

Segments::Segments(std::string store_name, int64_t segment_interval_ms,
                   const rocksdb::Comparator* comparator)
    : store_name_(std::move(store_name)), interval_(segment_interval_ms), comparator_(comparator) {}

Segments::~Segments() = default;

int64_t Segments::SegmentId(int64_t time) const {
  int64_t id = time / interval_;
  return (time % interval_ < 0) ? id - 1 : id;
}

void Segments::OpenExisting(const std::filesystem::path& store_dir,
                            const RocksDBResources& resources,
                            const std::map<std::string, std::string>& configs) {
  store_dir_ = store_dir;
  resources_ = &resources;
  configs_ = configs;
  std::error_code error;
  std::filesystem::create_directories(store_dir, error);
  if (error) {
    throw streams::ProcessorStateException(
        fmt::format("[{}] cannot create the store directory {}: {}", store_name_,
                    store_dir.string(), error.message()));
  }
  const std::string prefix = store_name_ + ".";
  std::vector<int64_t> starts;
  for (const auto& entry : std::filesystem::directory_iterator(store_dir)) {
    std::string file = entry.path().filename().string();
    if (!entry.is_directory() || file.rfind(prefix, 0) != 0) continue;
    int64_t start = 0;
    const char* first = file.data() + prefix.size();
    const char* last = file.data() + file.size();
    auto [end, parse_error] = std::from_chars(first, last, start);
    if (parse_error != std::errc() || end != last) continue;  // not a segment
    starts.push_back(start);
  }
  for (int64_t start : starts) GetOrCreate(SegmentId(start));
}

std::shared_ptr<Segment> Segments::GetOrCreate(int64_t id) {
  auto it = segments_.find(id);
  if (it != segments_.end()) return it->second;
  auto segment = std::make_shared<Segment>();
  segment->id = id;
  segment->dir = store_dir_ / fmt::format("{}.{}", store_name_, id * interval_);
  segment->db =
      RocksDBInstance::Open(store_name_, segment->dir, *resources_, configs_, comparator_);
  if (bulk_loading_) segment->db->SetBulkLoading(true);
  segments_.emplace(id, segment);
  return segment;
}

std::shared_ptr<Segment> Segments::Get(int64_t id) const {
  auto it = segments_.find(id);
  return it == segments_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Segment>> Segments::InRange(int64_t first_id, int64_t last_id) const {
  std::vector<std::shared_ptr<Segment>> found;
  for (auto it = segments_.lower_bound(first_id); it != segments_.end() && it->first <= last_id;
       ++it) {
    found.push_back(it->second);
  }
  return found;
}

void Segments::DropBelow(int64_t id) {
  while (!segments_.empty() && segments_.begin()->first < id) {
    segments_.begin()->second->delete_when_released = true;
    segments_.erase(segments_.begin());
  }
}

std::shared_ptr<Segment> Segments::Newest() const {
  return segments_.empty() ? nullptr : segments_.rbegin()->second;
}

void Segments::FlushAll() {
  for (auto& [id, segment] : segments_) segment->db->Flush();
}

void Segments::SetBulkLoading(bool on) {
  bulk_loading_ = on;
  for (auto& [id, segment] : segments_) segment->db->SetBulkLoading(on);
}

void Segments::CloseAll() {
  segments_.clear();
  bulk_loading_ = false;
}

}  // namespace brook::statestore
