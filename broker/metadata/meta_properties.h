#pragma once

#include <string>

#include "broker/log/env.h"
#include "common/result.h"

namespace brook::broker::metadata {

// <log.dirs>/meta.properties, as Kafka (KRaft) writes it:
//   version=1
//   cluster.id=<22-character id>
//   node.id=<id>
// The cluster id is generated on first start and kept. Returns it.
// FailedPrecondition when the file names another node id (as Kafka refuses to start);
// Corruption when it does not parse.
Result<std::string> LoadOrCreateClusterId(log::Env* env, const std::string& log_dir,
                                          int32_t node_id);

}  // namespace brook::broker::metadata
