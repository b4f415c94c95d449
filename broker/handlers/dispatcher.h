#pragma once

#include <memory>

#include "broker/handlers/broker_context.h"
#include "broker/server/server.h"

namespace brook::broker::handlers {

// The handler table behind the server: decodes each request frame's header, checks the API and
// version against the table that also answers ApiVersions, decodes the body, runs the API's
// handler, and encodes the response with the right header version. A frame that cannot be
// decoded, or names an API or version Brook does not serve, closes the connection (as Kafka
// does), except ApiVersions with an unknown version, which gets Kafka's v0 fallback answer.
std::unique_ptr<server::RequestDispatcher> MakeDispatcher(BrokerContext* context);

}  // namespace brook::broker::handlers
