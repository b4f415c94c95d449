#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace brook {

// What went wrong, coarse enough for callers to branch on. Handlers map these (with the
// message) to Kafka wire ErrorCodes; nothing below the handlers knows about the wire.
enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,     // the caller passed something malformed (a bad batch, a bad name)
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // creating a thing that exists
  kOutOfRange,          // an offset or position outside what exists
  kCorruption,          // bytes fail a checksum or structural check
  kTooLarge,            // a record, batch or request over a configured limit
  kIOError,             // the operating system reported a failure
  kUnsupported,         // a valid request for a feature Brook does not have
  kFailedPrecondition,  // the object is in the wrong state for the call
  kUnavailable,         // try again later (loading, shutting down)
  kTimedOut,            // a deadline passed
  kInternal,            // a bug: an invariant did not hold
};

std::string_view StatusCodeName(StatusCode code);

// Outcome of an operation: ok, or a code and a message that says what and where.
// Thread safety: a value type; distinct objects may be used from distinct threads.
class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {StatusCode::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status OutOfRange(std::string msg) { return {StatusCode::kOutOfRange, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status TooLarge(std::string msg) { return {StatusCode::kTooLarge, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {StatusCode::kUnsupported, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) {
    return {StatusCode::kFailedPrecondition, std::move(msg)};
  }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status TimedOut(std::string msg) { return {StatusCode::kTimedOut, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "Corruption: <message>", or "OK".
  std::string ToString() const;

  // Marks a status as deliberately ignored so the place can be found with grep.
  void IgnoreError() const {}

  bool operator==(const Status& other) const = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace brook

#define BROOK_STATUS_CONCAT_INNER(a, b) a##b
#define BROOK_STATUS_CONCAT(a, b) BROOK_STATUS_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the enclosing function if it is not ok.
#define BROOK_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::brook::Status brook_status_ = (expr);        \
    if (!brook_status_.ok()) return brook_status_; \
  } while (0)
