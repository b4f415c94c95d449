#include "framework/client/consumer_group_metadata.h"

#include <librdkafka/rdkafka.h>

#include <utility>

namespace brook::framework::client {

ConsumerGroupMetadata::~ConsumerGroupMetadata() {
  if (handle_ != nullptr) rd_kafka_consumer_group_metadata_destroy(handle_);
}

ConsumerGroupMetadata& ConsumerGroupMetadata::operator=(ConsumerGroupMetadata&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) rd_kafka_consumer_group_metadata_destroy(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

}  // namespace brook::framework::client
