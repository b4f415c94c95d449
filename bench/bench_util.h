#pragma once

// Small helpers shared by Brook's end-to-end benchmarks: a stopwatch, a scratch directory, the
// record batches they append, and throughput formatting.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace brook::bench {

// Measures elapsed wall time on the steady clock from construction or the last Restart().
// Thread safety: none.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  void Restart() { start_ = std::chrono::steady_clock::now(); }
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  double Millis() const { return Seconds() * 1000.0; }

 private:
  std::chrono::steady_clock::time_point start_;
};

// A directory for a benchmark's files. With an empty `requested` path it creates a fresh
// directory under $TMPDIR (or /tmp) and removes it, with everything in it, on destruction.
// With a path it uses (and creates) that directory and leaves it in place; the benchmark then
// removes only the files it made. Thread safety: none. Not copyable.
class ScratchDir {
 public:
  static Result<ScratchDir> Create(const std::string& requested, const std::string& prefix);
  ScratchDir(ScratchDir&& other) noexcept;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir();

  const std::string& path() const { return path_; }
  bool owned() const { return owned_; }

 private:
  ScratchDir(std::string path, bool owned) : path_(std::move(path)), owned_(owned) {}
  std::string path_;
  bool owned_;
};

// Uncompressed record batches (v2) of records with null keys and `record_bytes`-byte values,
// each batch as many records as fit in `batch_bytes` (at least one). Returns `count` batches
// whose payload bytes differ, so the page cache and the CRC see varied data. BaseOffset is 0;
// Log::Append rewrites it in place, so the same buffers can be appended again and again.
// InvalidArgument for sizes that do not make a batch.
Result<std::vector<Bytes>> MakeBenchBatches(size_t record_bytes, size_t batch_bytes, int count);

// The record count stored in a batch's header.
int32_t BatchRecordCount(ByteView batch);

// "123.4 MB/s" (10^6 bytes per second, as dd and fio print).
std::string FormatRate(uint64_t bytes, double seconds);
// "1.23 M records/s".
std::string FormatRecordRate(uint64_t records, double seconds);
// "1.00 GiB", "64.0 MiB", "512 B".
std::string FormatSize(uint64_t bytes);

}  // namespace brook::bench
