#include "direction_keys.h"

#include <algorithm>

namespace tlsdiag::tls {

namespace {
constexpr std::uint16_t kEncryptThenMac = 22;  // RFC 7366

// Appends the decryptor for |label|'s secret, when the key log has it; false when it does not.
bool add_tls13(const KeyLog& log, SecretLabel label, const Random& random, std::uint16_t suite,
               DirectionKeys& keys, bool& unsupported) {
  const auto secret = log.find(label, random);
  if (!secret) return false;
  auto key = RecordDecryptor::tls13(suite, *secret);
  if (!key) {
    unsupported = true;
    return false;
  }
  keys.add(std::move(key));
  return true;
}

KeysFound install_tls13(const KeyLog& log, const Random& random, std::uint16_t suite, DirectionKeys& client,
                        DirectionKeys& server) {
  bool unsupported = false;
  bool any = false;
  // Early data keys first: a client that sends 0-RTT data uses them until EndOfEarlyData.
  any |= add_tls13(log, SecretLabel::ClientEarlyTraffic, random, suite, client, unsupported);
  any |= add_tls13(log, SecretLabel::ClientHandshakeTraffic, random, suite, client, unsupported);
  any |= add_tls13(log, SecretLabel::ClientTraffic0, random, suite, client, unsupported);
  any |= add_tls13(log, SecretLabel::ServerHandshakeTraffic, random, suite, server, unsupported);
  any |= add_tls13(log, SecretLabel::ServerTraffic0, random, suite, server, unsupported);
  if (unsupported) return KeysFound::UnsupportedSuite;
  return any ? KeysFound::Installed : KeysFound::NoKeys;
}

KeysFound install_tls12(const KeyLog& log, const Random& random, const ServerHello& sh, DirectionKeys& client,
                        DirectionKeys& server) {
  const auto master = log.find(SecretLabel::ClientRandom, random);
  if (!master) return KeysFound::NoKeys;
  const bool etm = std::ranges::find(sh.extensions, kEncryptThenMac) != sh.extensions.end();
  const std::uint16_t version = sh.selected_version;
  auto c = RecordDecryptor::tls12(sh.cipher_suite, version, *master, random, sh.random, true, etm);
  auto s = RecordDecryptor::tls12(sh.cipher_suite, version, *master, random, sh.random, false, etm);
  if (!c || !s) return KeysFound::UnsupportedSuite;
  client.add(std::move(c));
  server.add(std::move(s));
  return KeysFound::Installed;
}
}  // namespace

std::optional<Plaintext> DirectionKeys::decrypt(const RecordHeader& header, std::span<const std::uint8_t> payload) {
  for (std::size_t i = current_; i < keys_.size(); ++i) {
    auto plain = keys_[i]->decrypt(header, payload);
    if (!plain) continue;
    current_ = i;
    failures_ = 0;
    ++decrypted_;
    return plain;
  }
  ++failures_;
  return std::nullopt;
}

KeysFound install_keys(const KeyLog& log, const Random& client_random, const ServerHello& server_hello,
                       DirectionKeys& client, DirectionKeys& server) {
  if (version_rank(server_hello.selected_version) == version::kTls13)
    return install_tls13(log, client_random, server_hello.cipher_suite, client, server);
  return install_tls12(log, client_random, server_hello, client, server);
}

}  // namespace tlsdiag::tls
