#pragma once

// A blocking loopback client that speaks Kafka frames with Brook's own codec, for tests that
// send what real clients never would.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "broker/protocol/frame.h"
#include "common/bytes.h"

namespace brook::testing {

class RawClient {
 public:
  explicit RawClient(const std::string& bootstrap) {
    auto colon = bootstrap.rfind(':');
    int port = std::stoi(bootstrap.substr(colon + 1));
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, bootstrap.substr(0, colon).c_str(), &addr.sin_addr);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  }
  ~RawClient() { ::close(fd_); }

  void SendRaw(ByteView bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // Sends `body` with a size prefix.
  void SendFrame(ByteView body) {
    Bytes frame;
    AppendBigEndian<int32_t>(frame, static_cast<int32_t>(body.size()));
    AppendBytes(frame, body);
    SendRaw(frame);
  }
  template <typename Request>
  void Send(const Request& request, int16_t version, int32_t correlation_id = 7) {
    broker::protocol::RequestHeader header;
    header.request_api_version = version;
    header.correlation_id = correlation_id;
    header.client_id = "raw-test";
    Bytes body;
    broker::protocol::EncodeRequestFrame(header, request, &body);
    SendFrame(body);
  }
  // The next response frame (without size prefix), or nullopt when the broker closed the
  // connection or 5 s passed.
  std::optional<Bytes> ReadFrame() {
    uint8_t size[4];
    if (!ReadExact(size, 4)) return std::nullopt;
    Bytes body(static_cast<size_t>(LoadBigEndian<int32_t>(size)));
    if (!ReadExact(body.data(), body.size())) return std::nullopt;
    return body;
  }
  // Reads and decodes a response to `Request` at `version`.
  template <typename Request>
  std::optional<typename Request::Response> Receive(int16_t version) {
    auto frame = ReadFrame();
    if (!frame) return std::nullopt;
    auto parsed = broker::protocol::ParseResponseFrame(*frame, Request::kApiKey, version);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    if (!parsed.ok()) return std::nullopt;
    auto body = broker::protocol::DecodeBody<typename Request::Response>(
        *frame, parsed->body_offset, version);
    EXPECT_TRUE(body.ok()) << body.status().ToString();
    if (!body.ok()) return std::nullopt;
    return std::move(body).value();
  }
  bool ClosedByBroker() {
    uint8_t b;
    return !ReadExact(&b, 1);
  }

 private:
  bool ReadExact(uint8_t* out, size_t n) {
    size_t got = 0;
    while (got < n) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0) return false;
      ssize_t r = ::recv(fd_, out + got, n - got, 0);
      if (r <= 0) return false;
      got += static_cast<size_t>(r);
    }
    return true;
  }
  int fd_;
};

}  // namespace brook::testing
