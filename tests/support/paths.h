#pragma once
// Locations the tests need: the source tree (samples/, tests/data/), the built tlsdiag binary,
// and ../shared/corpus when it exists.
#include <filesystem>
#include <optional>

namespace tlsdiag::test {

std::filesystem::path source_dir();
std::filesystem::path tlsdiag_binary();
// ../shared/corpus/zeek next to the checkout, or $TLSDIAG_CORPUS; nullopt when absent.
std::optional<std::filesystem::path> zeek_corpus_dir();

}  // namespace tlsdiag::test
