#include <cxxabi.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <typeindex>

#include "framework/api/detail/node_factory.h"
#include "framework/api/record.h"

namespace brook::streams::detail {

std::string TypeName(std::type_index type) {
  if (type == typeid(std::string)) return "std::string";
  if (type == typeid(int32_t)) return "int32_t";
  if (type == typeid(int64_t)) return "int64_t";
  if (type == typeid(Void)) return "Void";
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  if (status != 0 || !demangled) return type.name();
  std::string name = demangled.get();
  // Shorten the spelled-out std::string inside other types.
  const std::string long_string =
      "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >";
  for (size_t at = name.find(long_string); at != std::string::npos;
       at = name.find(long_string, at)) {
    name.replace(at, long_string.size(), "std::string");
  }
  return name;
}

}  // namespace brook::streams::detail
