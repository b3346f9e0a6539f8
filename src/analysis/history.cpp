#include "tlsdiag/analysis/history.h"

#include <array>

namespace tlsdiag::analysis {

namespace {
struct Letter {
  std::uint8_t type;
  char letter;
};
// RFC 8446 §4 / RFC 5246 §7.4 handshake types.
constexpr std::array kLetters = {
    Letter{0, 'H'},  Letter{1, 'C'},  Letter{2, 'S'},  Letter{3, 'V'},  Letter{4, 'T'},
    Letter{5, 'E'},  Letter{8, 'O'},  Letter{11, 'X'}, Letter{12, 'K'}, Letter{13, 'R'},
    Letter{14, 'N'}, Letter{15, 'Y'}, Letter{16, 'G'}, Letter{20, 'F'}, Letter{21, 'W'},
    Letter{22, 'U'}, Letter{23, 'A'}, Letter{24, 'P'}, Letter{254, 'M'},
};
}  // namespace

char handshake_letter(std::uint8_t type) {
  for (const Letter& l : kLetters)
    if (l.type == type) return l.letter;
  return 'Z';
}

char history_letter(char upper, reassembly::Direction sender) {
  if (sender == reassembly::Direction::ClientToServer) return upper;
  return static_cast<char>(upper - 'A' + 'a');
}

}  // namespace tlsdiag::analysis
