#include "bench/mock_cluster.h"

#include <fmt/format.h>

#include "bench/kafka_bench_client.h"

namespace brook::bench {

Result<std::unique_ptr<MockCluster>> MockCluster::Start() {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // This handle only hosts the cluster; its "no bootstrap.servers" notice is noise.
  rd_kafka_conf_set(conf, "log_level", "4", error, sizeof(error));
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    return Status::Internal(fmt::format("rd_kafka_new: {}", error));
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle, 1);
  if (cluster == nullptr) {
    rd_kafka_destroy(handle);
    return Status::Internal("rd_kafka_mock_cluster_new failed");
  }
  return std::unique_ptr<MockCluster>(new MockCluster(handle, cluster));
}

MockCluster::~MockCluster() {
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(handle_);
}

Status MockCluster::CreateTopic(const std::string& topic, int partitions) {
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Internal(fmt::format("mock topic {}: {}", topic, rd_kafka_err2str(err)));
  }
  return WaitForTopic(bootstrap(), topic, partitions);
}

}  // namespace brook::bench
