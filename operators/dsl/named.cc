#include "operators/dsl/named.h"

#include "framework/api/errors.h"

namespace brook::streams {

namespace {

constexpr size_t kMaxNameLength = 249;

bool IsLegalCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

std::string Named::Validated(std::string name) {
  if (name.empty()) throw TopologyException("Name is illegal, it can't be empty");
  if (name == "." || name == "..") throw TopologyException("Name cannot be \".\" or \"..\"");
  if (name.size() > kMaxNameLength) {
    throw TopologyException("Name is illegal, it can't be longer than " +
                            std::to_string(kMaxNameLength) + " characters, name: " + name);
  }
  for (char c : name) {
    if (!IsLegalCharacter(c)) {
      throw TopologyException("Name \"" + name +
                              "\" is illegal, it contains a character other than ASCII "
                              "alphanumerics, '.', '_' and '-'");
    }
  }
  return name;
}

}  // namespace brook::streams
