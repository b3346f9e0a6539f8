#pragma once
// FragmentTable: rebuilds IPv4 (RFC 791) and IPv6 (RFC 8200 §4.5) datagrams from fragments.
//
// Input: one Fragment per fragment packet, in capture order, any arrival order within a
// datagram. Output: the datagram's payload (what followed the IP header, or for IPv6 the
// Fragment header) once every byte has arrived. Bounded (FragmentLimits): at most max_datagrams
// in flight (the oldest is given up to make room), 65535 bytes each, and a datagram not complete
// within timeout_ns of capture time after its first fragment is given up. Overlapping
// fragments: the later bytes win. A fragment cut short by the snapshot length spoils its
// datagram. Every datagram given up is counted in dropped(). Allocates only while fragments are
// in flight; the buffers are reused.
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::net {

inline constexpr std::uint32_t kMaxDatagramBytes = 65535;

struct FragmentKey {
  IpAddress src;
  IpAddress dst;
  std::uint32_t identification = 0;
  std::uint8_t protocol = 0;  // IPv4 keys on the protocol too (RFC 791); 0 for IPv6
  bool operator==(const FragmentKey&) const = default;
};

struct Fragment {
  FragmentKey key;
  std::uint32_t offset = 0;            // bytes into the datagram payload
  bool more = false;                   // MF / M flag: not the last fragment
  std::span<const std::uint8_t> data;  // captured fragment data
  std::uint32_t length = 0;            // fragment data length per the IP header (>= data.size())
  std::uint8_t protocol = 0;           // IPv4 protocol, or the Fragment header's next header
  std::uint8_t ttl = 0;                // TTL / hop limit
  Timestamp ts;
};

struct Datagram {
  std::span<const std::uint8_t> payload;  // valid until the next add() or clear()
  std::uint8_t protocol = 0;              // from the first fragment (offset 0)
  std::uint8_t ttl = 0;                   // from the first fragment
};

enum class FragmentResult : std::uint8_t {
  Pending,   // stored; the datagram is not complete yet
  Complete,  // this fragment completed the datagram: see |out|
  Invalid,   // past 65535 bytes, or a non-final fragment not a multiple of 8 bytes: ignored
};

struct FragmentLimits {
  std::size_t max_datagrams = 256;           // datagrams in flight
  std::int64_t timeout_ns = 30'000'000'000;  // capture time from the first fragment
};

class FragmentTable {
 public:
  explicit FragmentTable(FragmentLimits limits = {}) : limits_(limits) {}

  FragmentResult add(const Fragment& fragment, Datagram& out);
  // End of capture: gives up every incomplete datagram.
  void clear();

  std::size_t in_flight() const;
  std::uint64_t dropped() const { return dropped_; }

 private:
  static constexpr std::size_t kBlocks = (kMaxDatagramBytes + 7) / 8;  // 8-byte units

  struct Slot {
    FragmentKey key;
    Timestamp first_seen;
    std::vector<std::uint8_t> bytes;  // capacity survives reuse
    std::bitset<kBlocks> have;        // which 8-byte blocks arrived
    std::uint32_t blocks_have = 0;
    std::uint32_t total = 0;  // payload length, once the last fragment arrived
    std::uint8_t protocol = 0;
    std::uint8_t ttl = 0;
    bool in_use = false;
    bool total_known = false;
    bool broken = false;  // given up (already counted) but remembered until timeout
  };

  Slot& find_or_make(const FragmentKey& key, Timestamp ts);
  void expire(Timestamp now);
  void give_up(Slot& slot);
  bool store(Slot& slot, const Fragment& fragment);

  FragmentLimits limits_;
  std::vector<Slot> slots_;
  std::uint64_t dropped_ = 0;
};

}  // namespace tlsdiag::net
