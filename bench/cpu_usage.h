#pragma once

// CPU time of processes and threads, from /proc, for the benchmarks' "where does the time go"
// lines. The kernel counts in clock ticks (usually 10 ms), so only differences over runs of a
// second or more mean much.

#include <sys/types.h>

#include <map>
#include <string>

namespace brook::bench {

// User + system CPU seconds of process `pid` so far (every thread); 0 when unreadable.
double ProcessCpuSeconds(pid_t pid);

// User + system CPU seconds of each thread of this process so far, summed by thread name
// (librdkafka names its threads rdk:main, rdk:broker<id>, ...; every client has its own).
std::map<std::string, double> ThreadCpuSeconds();

// `after` - `before` per name, largest first, as "name 1.23 s, ..." for the `top` largest.
std::string DescribeThreadCpu(const std::map<std::string, double>& before,
                              const std::map<std::string, double>& after, int top);

}  // namespace brook::bench
