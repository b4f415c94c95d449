#pragma once

#include "common/status.h"
#include "framework/client/properties.h"

namespace brook::framework::client {

// Whether librdkafka accepts every key and value of `properties` (the consumer., producer. and
// admin. overrides of a StreamsConfig), without making a client. Errors: InvalidArgument naming
// the first rejected key, its value and librdkafka's reason.
// Thread safety: a free function.
Status CheckProperties(const Properties& properties);

}  // namespace brook::framework::client
