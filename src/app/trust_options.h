#pragma once
// The certificate and key options live mode shares with analyze (--ca-file, --ca-path,
// --trust system, --keylog): loading them, before privileges are dropped (the files may be
// readable by root only). Both throw std::runtime_error with a one-line reason, at start-up.
#include <optional>
#include <string>
#include <vector>

#include "tlsdiag/analysis/certificate_check.h"
#include "tlsdiag/tls/keylog.h"

namespace tlsdiag::app {

struct TrustOptions {
  std::vector<std::string> ca_files, ca_paths;
  std::string trust;  // "system" or empty
  std::vector<std::string> keylogs;
};

// The CA store from --ca-file / --ca-path / --trust system; none given = no trust check.
std::optional<analysis::TrustStore> load_trust(const TrustOptions& o);
// Every --keylog file in one key log; bad lines are warned about on stderr with their number.
std::optional<tls::KeyLog> load_keylogs(const TrustOptions& o);

}  // namespace tlsdiag::app
