#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>

namespace brook::tools {

// A librdkafka KafkaConsumer that joins `group`, subscribes to `topic`, reads from the earliest
// offset and commits only when told: the real client that makes the groups `brook groups` shows.
// Thread safety: use from one thread.
class GroupConsumer {
 public:
  struct Options {
    // client.id. Default: "brook-test-member".
    std::string client_id = "brook-test-member";
    // group.instance.id (a static member). Default: none.
    std::string group_instance_id;
  };

  GroupConsumer(const std::string& bootstrap, const std::string& group, const std::string& topic,
                const Options& options);
  GroupConsumer(const std::string& bootstrap, const std::string& group, const std::string& topic)
      : GroupConsumer(bootstrap, group, topic, Options()) {}
  ~GroupConsumer();
  GroupConsumer(const GroupConsumer&) = delete;
  GroupConsumer& operator=(const GroupConsumer&) = delete;

  // Polls until `count` more records arrived; false when 30 s pass first. The member joins the
  // group (and gets its assignment) on the way.
  bool Consume(int count);
  // Commits the offset after the last record consumed on each partition and waits for the answer.
  rd_kafka_resp_err_t Commit();
  // Leaves the group; the group is Empty once its last member left.
  void Close();
  // The id the coordinator gave this member ("" before it joined).
  std::string MemberId() const;

 private:
  rd_kafka_t* handle_ = nullptr;
  bool closed_ = false;
};

// Writes `count` records ("v0", "v1", ...) to `partition` of `topic` and waits for them all to be
// acknowledged; false when one was not. Record i is stamped first_timestamp_ms + i * step_ms, or
// with the producer's clock when first_timestamp_ms is 0.
bool ProduceRecords(const std::string& bootstrap, const std::string& topic, int32_t partition,
                    int count, int64_t first_timestamp_ms = 0, int64_t step_ms = 0);

}  // namespace brook::tools
