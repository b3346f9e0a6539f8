#include "packet_ring.h"

#include <iterator>

#include "tlsdiag/net/ipv4.h"
#include "tlsdiag/net/ipv6.h"
#include "tlsdiag/net/link_decoder.h"
#include "tlsdiag/util/byte_reader.h"

namespace tlsdiag::app {

namespace {

// The ports at the front of a TCP header (RFC 9293 §3.1).
std::optional<reassembly::TupleKey> with_ports(const net::IpAddress& src, const net::IpAddress& dst,
                                               ByteReader tcp) {
  net::Endpoint a{src, 0}, b{dst, 0};
  tcp.read_u16(a.port);
  tcp.read_u16(b.port);
  if (tcp.failed()) return std::nullopt;
  return reassembly::TupleKey::of(a, b);
}

std::optional<reassembly::TupleKey> ipv4_tuple(ByteReader r) {
  auto ip = net::parse_ipv4(r);
  if (!ip || ip->is_fragment() || ip->protocol != net::kIpProtoTcp) return std::nullopt;
  return with_ports(ip->src, ip->dst, ip->payload);
}

std::optional<reassembly::TupleKey> ipv6_tuple(ByteReader r) {
  auto ip = net::parse_ipv6(r);
  if (!ip) return std::nullopt;
  ByteReader payload = ip->payload;
  auto chain = net::walk_ipv6_extensions(ip->next_header, payload, ip->payload_length);
  if (!chain || chain->fragment || chain->protocol != net::kIpProtoTcp) return std::nullopt;
  return with_ports(ip->src, ip->dst, payload);
}

}  // namespace

std::optional<reassembly::TupleKey> tcp_tuple(int link_type, std::span<const std::uint8_t> frame) {
  ByteReader r(frame);
  switch (net::decode_link(link_type, r)) {
    case net::NetworkLayer::Ipv4: return ipv4_tuple(r);
    case net::NetworkLayer::Ipv6: return ipv6_tuple(r);
    default: return std::nullopt;
  }
}

void PacketRing::add(const capture::Packet& packet) {
  const auto key = tcp_tuple(packet.link_type, packet.data);
  if (!key) {
    ++stats_.packets_skipped;
    return;
  }
  Rings::iterator it;
  if (auto found = index_.find(*key); found != index_.end()) {
    it = found->second;
    rings_.splice(rings_.end(), rings_, it);  // now the most recently active
  } else {
    rings_.push_back(Ring{*key, {}, kFlowOverhead, packet.ts});
    it = std::prev(rings_.end());
    index_.emplace(*key, it);
    bytes_ += kFlowOverhead;
  }
  push(*it, packet);
  enforce_total();
}

void PacketRing::push(Ring& ring, const capture::Packet& packet) {
  const std::size_t cost = packet.data.size() + kPacketOverhead;
  while (!ring.packets.empty() && (ring.packets.size() >= limits_.packets_per_flow ||
                                   ring.bytes + cost > limits_.bytes_per_flow)) {
    drop_oldest(ring);
  }
  ring.packets.push_back(StoredPacket{packet.ts, packet.wire_len, {packet.data.begin(), packet.data.end()}});
  ring.bytes += cost;
  ring.last = packet.ts;
  bytes_ += cost;
  ++stats_.packets_kept;
}

void PacketRing::drop_oldest(Ring& ring) {
  const std::size_t cost = ring.packets.front().data.size() + kPacketOverhead;
  ring.packets.pop_front();
  ring.bytes -= cost;
  bytes_ -= cost;
  ++stats_.packets_aged_out;
}

void PacketRing::erase(Rings::iterator it) {
  bytes_ -= it->bytes;
  index_.erase(it->key);
  rings_.erase(it);
}

void PacketRing::enforce_total() {
  // The most recently active connection (the back) goes last: it just got its packet.
  while (bytes_ > limits_.total_bytes && rings_.size() > 1) {
    erase(rings_.begin());
    ++stats_.flows_dropped;
  }
}

std::vector<StoredPacket> PacketRing::take(const net::Endpoint& a, const net::Endpoint& b) {
  std::vector<StoredPacket> out;
  const auto found = index_.find(reassembly::TupleKey::of(a, b));
  if (found == index_.end()) return out;
  auto& packets = found->second->packets;
  out.assign(std::make_move_iterator(packets.begin()), std::make_move_iterator(packets.end()));
  erase(found->second);
  return out;
}

void PacketRing::expire(Timestamp now, std::int64_t idle_ns) {
  while (!rings_.empty() && now.ns - rings_.front().last.ns > idle_ns) erase(rings_.begin());
}

}  // namespace tlsdiag::app
