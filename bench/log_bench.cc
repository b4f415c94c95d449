// log_bench: end-to-end cost of the partition log (issue 2) against the physical limit.
//
//   build/bin/log_bench [--dir DIR] [--bytes 1GiB] [--record-bytes 100] [--batch-bytes 16384]
//                       [--tail-bytes 64MiB]
//
// 1. Append: ~16 KiB batches of 100-byte records to one partition (<dir>/bench-0, default
//    LogConfig: 1 GiB segments, no fsync) up to --bytes, against plain ::write() calls of the
//    same chunks to a file in the same directory. The two sides run interleaved in 64 MiB
//    slices, alternating which goes first, so a noisy neighbour or page-cache state hits both
//    alike; after each slice an untimed sync (Log::Flush / fdatasync) keeps either side from
//    paying for the other's write-back. Both go through the page cache; nothing is dropped.
// 2. Read: the whole log with Log::Read(offset, 1 MiB) + ReadResult::ReadInto() (only batch
//    headers are walked, to find the next offset and to count records), against ::read() of
//    the plain file in 1 MiB chunks: three full passes, interleaved by slices the same way.
// 3. Recovery: Close() then Open() (the clean path), and Flush() + append a tail + drop the Log
//    without Close() (a process crash) then Open(), for tails of 16 MiB, --tail-bytes and
//    256 MiB (each capped at --bytes).
//
// Ratios are throughput ratios: plain_time / log_time, so 1.0 is the plain file's speed and
// > 1 means the log was faster. The last line is for scripts.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "bench/bench_util.h"
#include "broker/log/log.h"
#include "broker/record/batch_format.h"
#include "broker/record/record_batch.h"

namespace brook::bench {
namespace {

using broker::log::Env;
using broker::log::Log;
using broker::log::LogConfig;

constexpr uint64_t kReadChunk = 1 << 20;
constexpr uint64_t kSliceBytes = 64 << 20;
constexpr int kDistinctBatches = 8;
constexpr int kReadRounds = 3;

struct Options {
  std::string dir;
  uint64_t bytes = 1ULL << 30;
  uint64_t record_bytes = 100;
  uint64_t batch_bytes = 16384;
  uint64_t tail_bytes = 64ULL << 20;
};

// What one timed pass moved.
struct Pass {
  uint64_t bytes = 0;
  uint64_t records = 0;
  double seconds = 0;
};

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(fmt::format("{} {}: {}", what, path, strerror(errno)));
}

// How many batches (cycling through `batches`) fit in `max_bytes`; at least one.
size_t BatchesFor(const std::vector<Bytes>& batches, uint64_t max_bytes) {
  size_t n = 0;
  uint64_t total = 0;
  while (n == 0 || total + batches[n % batches.size()].size() <= max_bytes) {
    total += batches[n % batches.size()].size();
    ++n;
  }
  return n;
}

// A file opened with ::open(), closed on destruction.
class PlainFile {
 public:
  PlainFile(const std::string& path, int flags) : path_(path) {
    fd_ = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  }
  ~PlainFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  PlainFile(const PlainFile&) = delete;
  PlainFile& operator=(const PlainFile&) = delete;
  Status status() const { return fd_ >= 0 ? Status::Ok() : Errno("open", path_); }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_;
};

// Writes batches [first, first + count) (cycling through `batches`) with one ::write() each.
Status PlainWriteSlice(const PlainFile& file, const std::vector<Bytes>& batches, size_t first,
                       size_t count, Pass* pass) {
  Stopwatch watch;
  for (size_t i = first; i < first + count; ++i) {
    const Bytes& chunk = batches[i % batches.size()];
    if (::write(file.fd(), chunk.data(), chunk.size()) != static_cast<ssize_t>(chunk.size())) {
      return Errno("write", file.path());
    }
    pass->bytes += chunk.size();
    pass->records += BatchRecordCount(chunk);
  }
  pass->seconds += watch.Seconds();
  return Status::Ok();
}

// Appends batches [first, first + count). Each Append rewrites the buffer's BaseOffset in place,
// which is why the same buffers can be appended again and again (the offset is outside the CRC).
Status LogAppendSlice(Log& log, std::vector<Bytes>& batches, size_t first, size_t count,
                      Pass* pass) {
  Stopwatch watch;
  for (size_t i = first; i < first + count; ++i) {
    Bytes& batch = batches[i % batches.size()];
    auto appended = log.Append(std::span<uint8_t>(batch));
    if (!appended.ok()) return appended.status();
    pass->bytes += batch.size();
    pass->records += BatchRecordCount(batch);
  }
  pass->seconds += watch.Seconds();
  return Status::Ok();
}

// Reads about `want` bytes of the file with ::read() in 1 MiB chunks into one reused buffer.
// Sets `*done` at the end of the file.
Status PlainReadSlice(const PlainFile& file, uint64_t want, Bytes& buffer, Pass* pass, bool* done) {
  Stopwatch watch;
  for (uint64_t got = 0; got < want;) {
    ssize_t r = ::read(file.fd(), buffer.data(), buffer.size());
    if (r < 0) return Errno("read", file.path());
    if (r == 0) {
      *done = true;
      break;
    }
    got += static_cast<uint64_t>(r);
    pass->bytes += static_cast<uint64_t>(r);
  }
  pass->seconds += watch.Seconds();
  return Status::Ok();
}

// Reads about `want` bytes of the log from `*next` on, the way a fetch does (Read of 1 MiB, then
// ReadInto a reused buffer), checking that batch offsets are contiguous. Only batch headers are
// walked (next offset, record count); nothing is decoded. Sets `*done` at the log end.
Status LogReadSlice(const Log& log, uint64_t want, Offset* next, Pass* pass, bool* done) {
  Stopwatch watch;
  for (uint64_t got = 0; got < want;) {
    auto read = log.Read(*next, kReadChunk);
    if (!read.ok()) return read.status();
    if (read->empty()) {
      *done = true;
      break;
    }
    static Bytes buffer;  // reused, as a server's fetch buffer would be
    BROOK_RETURN_IF_ERROR(read->ReadInto(&buffer));
    const Bytes* bytes = &buffer;
    for (size_t pos = 0; pos < bytes->size();) {
      const uint8_t* p = bytes->data() + pos;
      Offset base(LoadBigEndian<int64_t>(p + broker::record::kBaseOffsetOffset));
      if (base != *next) {
        return Status::Corruption(fmt::format("batch at offset {}, expected {}", base, *next));
      }
      size_t size = broker::record::BatchSizeFromPrefix(ByteView(p, bytes->size() - pos));
      if (size == 0) return Status::Corruption(fmt::format("bad batch at offset {}", base));
      *next = base + LoadBigEndian<int32_t>(p + broker::record::kLastOffsetDeltaOffset) + 1;
      pass->records += BatchRecordCount(ByteView(p, size));
      pos += size;
    }
    got += bytes->size();
    pass->bytes += bytes->size();
  }
  pass->seconds += watch.Seconds();
  return Status::Ok();
}

void PrintPass(const char* label, const Pass& pass) {
  fmt::print("  {:<22} {:>10} in {:6.3f} s  {:>14}  {}\n", label, FormatSize(pass.bytes),
             pass.seconds, FormatRate(pass.bytes, pass.seconds),
             FormatRecordRate(pass.records, pass.seconds));
}

// Internal error with `message` unless `condition` holds: the bench's own correctness checks.
Status Check(bool condition, std::string message) {
  return condition ? Status::Ok() : Status::Internal("check failed: " + std::move(message));
}

// Times Log::Open of `dir`; the opened log goes to `log`.
Result<double> TimedOpen(const std::string& dir, std::unique_ptr<Log>* log) {
  Stopwatch watch;
  auto opened = Log::Open(Env::Posix(), dir, LogConfig{});
  double ms = watch.Millis();
  if (!opened.ok()) return opened.status();
  *log = std::move(opened).value();
  return ms;
}

struct Figures {
  double append_ratio = 0;
  double read_ratio = 0;
  double clean_ms = 0;
  double crash_ms = 0;
};

// Phase 1: `n` batches appended to the log and written to the plain file in interleaved
// slices of kSliceBytes, alternating which side goes first, each slice followed by an untimed
// sync of that side (Log::Flush / fdatasync) so neither pays for the other's write-back.
Status CompareWrites(Log& log, const std::string& plain_path, std::vector<Bytes>& batches, size_t n,
                     Figures* figures, uint64_t* records) {
  ::unlink(plain_path.c_str());
  PlainFile plain_file(plain_path, O_WRONLY | O_CREAT | O_TRUNC);
  BROOK_RETURN_IF_ERROR(plain_file.status());
  const size_t per_slice = BatchesFor(batches, kSliceBytes);
  Pass plain, append;
  double sync_s = 0;
  for (size_t first = 0, slice = 0; first < n; first += per_slice, ++slice) {
    const size_t count = std::min(per_slice, n - first);
    for (int side = 0; side < 2; ++side) {
      Stopwatch sync_watch;
      if ((side + slice) % 2 == 0) {
        BROOK_RETURN_IF_ERROR(PlainWriteSlice(plain_file, batches, first, count, &plain));
        sync_watch.Restart();
        if (::fdatasync(plain_file.fd()) != 0) return Errno("fdatasync", plain_path);
      } else {
        BROOK_RETURN_IF_ERROR(LogAppendSlice(log, batches, first, count, &append));
        sync_watch.Restart();
        BROOK_RETURN_IF_ERROR(log.Flush());
      }
      sync_s += sync_watch.Seconds();
    }
  }
  BROOK_RETURN_IF_ERROR(Check(append.bytes == plain.bytes, "log and plain sizes differ"));
  BROOK_RETURN_IF_ERROR(Check(
      log.log_end_offset() == Offset(static_cast<int64_t>(append.records)),
      fmt::format("log end {} after appending {} records", log.log_end_offset(), append.records)));
  fmt::print("append, interleaved in {} slices (page cache; untimed syncs took {:.2f} s):\n",
             (n + per_slice - 1) / per_slice, sync_s);
  PrintPass("plain ::write", plain);
  PrintPass("Log::Append", append);
  figures->append_ratio = plain.seconds / append.seconds;
  *records = append.records;
  return Status::Ok();
}

// Phase 2: kReadRounds full passes, each reading the plain file and the log in interleaved
// slices of kSliceBytes (alternating which goes first); every log pass is checked end to end.
Status CompareReads(const Log& log, const std::string& plain_path, uint64_t records,
                    Figures* figures) {
  Pass plain, read;
  Bytes buffer(kReadChunk);
  for (int round = 0; round < kReadRounds; ++round) {
    PlainFile plain_file(plain_path, O_RDONLY);
    BROOK_RETURN_IF_ERROR(plain_file.status());
    Offset next(0);
    bool plain_done = false, log_done = false;
    const uint64_t records_before = read.records;
    for (int slice = 0; !plain_done || !log_done; ++slice) {
      for (int side = 0; side < 2; ++side) {
        if ((side + slice + round) % 2 == 0) {
          if (!plain_done) {
            BROOK_RETURN_IF_ERROR(
                PlainReadSlice(plain_file, kSliceBytes, buffer, &plain, &plain_done));
          }
        } else if (!log_done) {
          BROOK_RETURN_IF_ERROR(LogReadSlice(log, kSliceBytes, &next, &read, &log_done));
        }
      }
    }
    BROOK_RETURN_IF_ERROR(
        Check(next == log.log_end_offset() && read.records - records_before == records,
              fmt::format("read {} records up to offset {}; appended {}, log end {}",
                          read.records - records_before, next, records, log.log_end_offset())));
  }
  BROOK_RETURN_IF_ERROR(Check(plain.bytes == read.bytes, "log and plain reads differ"));
  plain.records = read.records;  // the plain file holds the same batches
  fmt::print("read, {} rounds interleaved by {} slices, 1 MiB per call (page cache):\n",
             kReadRounds, FormatSize(kSliceBytes));
  PrintPass("plain ::read", plain);
  PrintPass("Log::Read+ReadInto", read);
  figures->read_ratio = plain.seconds / read.seconds;
  return Status::Ok();
}

// Phase 3b: the crash recovery again, with the last batch of a `tail`-byte unflushed tail cut
// in half (a crash in the middle of a write). Printed only: not part of the summary line.
Status MeasureTornTail(std::unique_ptr<Log>& log, std::vector<Bytes>& batches, uint64_t tail) {
  const std::string dir = log->dir();
  BROOK_RETURN_IF_ERROR(log->Flush());
  Pass appended;
  BROOK_RETURN_IF_ERROR(LogAppendSlice(*log, batches, 0, BatchesFor(batches, tail), &appended));
  broker::log::ReadResult last;
  BROOK_ASSIGN_OR_RETURN(last, log->Read(log->log_end_offset() - 1, 1));
  const std::string path = last.file->path();
  const uint64_t cut = last.position + last.size / 2;
  const Offset survivors_end = last.first_batch_offset;
  last = {};
  log.reset();
  if (::truncate(path.c_str(), static_cast<off_t>(cut)) != 0) return Errno("truncate", path);
  double ms = 0;
  BROOK_ASSIGN_OR_RETURN(ms, TimedOpen(dir, &log));
  const auto& stats = log->open_stats();
  BROOK_RETURN_IF_ERROR(Check(
      !stats.clean_shutdown && stats.bytes_truncated > 0 && log->log_end_offset() == survivors_end,
      fmt::format("torn open: truncated={} end={} expected {}", stats.bytes_truncated,
                  log->log_end_offset(), survivors_end)));
  fmt::print(
      "  torn Open    {:8.1f} ms  (unflushed tail {:>9} with its last batch cut, scanned "
      "{:>9}, truncated {})\n",
      ms, FormatSize(appended.bytes), FormatSize(stats.bytes_scanned),
      FormatSize(stats.bytes_truncated));
  return Status::Ok();
}

// Phase 3: Close + Open (clean), then for each tail size Flush + append the tail + drop the log
// without Close (a process crash: the tail is only in the page cache) + Open.
Status MeasureRecovery(std::unique_ptr<Log>& log, std::vector<Bytes>& batches,
                       const Options& options, Figures* figures) {
  const std::string dir = log->dir();
  const Offset end = log->log_end_offset();
  BROOK_RETURN_IF_ERROR(log->Close());
  log.reset();
  BROOK_ASSIGN_OR_RETURN(figures->clean_ms, TimedOpen(dir, &log));
  const auto& clean = log->open_stats();
  BROOK_RETURN_IF_ERROR(
      Check(clean.clean_shutdown && clean.bytes_scanned == 0 && log->log_end_offset() == end,
            fmt::format("clean open: clean_shutdown={} bytes_scanned={}", clean.clean_shutdown,
                        clean.bytes_scanned)));
  fmt::print("recovery:\n  clean Open   {:8.1f} ms  ({} segments, {} scanned)\n", figures->clean_ms,
             clean.segments, FormatSize(clean.bytes_scanned));

  const uint64_t reported_tail = std::min(options.tail_bytes, options.bytes);
  std::set<uint64_t> tails = {std::min<uint64_t>(16 << 20, options.bytes), reported_tail,
                              std::min<uint64_t>(256 << 20, options.bytes)};
  for (uint64_t tail : tails) {
    BROOK_RETURN_IF_ERROR(log->Flush());
    Pass appended;
    BROOK_RETURN_IF_ERROR(LogAppendSlice(*log, batches, 0, BatchesFor(batches, tail), &appended));
    const Offset crash_end = log->log_end_offset();
    const uint64_t log_size = log->size_bytes();
    log.reset();  // the crash
    double ms = 0;
    BROOK_ASSIGN_OR_RETURN(ms, TimedOpen(dir, &log));
    const auto& stats = log->open_stats();
    BROOK_RETURN_IF_ERROR(Check(
        !stats.clean_shutdown && stats.bytes_truncated == 0 &&
            stats.bytes_scanned >= appended.bytes && log->log_end_offset() == crash_end,
        fmt::format("crash open: clean_shutdown={} scanned={} truncated={} end={} expected {}",
                    stats.clean_shutdown, stats.bytes_scanned, stats.bytes_truncated,
                    log->log_end_offset(), crash_end)));
    fmt::print(
        "  crash Open   {:8.1f} ms  (unflushed tail {:>9}, scanned {:>9}, log {}; "
        "{:.2f} ms/MiB of tail)\n",
        ms, FormatSize(appended.bytes), FormatSize(stats.bytes_scanned), FormatSize(log_size),
        ms / (static_cast<double>(appended.bytes) / (1 << 20)));
    if (tail == reported_tail) figures->crash_ms = ms;
  }
  BROOK_RETURN_IF_ERROR(MeasureTornTail(log, batches, reported_tail));
  return log->Close();
}

Status Run(const Options& options) {
  auto created = ScratchDir::Create(options.dir, "log_bench");
  if (!created.ok()) return created.status();
  const ScratchDir scratch = std::move(created).value();
  const std::string log_dir = scratch.path() + "/bench-0";
  const std::string plain_path = scratch.path() + "/plain.bin";
  BROOK_RETURN_IF_ERROR(Check(::access(log_dir.c_str(), F_OK) != 0, log_dir + " exists"));
  // With --dir the directory stays: remove what this run made in it.
  struct Cleanup {
    const ScratchDir& scratch;
    std::string log_dir;
    std::string plain_path;
    ~Cleanup() {
      if (scratch.owned()) return;
      Env::Posix()->DeleteDirRecursively(log_dir).IgnoreError();
      ::unlink(plain_path.c_str());
    }
  } cleanup{scratch, log_dir, plain_path};

  std::vector<Bytes> batches;
  BROOK_ASSIGN_OR_RETURN(
      batches, MakeBenchBatches(options.record_bytes, options.batch_bytes, kDistinctBatches));
  const size_t n = BatchesFor(batches, options.bytes);
  fmt::print("log_bench: {} in {} batches of {} B ({} records of {} B each), dir {}\n",
             FormatSize(n * batches[0].size()), n, batches[0].size(), BatchRecordCount(batches[0]),
             options.record_bytes, scratch.path());

  std::unique_ptr<Log> log;
  BROOK_ASSIGN_OR_RETURN(log, Log::Open(Env::Posix(), log_dir, LogConfig{}));
  Figures figures;
  uint64_t records = 0;
  BROOK_RETURN_IF_ERROR(CompareWrites(*log, plain_path, batches, n, &figures, &records));
  BROOK_RETURN_IF_ERROR(CompareReads(*log, plain_path, records, &figures));
  ::unlink(plain_path.c_str());
  BROOK_RETURN_IF_ERROR(MeasureRecovery(log, batches, options, &figures));

  fmt::print(
      "log_bench append_vs_plain_write={:.2f} read_vs_plain_read={:.2f} "
      "recover_clean_ms={:.1f} recover_crash_ms={:.1f}\n",
      figures.append_ratio, figures.read_ratio, figures.clean_ms, figures.crash_ms);
  return Status::Ok();
}

}  // namespace
}  // namespace brook::bench

int main(int argc, char** argv) {
  brook::bench::Options options;
  CLI::App app{"Partition log throughput and recovery against plain file I/O"};
  const auto size = CLI::AsSizeValue(/*kb_is_1000=*/false);
  app.add_option("--dir", options.dir, "Directory for the files (default: a fresh temp dir)");
  app.add_option("--bytes", options.bytes, "Bytes to append")->transform(size);
  app.add_option("--record-bytes", options.record_bytes, "Value bytes per record")->transform(size);
  app.add_option("--batch-bytes", options.batch_bytes, "Bytes per batch")->transform(size);
  app.add_option("--tail-bytes", options.tail_bytes, "Unflushed tail for the crash test")
      ->transform(size);
  CLI11_PARSE(app, argc, argv);
  brook::Status status = brook::bench::Run(options);
  if (!status.ok()) {
    fmt::print(stderr, "log_bench: {}\n", status.ToString());
    return 1;
  }
  return 0;
}
