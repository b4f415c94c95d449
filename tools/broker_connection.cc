#include "tools/broker_connection.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "broker/protocol/frame.h"
#include "broker/protocol/messages.h"
#include "tools/admin_request.h"

namespace brook::tools {
namespace {

namespace protocol = broker::protocol;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Waits until `socket` is ready for `events` or the deadline passes; false on timeout.
bool WaitFor(int socket, short events, int64_t deadline_ms) {
  while (true) {
    const int64_t left = deadline_ms - NowMs();
    if (left <= 0) return false;
    pollfd entry{socket, events, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(left));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return true;  // the next read or write reports the error
  }
}

// A connected socket to `address`, or -1. Connects without blocking so the deadline holds.
int ConnectTo(const addrinfo& address, int64_t deadline_ms) {
  const int socket = ::socket(address.ai_family, address.ai_socktype, address.ai_protocol);
  if (socket < 0) return -1;
  const int flags = ::fcntl(socket, F_GETFL, 0);
  ::fcntl(socket, F_SETFL, flags | O_NONBLOCK);
  int result = ::connect(socket, address.ai_addr, address.ai_addrlen);
  if (result != 0 && errno == EINPROGRESS && WaitFor(socket, POLLOUT, deadline_ms)) {
    int error = 0;
    socklen_t size = sizeof(error);
    ::getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &size);
    result = error == 0 ? 0 : -1;
  }
  if (result != 0) {
    ::close(socket);
    return -1;
  }
  return socket;
}

std::string BrokerName(const BrokerInfo& broker) {
  return "broker " + std::to_string(broker.id) + " at " + broker.host + ":" +
         std::to_string(broker.port);
}

}  // namespace

Result<std::unique_ptr<BrokerConnection>> BrokerConnection::Open(const BrokerInfo& broker,
                                                                 int timeout_ms) {
  const std::string name = BrokerName(broker);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  if (::getaddrinfo(broker.host.c_str(), std::to_string(broker.port).c_str(), &hints, &addresses) !=
      0) {
    return Status::Unavailable("cannot reach " + name + ": unknown host");
  }
  const int64_t deadline_ms = NowMs() + timeout_ms;
  int socket = -1;
  for (const addrinfo* address = addresses; address != nullptr && socket < 0;
       address = address->ai_next) {
    socket = ConnectTo(*address, deadline_ms);
  }
  ::freeaddrinfo(addresses);
  if (socket < 0) return Status::Unavailable("cannot reach " + name);
  std::unique_ptr<BrokerConnection> connection(new BrokerConnection(broker, socket, timeout_ms));
  BROOK_RETURN_IF_ERROR(connection->AskApiVersions());
  return connection;
}

BrokerConnection::BrokerConnection(BrokerInfo broker, int socket, int timeout_ms)
    : broker_(std::move(broker)), socket_(socket), timeout_ms_(timeout_ms) {}

BrokerConnection::~BrokerConnection() { ::close(socket_); }

std::string BrokerConnection::Name() const { return BrokerName(broker_); }

Status BrokerConnection::AskApiVersions() {
  protocol::RequestHeader header;
  header.request_api_version = 0;
  header.correlation_id = NextCorrelationId();
  header.client_id = "brook";
  Bytes request;
  protocol::EncodeRequestFrame(header, protocol::ApiVersionsRequest(), &request);
  BROOK_ASSIGN_OR_RETURN(Bytes answer, RoundTrip(request));
  BROOK_ASSIGN_OR_RETURN(protocol::ResponseFrame frame,
                         protocol::ParseResponseFrame(answer, protocol::ApiKey::kApiVersions, 0));
  BROOK_ASSIGN_OR_RETURN(
      protocol::ApiVersionsResponse response,
      protocol::DecodeBody<protocol::ApiVersionsResponse>(answer, frame.body_offset, 0));
  if (response.error_code != 0) {
    return Status::Internal(Name() +
                            " refused ApiVersions: " + BrokerErrorText(response.error_code));
  }
  for (const auto& api : response.api_keys) {
    versions_[api.api_key] = {api.min_version, api.max_version};
  }
  return Status::Ok();
}

Result<int16_t> BrokerConnection::ChooseVersion(protocol::ApiKey key, int16_t min_version,
                                                int16_t max_version) const {
  auto advertised = versions_.find(static_cast<int16_t>(key));
  if (advertised != versions_.end()) {
    const int16_t version = std::min(max_version, advertised->second.second);
    if (version >= min_version && version >= advertised->second.first) return version;
  }
  return Status::Unsupported("the broker does not support this request: " +
                             std::string(protocol::ApiKeyName(key)));
}

Result<Bytes> BrokerConnection::RoundTrip(ByteView frame) {
  const int64_t deadline_ms = NowMs() + timeout_ms_;
  Bytes sized;
  AppendBigEndian<int32_t>(sized, static_cast<int32_t>(frame.size()));
  AppendBytes(sized, frame);
  BROOK_RETURN_IF_ERROR(WriteAll(sized.data(), sized.size(), deadline_ms));
  uint8_t size[4];
  BROOK_RETURN_IF_ERROR(ReadAll(size, sizeof(size), deadline_ms));
  const int32_t length = LoadBigEndian<int32_t>(size);
  if (length < 0) return Status::Corruption(Name() + " sent a frame of negative size");
  Bytes answer(static_cast<size_t>(length));
  BROOK_RETURN_IF_ERROR(ReadAll(answer.data(), answer.size(), deadline_ms));
  return answer;
}

Status BrokerConnection::WriteAll(const uint8_t* data, size_t size, int64_t deadline_ms) {
  while (size > 0) {
    if (!WaitFor(socket_, POLLOUT, deadline_ms)) {
      return Status::TimedOut("no answer from the broker in time");
    }
    const ssize_t written = ::send(socket_, data, size, MSG_NOSIGNAL);
    if (written < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (written <= 0) {
      return Status::Unavailable(Name() + " closed the connection instead of answering");
    }
    data += written;
    size -= static_cast<size_t>(written);
  }
  return Status::Ok();
}

Status BrokerConnection::ReadAll(uint8_t* data, size_t size, int64_t deadline_ms) {
  while (size > 0) {
    if (!WaitFor(socket_, POLLIN, deadline_ms)) {
      return Status::TimedOut("no answer from the broker in time");
    }
    const ssize_t got = ::recv(socket_, data, size, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (got <= 0) {
      return Status::Unavailable(Name() +
                                 " closed the connection instead of answering (it may "
                                 "not support this request)");
    }
    data += got;
    size -= static_cast<size_t>(got);
  }
  return Status::Ok();
}

}  // namespace brook::tools
