#pragma once

// librdkafka's mock cluster (rdkafka_mock.h) as the in-process baseline of the broker benchmarks.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <string>

#include "common/result.h"

namespace brook::bench {

// A mock cluster with one broker, running on librdkafka threads of this process and owned by a
// handle of its own. The cluster serves Produce, Fetch, Metadata and the consumer-group APIs
// (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, OffsetCommit, ...); its group coordinator
// is not Kafka's (see docs/benchmarks.md, "Consumer groups"). Thread safety: CreateTopic may be
// called from any thread. Not copyable.
class MockCluster {
 public:
  static Result<std::unique_ptr<MockCluster>> Start();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;
  ~MockCluster();

  std::string bootstrap() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

  // Creates `topic` with `partitions` partitions (replication 1) and waits until Metadata shows
  // all of them with a leader. Internal when the cluster refuses it.
  Status CreateTopic(const std::string& topic, int partitions);

 private:
  MockCluster(rd_kafka_t* handle, rd_kafka_mock_cluster_t* cluster)
      : handle_(handle), cluster_(cluster) {}
  rd_kafka_t* handle_;
  rd_kafka_mock_cluster_t* cluster_;
};

}  // namespace brook::bench
