#pragma once

#include <string>
#include <vector>

#include "broker/log/env.h"
#include "common/result.h"
#include "common/strong_id.h"

namespace brook::broker::log {

// How compaction replaces segments crash-safely (docs/formats/log.md):
//   1. the cleaner writes "<base>.log.cleaned", "<base>.index.cleaned", "<base>.timeindex.cleaned"
//      and syncs them;
//   2. it writes the swap marker "<base>.swap" (atomically): the base offsets it replaces, one per
//      line. The marker is the commit point;
//   3. CompleteSwap deletes the replaced segments, renames the .cleaned files into place (indexes
//      first, the log last), then deletes the marker.
// Open() completes every swap whose marker exists and deletes .cleaned files that have none.
inline constexpr const char* kCleanedSuffix = ".cleaned";
inline constexpr const char* kSwapMarkerSuffix = ".swap";

Status WriteSwapMarker(Env* env, const std::string& dir, Offset base,
                       const std::vector<Offset>& replaced);
// Step 3. Idempotent: safe to run again after a crash at any point of it.
Status CompleteSwap(Env* env, const std::string& dir, Offset base);
// For Open(): finishes committed swaps and removes uncommitted cleaner output. Returns how many
// swaps it completed.
Result<int> RecoverInterruptedSwaps(Env* env, const std::string& dir);

}  // namespace brook::broker::log
