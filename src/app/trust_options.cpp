#include "trust_options.h"

#include <iostream>
#include <stdexcept>

namespace tlsdiag::app {

std::optional<analysis::TrustStore> load_trust(const TrustOptions& o) {
  if (o.ca_files.empty() && o.ca_paths.empty() && o.trust.empty()) return std::nullopt;
  if (!o.trust.empty() && o.trust != "system") throw std::runtime_error("--trust takes 'system'");
  analysis::TrustStore store;
  for (const auto& f : o.ca_files) store.add_file(f);
  for (const auto& d : o.ca_paths) store.add_dir(d);
  if (o.trust == "system") store.add_system_default();
  return store;
}

std::optional<tls::KeyLog> load_keylogs(const TrustOptions& o) {
  if (o.keylogs.empty()) return std::nullopt;
  tls::KeyLog all;
  for (const std::string& path : o.keylogs) {
    std::string error;
    std::optional<tls::KeyLog> log = tls::KeyLog::load(path, error);
    if (!log) throw std::runtime_error(error);
    for (const tls::KeyLogWarning& w : log->warnings()) std::cerr << "tlsdiag: " << path << ": " << w.message << "\n";
    if (log->empty()) std::cerr << "tlsdiag: " << path << ": no usable secrets\n";
    all.merge(*log);
  }
  return all;
}

}  // namespace tlsdiag::app
