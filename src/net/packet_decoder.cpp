#include "tlsdiag/net/packet_decoder.h"

#include "tlsdiag/net/ipv4.h"
#include "tlsdiag/net/ipv6.h"
#include "tlsdiag/net/link_decoder.h"
#include "tlsdiag/net/tcp_header.h"

namespace tlsdiag::net {
namespace {

constexpr std::size_t kIpv6HeaderBytes = 40;

}  // namespace

PacketDecoder::PacketDecoder(SegmentSink& next, FragmentLimits fragment_limits)
    : next_(next), fragments_(fragment_limits) {}

void PacketDecoder::on_packet(const capture::Packet& packet) {
  ++stats_.packets;
  stats_.bytes += packet.data.size();
  stats_.wire_bytes += packet.wire_len;
  const bool cut = packet.data.size() < packet.wire_len;
  if (cut) ++stats_.truncated_packets;
  ByteReader frame(packet.data);
  switch (decode_link(packet.link_type, frame)) {
    case NetworkLayer::Ipv4: return decode_ipv4(frame, packet, cut);
    case NetworkLayer::Ipv6: return decode_ipv6(frame, packet, cut);
    case NetworkLayer::NotIp: ++stats_.non_ip; return;
    case NetworkLayer::Unsupported: ++stats_.unsupported_link; return;
    case NetworkLayer::Short: return short_header(cut, MalformedKind::ShortLinkHeader);
  }
}

void PacketDecoder::on_end(Timestamp last) {
  fragments_.clear();
  stats_.ip_reassembly_dropped = fragments_.dropped();
  next_.on_end(last);
}

void PacketDecoder::decode_ipv4(ByteReader& r, const capture::Packet& packet, bool cut) {
  const std::size_t room = wire_room(r, packet, cut);
  auto ip = parse_ipv4(r);
  if (!ip) {
    switch (ip.error().code) {
      case Errc::Truncated: return short_header(cut, MalformedKind::BadIpv4Header);
      case Errc::BadLength: return malformed(MalformedKind::BadIpLength);
      default: return malformed(MalformedKind::BadIpv4Header);
    }
  }
  fit_to_wire(ip->payload_length, ip->length_from_capture, room - ip->header_length);
  const IpFacts facts{ip->src, ip->dst, ip->ttl, ip->protocol};
  if (ip->is_fragment()) {
    Fragment fragment;
    fragment.key = FragmentKey{ip->src, ip->dst, ip->identification, ip->protocol};
    fragment.offset = ip->fragment_offset;
    fragment.more = ip->more_fragments;
    fragment.data = ip->payload.rest();
    fragment.length = ip->payload_length;
    fragment.protocol = ip->protocol;
    fragment.ttl = ip->ttl;
    fragment.ts = packet.ts;
    return add_fragment(fragment, false, facts, packet);
  }
  decode_transport(facts, ip->payload, ip->payload_length, packet, cut);
}

void PacketDecoder::decode_ipv6(ByteReader r, const capture::Packet& packet, bool cut) {
  const std::size_t room = wire_room(r, packet, cut);
  auto ip = parse_ipv6(r);
  if (!ip) {
    if (ip.error().code == Errc::Truncated) return short_header(cut, MalformedKind::BadIpv6Header);
    return malformed(MalformedKind::BadIpv6Header);
  }
  fit_to_wire(ip->payload_length, ip->length_from_capture, room - kIpv6HeaderBytes);
  const IpFacts facts{ip->src, ip->dst, ip->hop_limit, ip->next_header};
  decode_ipv6_chain(facts, ip->payload, ip->payload_length, packet, cut);
}

void PacketDecoder::decode_ipv6_chain(IpFacts ip, ByteReader payload, std::uint32_t payload_length,
                                      const capture::Packet& packet, bool cut) {
  auto chain = walk_ipv6_extensions(ip.protocol, payload, payload_length);
  if (!chain) {
    if (chain.error().code == Errc::Truncated) {
      return short_header(cut, MalformedKind::BadIpv6Extension);
    }
    return malformed(MalformedKind::BadIpv6Extension);
  }
  ip.protocol = chain->protocol;
  const std::uint32_t rest_length = payload_length - chain->consumed;
  if (chain->fragment) {
    Fragment fragment;
    fragment.key = FragmentKey{ip.src, ip.dst, chain->fragment->identification, 0};
    fragment.offset = chain->fragment->offset;
    fragment.more = chain->fragment->more;
    fragment.data = payload.rest();
    fragment.length = rest_length;
    fragment.protocol = chain->protocol;
    fragment.ttl = ip.ttl;
    fragment.ts = packet.ts;
    return add_fragment(fragment, true, ip, packet);
  }
  decode_transport(ip, payload, rest_length, packet, cut);
}

void PacketDecoder::add_fragment(const Fragment& fragment, bool ipv6, IpFacts ip,
                                 const capture::Packet& packet) {
  Datagram datagram;
  const FragmentResult result = fragments_.add(fragment, datagram);
  stats_.ip_reassembly_dropped = fragments_.dropped();
  if (result == FragmentResult::Invalid) return malformed(MalformedKind::BadIpFragment);
  ++stats_.ip_fragments;
  if (result != FragmentResult::Complete) return;
  ++stats_.ip_reassembled;
  ip.protocol = datagram.protocol;
  ip.ttl = datagram.ttl;
  ByteReader whole(datagram.payload);
  const auto length = static_cast<std::uint32_t>(datagram.payload.size());
  if (ipv6) return decode_ipv6_chain(ip, whole, length, packet, false);
  decode_transport(ip, whole, length, packet, false);
}

void PacketDecoder::decode_transport(const IpFacts& ip, ByteReader& payload,
                                     std::uint32_t payload_length, const capture::Packet& packet,
                                     bool cut) {
  if (ip.protocol != kIpProtoTcp) {
    ++stats_.non_tcp;
    return;
  }
  auto tcp = parse_tcp(payload, payload_length);
  if (!tcp) {
    if (tcp.error().code == Errc::Truncated) return short_header(cut, MalformedKind::BadTcpHeader);
    return malformed(MalformedKind::BadTcpHeader);
  }
  Segment segment;
  segment.src = Endpoint{ip.src, tcp->src_port};
  segment.dst = Endpoint{ip.dst, tcp->dst_port};
  segment.seq = tcp->seq;
  segment.ack = tcp->ack;
  segment.flags = tcp->flags;
  segment.window = tcp->window;
  segment.ttl = ip.ttl;
  segment.payload = payload.rest();  // already bounded by the IP length: no link padding
  segment.payload_len = payload_length - tcp->header_length;
  segment.ts = packet.ts;
  segment.packet_number = packet.number;
  ++stats_.tcp_packets;
  next_.on_segment(segment);
}

std::size_t PacketDecoder::wire_room(const ByteReader& ip, const capture::Packet& packet,
                                     bool cut) {
  // Past the captured bytes only when the snapshot length cut the frame; then the frame on the
  // wire is the limit (a link-layer trailer would make this a little generous).
  return cut ? packet.wire_len - ip.offset() : ip.remaining();
}

void PacketDecoder::fit_to_wire(std::uint32_t& ip_payload_length, bool length_from_capture,
                                std::size_t room) {
  // No length in the header (segmentation offload): the frame on the wire is the length.
  if (length_from_capture) {
    ip_payload_length = static_cast<std::uint32_t>(room);
    return;
  }
  // An IP length longer than the frame (or than its PPPoE length) names bytes that were never
  // sent; like Wireshark, believe the frame.
  if (ip_payload_length > room) {
    ip_payload_length = static_cast<std::uint32_t>(room);
    ++stats_.ip_length_clamped;
  }
}

void PacketDecoder::malformed(MalformedKind kind) {
  ++stats_.malformed;
  ++stats_.malformed_by_kind[static_cast<std::size_t>(kind)];
}

void PacketDecoder::short_header(bool cut, MalformedKind kind) {
  if (cut) {
    ++stats_.truncated_headers;
  } else {
    malformed(kind);
  }
}

}  // namespace tlsdiag::net
