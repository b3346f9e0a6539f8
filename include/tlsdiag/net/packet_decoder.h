#pragma once
// PacketDecoder: stage 2 of the pipeline. Turns captured frames into TCP segments.
//
// Input: Packets (any link type decode_link knows), in capture order. Output: one Segment per
// TCP segment, to the SegmentSink given at construction, then on_end. IPv4 and IPv6 fragments
// are rebuilt (FragmentTable: bounded, counted) and the rebuilt segment is delivered with the
// timestamp and number of the fragment that completed it. A frame cut by the snapshot length is
// still delivered when its TCP header is whole (Segment::truncated()). Everything else is
// counted in DecodeStats, never thrown: malformed headers, other protocols, unknown link types.
// No heap allocation per packet except while IP fragments are in flight.
#include <cstdint>

#include "tlsdiag/capture/packet_sink.h"
#include "tlsdiag/net/decode_stats.h"
#include "tlsdiag/net/ip_fragments.h"
#include "tlsdiag/net/segment_sink.h"
#include "tlsdiag/util/byte_reader.h"

namespace tlsdiag::net {

class PacketDecoder : public capture::PacketSink {
 public:
  explicit PacketDecoder(SegmentSink& next, FragmentLimits fragment_limits = {});

  void on_packet(const capture::Packet& packet) override;
  void on_end(Timestamp last) override;

  const DecodeStats& stats() const { return stats_; }

 private:
  // What the IP layer hands the transport layer.
  struct IpFacts {
    IpAddress src;
    IpAddress dst;
    std::uint8_t ttl = 0;
    std::uint8_t protocol = 0;
  };

  void decode_ipv4(ByteReader& r, const capture::Packet& packet, bool cut);
  void decode_ipv6(ByteReader r, const capture::Packet& packet, bool cut);
  void decode_ipv6_chain(IpFacts ip, ByteReader payload, std::uint32_t payload_length,
                         const capture::Packet& packet, bool cut);
  void add_fragment(const Fragment& fragment, bool ipv6, IpFacts ip, const capture::Packet& packet);
  void decode_transport(const IpFacts& ip, ByteReader& payload, std::uint32_t payload_length,
                        const capture::Packet& packet, bool cut);
  static std::size_t wire_room(const ByteReader& ip, const capture::Packet& packet, bool cut);
  void fit_to_wire(std::uint32_t& ip_payload_length, bool length_from_capture, std::size_t room);
  void malformed(MalformedKind kind);
  // A header ran past the captured bytes: the snapshot length's fault if the frame was cut,
  // otherwise the header's (|kind|).
  void short_header(bool cut, MalformedKind kind);

  SegmentSink& next_;
  FragmentTable fragments_;
  DecodeStats stats_;
};

}  // namespace tlsdiag::net
