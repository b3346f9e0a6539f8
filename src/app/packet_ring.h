#pragma once
// PacketRing: the last packets of every open TCP connection, kept so that those of a failed
// handshake can be written to a pcap (--write-failures) once its verdict is known.
//
// Input: captured frames (add), in capture order. Each is keyed by its TCP connection, the
// direction-free 4-tuple, found by a small parse of the link, IP and TCP headers; IP fragments
// and anything that is not TCP over IPv4/IPv6 are skipped. Output: take() hands over the packets
// of one connection, oldest first, and forgets them.
//
// Limits: per connection the last packets_per_flow packets and at most bytes_per_flow bytes
// (older packets go first); over all connections total_bytes, counting a fixed overhead per
// packet and per connection so the cap bounds real memory. Past total_bytes the connection with
// the oldest last packet loses all its packets (counted in flows_dropped). expire() forgets
// connections without a packet for a while (their flow closed without a verdict we care about,
// or trailing packets arrived after it).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "tlsdiag/capture/packet.h"
#include "tlsdiag/reassembly/flow_index.h"

namespace tlsdiag::app {

struct PacketRingLimits {
  std::size_t packets_per_flow = 64;
  std::size_t bytes_per_flow = 512 * 1024;
  std::size_t total_bytes = 64 * 1024 * 1024;
};

struct PacketRingStats {
  std::uint64_t packets_kept = 0;     // copies made
  std::uint64_t packets_skipped = 0;  // not TCP over IP, or an IP fragment
  std::uint64_t packets_aged_out = 0; // pushed out of a connection's ring by newer ones
  std::uint64_t flows_dropped = 0;    // lost all their packets to the total_bytes cap
};

struct StoredPacket {
  Timestamp ts;
  std::uint32_t wire_len = 0;
  std::vector<std::uint8_t> data;
};

class PacketRing {
 public:
  // Bytes charged for each kept packet and each connection besides the packet bytes.
  static constexpr std::size_t kPacketOverhead = 64;
  static constexpr std::size_t kFlowOverhead = 160;

  explicit PacketRing(PacketRingLimits limits = {}) : limits_(limits) {}

  void add(const capture::Packet& packet);
  // The packets kept for the connection between |a| and |b| (either order), oldest first; the
  // ring forgets them.
  std::vector<StoredPacket> take(const net::Endpoint& a, const net::Endpoint& b);
  // Forgets every connection whose last packet is more than idle_ns older than now.
  void expire(Timestamp now, std::int64_t idle_ns);

  std::size_t flows() const { return index_.size(); }
  std::size_t bytes() const { return bytes_; }
  const PacketRingStats& stats() const { return stats_; }

 private:
  struct Ring {
    reassembly::TupleKey key;
    std::deque<StoredPacket> packets;  // oldest first
    std::size_t bytes = 0;             // charged bytes, overheads included
    Timestamp last;
  };
  struct KeyHash {
    std::size_t operator()(const reassembly::TupleKey& k) const { return reassembly::hash_tuple(k); }
  };
  using Rings = std::list<Ring>;  // least recently active first

  void push(Ring& ring, const capture::Packet& packet);
  void drop_oldest(Ring& ring);
  void erase(Rings::iterator it);
  void enforce_total();

  PacketRingLimits limits_;
  Rings rings_;
  std::unordered_map<reassembly::TupleKey, Rings::iterator, KeyHash> index_;
  std::size_t bytes_ = 0;
  PacketRingStats stats_;
};

// The TCP connection a frame belongs to, or nullopt when it is not TCP over IPv4/IPv6 or is an
// IP fragment. |link_type| as pcap_datalink() gives it.
std::optional<reassembly::TupleKey> tcp_tuple(int link_type, std::span<const std::uint8_t> frame);

}  // namespace tlsdiag::app
