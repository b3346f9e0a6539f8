#pragma once
// DirectionKeys: the record keys one side of a connection uses, in the order it switches to them
// (TLS 1.3: handshake traffic secret, then application traffic secret 0; TLS <= 1.2: one key
// block after ChangeCipherSpec). A record that does not authenticate under the current key is
// tried under the later ones, each from sequence number 0: that is how a sender's key change is
// found without decrypting its Finished first. Gives up on a direction after kMaxFailures records
// in a row that nothing opens (wrong key log, a lost record), so hostile traffic costs little.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "tlsdiag/tls/keylog.h"
#include "tlsdiag/tls/messages.h"
#include "tlsdiag/tls/record_protection.h"

namespace tlsdiag::tls {

class DirectionKeys {
 public:
  static constexpr std::uint32_t kMaxFailures = 4;

  void add(std::unique_ptr<RecordDecryptor> key) { keys_.push_back(std::move(key)); }
  bool active() const { return current_ < keys_.size() && failures_ < kMaxFailures; }
  bool ever_decrypted() const { return decrypted_ > 0; }
  bool tried() const { return decrypted_ > 0 || failures_ > 0; }
  std::optional<Plaintext> decrypt(const RecordHeader& header, std::span<const std::uint8_t> payload);

 private:
  std::vector<std::unique_ptr<RecordDecryptor>> keys_;
  std::size_t current_ = 0;
  std::uint32_t failures_ = 0;
  std::uint64_t decrypted_ = 0;
};

enum class KeysFound : std::uint8_t { Installed, NoKeys, UnsupportedSuite };

// Looks up the connection's secrets (by the random of its first ClientHello) in |log| and fills |client| and |server| with the keys each
// side will use after |server_hello|.
KeysFound install_keys(const KeyLog& log, const Random& client_random, const ServerHello& server_hello,
                       DirectionKeys& client, DirectionKeys& server);

}  // namespace tlsdiag::tls
