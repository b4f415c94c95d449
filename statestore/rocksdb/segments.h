#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rocksdb {
class Comparator;
}  // namespace rocksdb

namespace brook::statestore {

class RocksDBInstance;
class RocksDBResources;

// One time segment of a window or session store: a RocksDB instance in
// <store dir>/<store name>.<segment start ms> holding the entries whose segment time (window
// start, session end) falls in [start, start + interval). Shared by the store and the iterators
// reading it; a segment dropped for expiry while an iterator reads it is closed and deleted from
// disk when that iterator lets it go.
struct Segment {
  int64_t id = 0;  // start / interval
  std::filesystem::path dir;
  std::unique_ptr<RocksDBInstance> db;
  bool delete_when_released = false;

  ~Segment();
};

// The segments of one store (Kafka's KeyValueSegments): segment id = floor(time / interval).
// Thread safety: none; one task's thread.
class Segments {
 public:
  Segments(std::string store_name, int64_t segment_interval_ms,
           const rocksdb::Comparator* comparator);
  ~Segments();
  Segments(const Segments&) = delete;
  Segments& operator=(const Segments&) = delete;

  // Opens every segment directory found in `store_dir` (creating it). Throws
  // ProcessorStateException when one cannot be opened.
  void OpenExisting(const std::filesystem::path& store_dir, const RocksDBResources& resources,
                    const std::map<std::string, std::string>& configs);
  int64_t SegmentId(int64_t time) const;
  int64_t SegmentStart(int64_t id) const { return id * interval_; }
  // The segment `id`, opened (created) if needed.
  std::shared_ptr<Segment> GetOrCreate(int64_t id);
  // nullptr when segment `id` does not exist.
  std::shared_ptr<Segment> Get(int64_t id) const;
  // Existing segments with first_id <= id <= last_id, by id.
  std::vector<std::shared_ptr<Segment>> InRange(int64_t first_id, int64_t last_id) const;
  // Closes the segments with an id below `id` and deletes their directories.
  void DropBelow(int64_t id);
  // The newest segment, nullptr when there is none.
  std::shared_ptr<Segment> Newest() const;
  void FlushAll();
  // RocksDBInstance::SetBulkLoading on every segment, and on the ones opened while it is on.
  void SetBulkLoading(bool on);
  // Closes every segment (the ones an iterator still holds close when it lets them go).
  void CloseAll();
  size_t size() const { return segments_.size(); }

 private:
  std::string store_name_;
  int64_t interval_;
  const rocksdb::Comparator* comparator_;
  std::filesystem::path store_dir_;
  const RocksDBResources* resources_ = nullptr;
  std::map<std::string, std::string> configs_;  // a copy: segments open long after init
  std::map<int64_t, std::shared_ptr<Segment>> segments_;
  bool bulk_loading_ = false;
};

}  // namespace brook::statestore
