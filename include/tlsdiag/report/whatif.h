#pragma once
// What-if: which clients seen in the captures would fail if a server's policy changed (a minimum
// protocol version, a list of acceptable cipher suites). `tlsdiag whatif` runs the analyze
// pipeline into a WhatIfTally and writes it with write_whatif_text / whatif_to_json.
//
// WhatIfTally is a FlowSink. Input: finished flows (those with a ClientHello to a selected server
// count) and input results. Output: one entry per client (address + JA4 of its ClientHello) with
// its connections and what the new policy would do to it. Memory: one entry per distinct client,
// at most kMaxClients (later ones are counted per outcome, not itemised).
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tlsdiag/analysis/flow_record.h"
#include "tlsdiag/analysis/flow_sink.h"
#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/tls/messages.h"

namespace tlsdiag::report {

struct WhatIfPolicy {
  std::uint16_t min_version = 0;       // wire code (0x0303 = TLS 1.2); 0 = versions unchanged
  std::vector<std::uint16_t> ciphers;  // acceptable suites; empty = suites unchanged
  // Servers the policy applies to: "192.0.2.1:443", "192.0.2.1", or an SNI name (any case);
  // empty = every server.
  std::vector<std::string> servers;
};

enum class WhatIfOutcome : std::uint8_t { Unaffected, VersionTooLow, NoAcceptableCipher, kCount };
inline constexpr std::size_t kWhatIfOutcomes = static_cast<std::size_t>(WhatIfOutcome::kCount);
// "unaffected", "version_too_low", "no_acceptable_cipher"
std::string_view name(WhatIfOutcome outcome);

// What |policy| would do to a client sending |hello|: VersionTooLow when none of its offered
// versions (GREASE left out) is at least min_version; else NoAcceptableCipher when ciphers is set
// and none of its offered suites is in it; else Unaffected.
WhatIfOutcome judge(const tls::ClientHello& hello, const WhatIfPolicy& policy);
// Whether |flow|'s server is one |policy| applies to.
bool server_selected(const analysis::FlowRecord& flow, const WhatIfPolicy& policy);

// "TLS_AES_128_GCM_SHA256,0xc02f": IANA names or hex codes, comma-separated. nullopt, with the
// bad item in |bad|, when one is neither.
std::optional<std::vector<std::uint16_t>> parse_cipher_list(std::string_view list, std::string& bad);

struct WhatIfClient {
  net::IpAddress client;
  std::string ja4;
  std::string sni;                    // of its first connection; "" without
  net::Endpoint server;               // of its first connection
  std::uint16_t highest_offered = 0;  // 0: offered no version we know
  std::uint64_t connections = 0;
  // The first outcome other than Unaffected among its connections, else Unaffected.
  WhatIfOutcome outcome = WhatIfOutcome::Unaffected;
};

struct WhatIfCounts {
  std::uint64_t clients = 0;
  std::uint64_t connections = 0;
};

class WhatIfTally final : public analysis::FlowSink {
 public:
  static constexpr std::size_t kMaxClients = 100'000;

  explicit WhatIfTally(WhatIfPolicy policy) : policy_(std::move(policy)) {}

  void on_flow(const analysis::FlowRecord& flow) override;
  void on_input_done(const analysis::InputResult& result) override;
  void on_finish() override {}

  const WhatIfPolicy& policy() const { return policy_; }
  // Per outcome: clients (by their outcome) and connections (each judged on its own).
  const std::array<WhatIfCounts, kWhatIfOutcomes>& counts() const { return counts_; }
  WhatIfCounts would_break() const;
  // The clients of |outcome|, most connections first, then by address and JA4; at most |limit|.
  std::vector<WhatIfClient> clients(WhatIfOutcome outcome, std::size_t limit) const;
  std::uint64_t untracked_clients() const { return untracked_clients_; }
  std::uint64_t connections_without_hello() const { return without_hello_; }
  std::uint64_t connections_other_servers() const { return other_servers_; }
  const std::vector<std::pair<std::string, std::string>>& input_errors() const { return input_errors_; }
  // 2 when an input had an error, else 1 when a client would break, else 0.
  int exit_code() const;

 private:
  WhatIfPolicy policy_;
  std::map<std::pair<net::IpAddress, std::string>, WhatIfClient> clients_;
  std::array<WhatIfCounts, kWhatIfOutcomes> counts_{};
  std::uint64_t untracked_clients_ = 0;
  std::uint64_t without_hello_ = 0;
  std::uint64_t other_servers_ = 0;
  std::vector<std::pair<std::string, std::string>> input_errors_;  // path, message
};

// The text answer: counts, then per outcome up to |examples| clients.
void write_whatif_text(std::ostream& out, const WhatIfTally& tally, std::size_t examples);
// The JSON answer (every tracked client), as one document with a trailing newline.
std::string whatif_to_json(const WhatIfTally& tally);

}  // namespace tlsdiag::report
