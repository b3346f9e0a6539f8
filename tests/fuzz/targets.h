#pragma once
// Fuzz target bodies, shared by the libFuzzer entry points (tests/fuzz/*_fuzzer.cpp, clang) and
// the regression replay test (tests/unit/regress/replay_test.cpp, any compiler), so a crash
// found by libFuzzer replays under g++ too. Each returns 0; a broken invariant aborts.
//
// Input formats (all lengths big-endian; anything left over or cut short is still used):
//
//  tls_stream   One flow fed straight to Dissector -> Correlator -> null FlowSink, which touches
//               every field and serializes the flow with report::flow_to_json.
//                 [flags] then ops until the input ends:
//                   flags bit0 syn_seen, bit1 server port 443 (else 25, SMTP),
//                         bits2-4 close reason, bit5 IPv6 endpoints
//                   op byte c: dir = c & 1; kind = (c >> 1) & 7:
//                     0-4  data:  [len u16] then len bytes (fewer if the input ends)
//                     5    gap:   [missing u24] (+1)
//                     6    tcp:   event kind c >> 4 & 3 (Syn, SynAck, Fin, Rst)
//                     7    data of the rest of the input, in chunks of (c >> 4) + 1 bytes
//               on_open first, on_close and on_end last. A direction whose on_data returned false
//               gets no more data or gaps (the reassembler's contract).
//  packet       net::PacketDecoder -> StreamTable -> Dissector -> Correlator -> null FlowSink.
//                 [sel] selects the link type: kLinkTypes[sel & 0x0f] (index >= its size: the
//                 value sel itself, an unknown link type). sel bit7 clear: the rest is ONE packet.
//                 sel bit7 set: packets [len u16] [len & 0x7fff bytes]...; len bit15 = frame cut
//                 by the snapshot length (wire_len larger than captured).
//  pcap_file    The input is a capture file image (pcap / pcapng), run through app::analyze_file
//               into text, JSON and JSONL reports; the JSON document must parse back.
//  client_hello [sel] then a handshake body (no 4-byte header): sel % 8 picks
//                 parse_client_hello, parse_server_hello, parse_certificate (TLS 1.2),
//                 parse_certificate (TLS 1.3), parse_sslv2_client_hello, parse_certificate_request,
//                 parse_server_key_exchange, parse_alert; results serialized to JSON.
//  keylog       The input is an NSS key log's text, parsed by tls::KeyLog::parse; warnings must
//               be capped, numbered and printable, merge() must copy the log exactly, and a
//               secret found for the client random of the first line must have a real length.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tlsdiag::fuzz {

int fuzz_tls_stream(const std::uint8_t* data, std::size_t size);
int fuzz_packet(const std::uint8_t* data, std::size_t size);
int fuzz_pcap_file(const std::uint8_t* data, std::size_t size);
int fuzz_client_hello(const std::uint8_t* data, std::size_t size);
int fuzz_keylog(const std::uint8_t* data, std::size_t size);

// Link types the packet target picks from (the low nibble of its first byte).
inline constexpr int kLinkTypes[] = {1, 0, 12, 14, 101, 108, 113, 228, 229, 276};
inline constexpr std::size_t kLinkTypeCount = sizeof(kLinkTypes) / sizeof(kLinkTypes[0]);

// A target by name ("tls_stream", ...); nullptr when unknown.
using TargetFn = int (*)(const std::uint8_t*, std::size_t);
TargetFn target_by_name(std::string_view name);
// Every target name, for the replay test.
inline constexpr std::string_view kTargetNames[] = {"tls_stream", "packet", "pcap_file",
                                                    "client_hello", "keylog"};

}  // namespace tlsdiag::fuzz
