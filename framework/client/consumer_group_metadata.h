#pragma once

// librdkafka's type, declared here so that users of this header need not include rdkafka.h.
struct rd_kafka_consumer_group_metadata_s;

namespace brook::framework::client {

// A snapshot of a consumer's group membership (group id, generation, member id, instance id),
// as Consumer::GroupMetadata() takes it, for Producer::SendOffsetsToTransaction (KIP-447: the
// coordinator rejects offsets of a zombie whose generation is gone). Owns the librdkafka object.
// Thread safety: immutable; may be read from any thread. Move-only.
class ConsumerGroupMetadata {
 public:
  // Takes ownership of `handle` (not null).
  explicit ConsumerGroupMetadata(rd_kafka_consumer_group_metadata_s* handle) : handle_(handle) {}
  ~ConsumerGroupMetadata();
  ConsumerGroupMetadata(ConsumerGroupMetadata&& other) noexcept : handle_(other.handle_) {
    other.handle_ = nullptr;
  }
  ConsumerGroupMetadata& operator=(ConsumerGroupMetadata&& other) noexcept;
  ConsumerGroupMetadata(const ConsumerGroupMetadata&) = delete;
  ConsumerGroupMetadata& operator=(const ConsumerGroupMetadata&) = delete;

  // The librdkafka object; valid while this lives. Null only after a move.
  const rd_kafka_consumer_group_metadata_s* get() const { return handle_; }

 private:
  rd_kafka_consumer_group_metadata_s* handle_;
};

}  // namespace brook::framework::client
