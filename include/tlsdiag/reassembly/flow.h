#pragma once
// Flow identity and TCP-level facts shared by every stage after reassembly.
#include <cstdint>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::reassembly {

using FlowId = std::uint64_t;  // unique within one chain (one input), in order of first packet

// Client = the SYN sender; without a SYN, a guess the TLS stage may correct (RolesSwapped).
enum class Direction : std::uint8_t { ClientToServer = 0, ServerToClient = 1 };
constexpr Direction opposite(Direction d) {
  return d == Direction::ClientToServer ? Direction::ServerToClient : Direction::ClientToServer;
}
constexpr int index(Direction d) { return static_cast<int>(d); }

struct FlowInfo {
  FlowId id = 0;
  net::Endpoint client;
  net::Endpoint server;
  bool syn_seen = false;  // false: connection picked up mid-stream, roles guessed
  Timestamp first_seen;
  std::uint64_t first_packet = 0;
};

enum class TcpEventKind : std::uint8_t { Syn, SynAck, Fin, Rst };

// A control segment, with the sender's IP TTL and the TTL of that sender's previous packet
// (0 when none), so a reset whose TTL differs from the peer's earlier packets stands out.
struct TcpEvent {
  TcpEventKind kind = TcpEventKind::Syn;
  Direction dir = Direction::ClientToServer;
  Timestamp ts;
  std::uint8_t ttl = 0;
  std::uint8_t prior_ttl = 0;
  std::uint64_t packet_number = 0;
};

enum class CloseReason : std::uint8_t {
  Fin,           // both sides sent FIN (or one FIN and the capture ended)
  Rst,           // a reset ended it
  EndOfCapture,  // still open when the input ended
  Evicted,       // dropped from a full flow table
  Timeout,       // idle past the flow timeout (live mode)
  Open,          // not closed: reported once its handshake's outcome was known (live mode)
};

// Why bytes of a direction are skipped (on_gap).
enum class GapKind : std::uint8_t {
  NotCaptured,  // never in the capture: lost, cut by the snaplen, acknowledged but not seen
  GivenUp,      // a buffer cap made reassembly move past them: they may still arrive, too late
};

struct DirectionStats {
  std::uint64_t packets = 0;
  std::uint64_t payload_bytes = 0;     // in-sequence payload bytes delivered or counted
  std::uint64_t retransmitted_bytes = 0;
  // Overlapping bytes that differed from the first copy (which is kept). Against bytes held out
  // of order, byte by byte; against bytes already delivered, by a hash of each recently delivered
  // piece, a differing piece counting all its bytes.
  std::uint64_t overlap_conflicts = 0;
  std::uint64_t first_conflict = 0;     // stream offset of the first of them, if any
  std::uint64_t out_of_order_segments = 0;
  // Bytes not in the capture: skipped as GapKind::NotCaptured, or given up on at a buffer cap and
  // still missing when the direction is flushed (or no longer watched for).
  std::uint64_t gaps = 0;
  std::uint64_t gap_bytes = 0;
  // Skipped as GapKind::GivenUp and not (yet) known to be missing: captured too late to deliver,
  // then counted as payload.
  std::uint64_t given_up_bytes = 0;
  std::uint64_t truncated_packets = 0;  // caplen < len: payload cut by the snaplen
  std::uint8_t first_ttl = 0;
  std::uint8_t last_ttl = 0;
  bool buffer_cap_hit = false;     // an out-of-order cap was hit: either or both below
  bool bytes_cap_hit = false;      // BufferLimits::max_bytes
  bool segments_cap_hit = false;   // BufferLimits::max_segments
};

struct FlowStats {
  DirectionStats dir[2];
};

}  // namespace tlsdiag::reassembly
