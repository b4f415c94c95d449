// brook-log-demo: the partition log end to end, until the broker server exists.
//
//   build/bin/brook-log-demo [--dir DIR] [--records 200000] [--batch-records 500]
//
// Appends keyed records ("key-<offset>") in batches to <dir>/demo-0 (default: a temp dir that is
// removed at the end), flushes half-way, then simulates a crash: drops the log without Close()
// and cuts the active segment in the middle of the last batch. Reopening recovers: it scans the
// unflushed tail and truncates the torn batch. The demo reads everything back checking each
// record's offset and key, closes cleanly and reopens to show the clean path scans nothing.
// Exits 0 only when every check passed.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "broker/log/log.h"
#include "broker/record/batch_builder.h"
#include "broker/record/record.h"
#include "broker/record/record_batch.h"

namespace brook::examples {
namespace {

using broker::log::Env;
using broker::log::Log;
using broker::log::LogConfig;

constexpr size_t kValueBytes = 100;
constexpr uint64_t kReadChunk = 1 << 20;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string KeyFor(int64_t offset) { return fmt::format("key-{}", offset); }

Status Check(bool condition, std::string message) {
  return condition ? Status::Ok() : Status::Internal("check failed: " + std::move(message));
}

Result<std::unique_ptr<Log>> OpenLog(const std::string& dir) {
  return Log::Open(Env::Posix(), dir, LogConfig{});
}

// Appends `records` records in batches of `batch_records`; flushes after `flush_after` records.
Status AppendRecords(Log& log, int64_t records, int batch_records, int64_t flush_after) {
  Bytes value(kValueBytes, 'v');
  uint64_t bytes = 0;
  auto start = std::chrono::steady_clock::now();
  for (int64_t offset = 0; offset < records;) {
    broker::record::RecordBatchBuilder builder;
    for (int i = 0; i < batch_records && offset + i < records; ++i) {
      std::string key = KeyFor(offset + i);
      builder.Add(1'700'000'000'000 + offset + i, AsBytes(key), ByteView(value));
    }
    Bytes batch;
    BROOK_ASSIGN_OR_RETURN(batch, builder.Build());
    auto appended = log.Append(std::span<uint8_t>(batch));
    if (!appended.ok()) return appended.status();
    BROOK_RETURN_IF_ERROR(
        Check(appended->base_offset == Offset(offset),
              fmt::format("batch got offset {}, expected {}", appended->base_offset, offset)));
    bytes += batch.size();
    offset += builder.record_count();
    if (offset - builder.record_count() < flush_after && offset >= flush_after) {
      BROOK_RETURN_IF_ERROR(log.Flush());
    }
  }
  double s = SecondsSince(start);
  fmt::print(
      "appended {} records in {:.2f} s ({:.0f}k records/s, {:.0f} MB/s); flushed at "
      "offset {}\n",
      records, s, records / s / 1e3, bytes / s / 1e6, flush_after);
  return Status::Ok();
}

// Drops `log` without Close() and cuts its last batch in half, as a crash mid-write would.
Status CrashMidBatch(std::unique_ptr<Log>& log) {
  auto last = log->Read(log->log_end_offset() - 1, 1);
  if (!last.ok()) return last.status();
  const std::string path = last->file->path();
  const uint64_t cut = last->position + last->size / 2;
  fmt::print(
      "crash: dropping the log without Close(), cutting {} at byte {} (last batch: {} "
      "bytes at {})\n",
      std::filesystem::path(path).filename().string(), cut, last->size, last->position);
  *last = {};
  log.reset();
  if (::truncate(path.c_str(), static_cast<off_t>(cut)) != 0) {
    return Status::IOError(fmt::format("truncate {}", path));
  }
  return Status::Ok();
}

// Reads the whole log back, checking every record's offset and key; returns the record count.
Result<int64_t> ReadAndVerify(const Log& log) {
  int64_t records = 0;
  uint64_t bytes = 0;
  Offset next(0);
  auto start = std::chrono::steady_clock::now();
  while (true) {
    broker::log::ReadResult read;
    BROOK_ASSIGN_OR_RETURN(read, log.Read(next, kReadChunk));
    if (read.empty()) break;
    Bytes data;
    BROOK_ASSIGN_OR_RETURN(data, read.ReadBytes());
    bytes += data.size();
    for (ByteView rest(data); !rest.empty();) {
      auto batch = broker::record::RecordBatchView::Parse(rest);
      if (!batch.ok()) return batch.status();
      BROOK_RETURN_IF_ERROR(batch->VerifyCrc());
      auto decoded = broker::record::DecodedBatch::Decode(*batch);
      if (!decoded.ok()) return decoded.status();
      for (const auto& record : decoded->records()) {
        BROOK_RETURN_IF_ERROR(Check(
            record.offset == next && record.key && AsChars(*record.key) == KeyFor(next.value()),
            fmt::format("record at offset {} (key {}), expected offset {}", record.offset,
                        record.key ? ToString(*record.key) : "null", next)));
        ++next;
        ++records;
      }
      rest = rest.subspan(batch->size());
    }
  }
  double s = SecondsSince(start);
  fmt::print(
      "read back {} records, offsets 0..{} and keys all as written, in {:.2f} s "
      "({:.0f}k records/s, {:.0f} MB/s)\n",
      records, next - 1, s, records / s / 1e3, bytes / s / 1e6);
  return records;
}

Status Run(const std::string& base_dir, int64_t records, int batch_records) {
  const std::string dir = base_dir + "/demo-0";
  BROOK_RETURN_IF_ERROR(Check(::access(dir.c_str(), F_OK) != 0, dir + " already exists"));
  fmt::print("log directory {}\n", dir);

  std::unique_ptr<Log> log;
  BROOK_ASSIGN_OR_RETURN(log, OpenLog(dir));
  BROOK_RETURN_IF_ERROR(AppendRecords(*log, records, batch_records, records / 2));
  const int64_t last_batch_records =
      records % batch_records ? records % batch_records : batch_records;
  // What a crash leaves unflushed: everything after the recovery point.
  broker::log::ReadResult at_recovery_point;
  BROOK_ASSIGN_OR_RETURN(at_recovery_point, log->Read(log->recovery_point(), 1));
  const uint64_t unflushed = log->size_bytes() - at_recovery_point.position;
  fmt::print("recovery point: offset {}; {} bytes after it are not flushed\n",
             log->recovery_point(), unflushed);
  at_recovery_point = {};
  BROOK_RETURN_IF_ERROR(CrashMidBatch(log));

  BROOK_ASSIGN_OR_RETURN(log, OpenLog(dir));
  const auto& stats = log->open_stats();
  fmt::print(
      "recovery: clean shutdown {}, scanned {} bytes, truncated {} bytes, log end offset "
      "{}\n",
      stats.clean_shutdown ? "yes" : "no", stats.bytes_scanned, stats.bytes_truncated,
      log->log_end_offset());
  if (stats.bytes_scanned > unflushed) {
    fmt::print("note: recovery scanned {} bytes more than the unflushed tail\n",
               stats.bytes_scanned - unflushed);
  }
  const int64_t survivors = records - last_batch_records;
  BROOK_RETURN_IF_ERROR(
      Check(!stats.clean_shutdown && stats.bytes_truncated > 0 &&
                log->log_end_offset() == Offset(survivors),
            fmt::format("expected the torn batch cut and the log to end at {}", survivors)));

  int64_t read = 0;
  BROOK_ASSIGN_OR_RETURN(read, ReadAndVerify(*log));
  BROOK_RETURN_IF_ERROR(
      Check(read == survivors, fmt::format("read {} records, expected {}", read, survivors)));
  fmt::print("lost only the torn last batch: {} of {} records survive\n", survivors, records);

  BROOK_RETURN_IF_ERROR(log->Close());
  BROOK_ASSIGN_OR_RETURN(log, OpenLog(dir));
  const auto& clean = log->open_stats();
  fmt::print("clean reopen: clean shutdown {}, scanned {} bytes, log end offset {}\n",
             clean.clean_shutdown ? "yes" : "no", clean.bytes_scanned, log->log_end_offset());
  BROOK_RETURN_IF_ERROR(Check(clean.clean_shutdown && clean.bytes_scanned == 0 &&
                                  log->log_end_offset() == Offset(survivors),
                              "the clean reopen should scan nothing and keep the log end"));
  return log->Close();
}

}  // namespace
}  // namespace brook::examples

int main(int argc, char** argv) {
  std::string dir;
  int64_t records = 200'000;
  int batch_records = 500;
  CLI::App app{"Appends, crashes, recovers and reads back a Brook partition log"};
  app.add_option("--dir", dir, "Parent directory of demo-0 (default: a temp dir, removed)");
  app.add_option("--records", records, "Records to append")->check(CLI::Range(2, 100'000'000));
  app.add_option("--batch-records", batch_records, "Records per batch")->check(CLI::Range(1, 5000));
  CLI11_PARSE(app, argc, argv);

  std::string temp;
  if (dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "brook-log-demo-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = temp = pattern;
  }
  brook::Status status = brook::examples::Run(dir, records, batch_records);
  if (!temp.empty()) std::filesystem::remove_all(temp);
  if (!status.ok()) {
    fmt::print(stderr, "FAILED: {}\n", status.ToString());
    return 1;
  }
  fmt::print("all checks passed\n");
  return 0;
}
