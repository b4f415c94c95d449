#include "broker/log/segment_swap.h"

#include <sstream>

#include <fmt/format.h>

#include "broker/log/index_format.h"
#include "broker/log/segment.h"

namespace brook::broker::log {
namespace {

std::string SwapMarkerPath(const std::string& dir, Offset base) {
  return JoinPath(dir, fmt::format("{:020d}{}", base.value(), kSwapMarkerSuffix));
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Status WriteSwapMarker(Env* env, const std::string& dir, Offset base,
                       const std::vector<Offset>& replaced) {
  std::string text;
  for (Offset offset : replaced) text += fmt::format("{}\n", offset.value());
  return env->WriteSmallFileAtomically(SwapMarkerPath(dir, base), AsBytes(text));
}

Status CompleteSwap(Env* env, const std::string& dir, Offset base) {
  std::string marker = SwapMarkerPath(dir, base);
  if (!env->FileExists(marker)) return Status::Ok();
  Bytes data;
  BROOK_ASSIGN_OR_RETURN(data, env->ReadSmallFile(marker));
  std::istringstream in{std::string(AsChars(data))};
  std::vector<Offset> replaced;
  for (int64_t v; in >> v;) replaced.push_back(Offset(v));
  const char* suffixes[] = {kOffsetIndexFileSuffix, kTimeIndexFileSuffix, kTxnIndexFileSuffix,
                            kLogFileSuffix};
  auto path = [&](Offset b, const char* suffix) {
    return JoinPath(dir, Segment::FileName(b, suffix));
  };
  // Delete the replaced segments. "<base>.X" is an old file only while "<base>.X.cleaned"
  // still exists; once renamed it is the new one and stays.
  for (Offset old : replaced) {
    for (const char* suffix : suffixes) {
      if (old == base && !env->FileExists(path(base, suffix) + kCleanedSuffix)) continue;
      BROOK_RETURN_IF_ERROR(env->DeleteFile(path(old, suffix)));
    }
  }
  for (const char* suffix : suffixes) {
    std::string cleaned = path(base, suffix) + kCleanedSuffix;
    if (env->FileExists(cleaned))
      BROOK_RETURN_IF_ERROR(env->RenameFile(cleaned, path(base, suffix)));
  }
  BROOK_RETURN_IF_ERROR(env->SyncDir(dir));
  BROOK_RETURN_IF_ERROR(env->DeleteFile(marker));
  return env->SyncDir(dir);
}

Result<int> RecoverInterruptedSwaps(Env* env, const std::string& dir) {
  std::vector<std::string> names;
  BROOK_ASSIGN_OR_RETURN(names, env->ListDir(dir));
  int completed = 0;
  for (const auto& name : names) {
    if (auto base = Segment::ParseFileName(name, kSwapMarkerSuffix)) {
      BROOK_RETURN_IF_ERROR(CompleteSwap(env, dir, *base));
      ++completed;
    }
  }
  BROOK_ASSIGN_OR_RETURN(names, env->ListDir(dir));
  for (const auto& name : names) {
    if (EndsWith(name, kCleanedSuffix)) BROOK_RETURN_IF_ERROR(env->DeleteFile(JoinPath(dir, name)));
  }
  return completed;
}

}  // namespace brook::broker::log
