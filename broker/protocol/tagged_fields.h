#pragma once

#include <cstdint>
#include <vector>

#include "common/bytes.h"

namespace brook::broker::protocol {

// A tagged field this code does not know (a newer schema's, or one from a version outside the
// range it was generated for), kept as raw bytes so a decoded message re-encodes unchanged.
struct UnknownTaggedField {
  uint32_t tag = 0;
  Bytes data;

  bool operator==(const UnknownTaggedField&) const = default;
};

// The unknown tagged fields of one struct, in ascending tag order (the order they are read in).
// Encoders merge them with the known tagged fields by tag, so keep them sorted when adding some.
using UnknownTaggedFields = std::vector<UnknownTaggedField>;

}  // namespace brook::broker::protocol
