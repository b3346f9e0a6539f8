#include "support/paths.h"

#include <cstdlib>

namespace tlsdiag::test {

std::filesystem::path source_dir() { return TLSDIAG_SOURCE_DIR; }

std::filesystem::path tlsdiag_binary() { return TLSDIAG_BINARY; }

std::optional<std::filesystem::path> zeek_corpus_dir() {
  if (const char* env = std::getenv("TLSDIAG_CORPUS"); env != nullptr && *env != '\0') {
    if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
    return std::nullopt;
  }
  auto dir = source_dir().parent_path() / "shared" / "corpus" / "zeek";
  if (std::filesystem::is_directory(dir)) return dir;
  return std::nullopt;
}

}  // namespace tlsdiag::test
