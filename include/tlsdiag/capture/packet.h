#pragma once
// Packet: one captured frame as libpcap hands it over. The bytes are valid only during the
// PacketSink call that receives it; copy what you keep.
#include <cstdint>
#include <span>

#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::capture {

struct Packet {
  Timestamp ts;
  std::span<const std::uint8_t> data;  // captured bytes (caplen)
  std::uint32_t wire_len = 0;          // length on the wire (len); > data.size() when cut by snaplen
  int link_type = 0;                   // LINKTYPE_* value (pcap_datalink)
  std::uint64_t number = 0;            // 1-based frame number within its input
};

}  // namespace tlsdiag::capture
