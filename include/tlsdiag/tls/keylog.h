#pragma once
// KeyLog: secrets from an NSS key log file (SSLKEYLOGFILE, as written by browsers, curl,
// OpenSSL's -keylogfile, Java agents), by label and client random. Format: one
// "LABEL <client_random hex> <secret hex>" per line; '#' comments and blank lines ignored.
// https://developer.mozilla.org/en-US/docs/Mozilla/Projects/NSS/Key_Log_Format
// Bad lines are skipped with a warning that names the line; the rest of the file still counts.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tlsdiag::tls {

using Random = std::array<std::uint8_t, 32>;

enum class SecretLabel : std::uint8_t {
  ClientRandom,            // CLIENT_RANDOM: TLS <= 1.2 master secret (48 bytes)
  ClientEarlyTraffic,      // CLIENT_EARLY_TRAFFIC_SECRET
  ClientHandshakeTraffic,  // CLIENT_HANDSHAKE_TRAFFIC_SECRET
  ServerHandshakeTraffic,  // SERVER_HANDSHAKE_TRAFFIC_SECRET
  ClientTraffic0,          // CLIENT_TRAFFIC_SECRET_0
  ServerTraffic0,          // SERVER_TRAFFIC_SECRET_0
  EarlyExporter,           // EARLY_EXPORTER_SECRET (kept, not used)
  Exporter,                // EXPORTER_SECRET (kept, not used)
};
inline constexpr std::size_t kSecretLabelCount = 8;

struct KeyLogWarning {
  std::size_t line = 0;  // 1-based; 0 for a warning about the whole file (see below)
  std::string message;   // "line 7: secret is not hex", ...
};

// Warnings kept per parse. Past this, one last warning (line 0) counts the ones left out, so a
// file that is not a key log at all costs a screenful, not a million lines. A file with no
// secret and nothing else to warn about gets one line-0 warning saying so.
inline constexpr std::size_t kMaxKeyLogWarnings = 100;

class KeyLog {
 public:
  // Parses key log text. Never fails: unusable lines become warnings.
  static KeyLog parse(std::string_view text);
  // Reads and parses a file; nullopt (and |error| set to a one-line reason) when it cannot be read.
  static std::optional<KeyLog> load(const std::string& path, std::string& error);

  // Adds the lines of another key log (several --keylog files); later lines win. Its warnings
  // are appended as they are (their line numbers are the other file's).
  void merge(const KeyLog& other);

  // The secret logged under |label| for the connection whose ClientHello carried |client_random|.
  std::optional<std::span<const std::uint8_t>> find(SecretLabel label, const Random& client_random) const;

  std::size_t entries() const;       // secrets held
  std::size_t connections() const;   // distinct client randoms
  const std::vector<KeyLogWarning>& warnings() const { return warnings_; }
  bool empty() const { return entries() == 0; }

 private:
  class Parser;  // keylog.cpp
  // Stores |secret| under |label| for |client_random|, replacing what was there.
  void store(SecretLabel label, const Random& client_random, std::vector<std::uint8_t> secret);

  struct RandomHash {
    std::size_t operator()(const Random& r) const;
  };
  using Secrets = std::array<std::vector<std::uint8_t>, kSecretLabelCount>;
  std::unordered_map<Random, Secrets, RandomHash> by_random_;
  std::vector<KeyLogWarning> warnings_;
  std::size_t entries_ = 0;
};

}  // namespace tlsdiag::tls
