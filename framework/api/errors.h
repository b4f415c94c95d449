#pragma once

#include <stdexcept>
#include <string>

namespace brook::streams {

// Errors of the streams API. Following DESIGN/STYLE, exceptions are used only for programmer
// errors and bad configuration found at construction (TopologyException, ConfigException), and
// for user code that fails inside a task (a serde's SerializationException, anything a
// processor throws): those are caught at the task boundary and given to the configured handler.

// Base of every exception Brook's streams API throws.
class StreamsException : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A topology that cannot run: a cycle, a missing serde, an unknown node or store name, two
// nodes with one name, mismatched record types between a parent and its child.
class TopologyException : public StreamsException {
 public:
  explicit TopologyException(const std::string& message)
      : StreamsException("Invalid topology: " + message) {}
};

// A StreamsConfig key with a missing, unknown or out-of-range value.
class ConfigException : public StreamsException {
 public:
  using StreamsException::StreamsException;
};

// Bytes a serde cannot read, or a value it cannot write. Thrown by serdes, including
// user-written ones; the task hands the record to the deserialization (or production)
// exception handler.
class SerializationException : public StreamsException {
 public:
  using StreamsException::StreamsException;
};

// A store that cannot be used now (Kafka's InvalidStateStoreException): closed, not yet
// initialized, migrated to another instance, or a name that no local task has.
class InvalidStateStoreException : public StreamsException {
 public:
  using StreamsException::StreamsException;
};

// A store's backend failed (Kafka's ProcessorStateException): RocksDB could not open or write,
// a state directory is locked by another instance, a checkpoint cannot be written.
class ProcessorStateException : public StreamsException {
 public:
  using StreamsException::StreamsException;
};

}  // namespace brook::streams
