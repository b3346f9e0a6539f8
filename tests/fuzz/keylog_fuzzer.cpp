// libFuzzer entry point for the keylog target; the body (and its input format) is in targets.cpp.
#include <cstddef>
#include <cstdint>

#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return tlsdiag::fuzz::fuzz_keylog(data, size);
}
