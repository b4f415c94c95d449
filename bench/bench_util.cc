#include "bench/bench_util.h"

#include <stdlib.h>

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "broker/record/batch_builder.h"
#include "broker/record/batch_format.h"

namespace brook::bench {

Result<ScratchDir> ScratchDir::Create(const std::string& requested, const std::string& prefix) {
  std::error_code ec;
  if (!requested.empty()) {
    std::filesystem::create_directories(requested, ec);
    if (ec) return Status::IOError(fmt::format("mkdir {}: {}", requested, ec.message()));
    return ScratchDir(requested, /*owned=*/false);
  }
  const char* tmp = getenv("TMPDIR");
  std::string pattern = fmt::format("{}/{}-XXXXXX", tmp != nullptr && *tmp ? tmp : "/tmp", prefix);
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::IOError(fmt::format("mkdtemp {} failed", pattern));
  }
  return ScratchDir(pattern, /*owned=*/true);
}

ScratchDir::ScratchDir(ScratchDir&& other) noexcept
    : path_(std::move(other.path_)), owned_(other.owned_) {
  other.owned_ = false;
}

ScratchDir::~ScratchDir() {
  if (!owned_) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

Result<std::vector<Bytes>> MakeBenchBatches(size_t record_bytes, size_t batch_bytes, int count) {
  if (record_bytes == 0 || batch_bytes <= broker::record::kBatchHeaderSize || count <= 0) {
    return Status::InvalidArgument(fmt::format(
        "cannot make batches of {} bytes from {}-byte records", batch_bytes, record_bytes));
  }
  std::vector<Bytes> batches;
  Bytes value(record_bytes);
  for (int b = 0; b < count; ++b) {
    broker::record::RecordBatchBuilder builder;
    const int64_t timestamp = 1'700'000'000'000;
    for (int i = 0;; ++i) {
      for (size_t j = 0; j < value.size(); ++j) {
        value[j] = static_cast<uint8_t>('a' + (b * 7 + i * 3 + j) % 26);
      }
      // Each record adds its value plus ~8 bytes of varints; stop before passing batch_bytes.
      if (i > 0 && builder.uncompressed_size() + record_bytes + 8 > batch_bytes) break;
      builder.Add(timestamp + i, std::nullopt, ByteView(value));
    }
    Bytes batch;
    BROOK_ASSIGN_OR_RETURN(batch, builder.Build());
    batches.push_back(std::move(batch));
  }
  return batches;
}

int32_t BatchRecordCount(ByteView batch) {
  return LoadBigEndian<int32_t>(batch.data() + broker::record::kRecordCountOffset);
}

std::string FormatRate(uint64_t bytes, double seconds) {
  return fmt::format("{:.1f} MB/s", static_cast<double>(bytes) / 1e6 / seconds);
}

std::string FormatRecordRate(uint64_t records, double seconds) {
  return fmt::format("{:.2f} M records/s", static_cast<double>(records) / 1e6 / seconds);
}

std::string FormatSize(uint64_t bytes) {
  if (bytes >= (1ULL << 30)) return fmt::format("{:.2f} GiB", bytes / double(1ULL << 30));
  if (bytes >= (1ULL << 20)) return fmt::format("{:.1f} MiB", bytes / double(1ULL << 20));
  if (bytes >= (1ULL << 10)) return fmt::format("{:.1f} KiB", bytes / double(1ULL << 10));
  return fmt::format("{} B", bytes);
}

}  // namespace brook::bench
