#pragma once
// LiveSource: stage 1 in live mode. Captures from a network interface through libpcap and hands
// each packet, as it arrives, to a PacketSink.
//
// Contract:
//  - open() once. It creates the capture (pcap_create), sets the snapshot length to
//    kLiveSnaplen (a whole certificate flight fits), immediate mode or a batch timeout, the
//    kernel buffer size if given, promiscuous
//    mode unless turned off, nanosecond timestamps where the kernel has them; activates it,
//    installs the BPF filter and makes it non-blocking. open() is the only step that needs
//    privileges (root, or CAP_NET_RAW + CAP_NET_ADMIN): the caller drops them right after it.
//  - dispatch() hands over the packets already buffered (at most max_packets, 0 = all of one
//    kernel block) and returns without waiting; the caller waits for selectable_fd() to become
//    readable (poll) between calls, so it can keep time and handle signals while idle.
//  - Packets are numbered 1, 2, ... in arrival order, after the filter. Their bytes are
//    libpcap's buffer: valid only during on_packet. The sink's on_end is the caller's to call.
//  - stats(): the kernel's counters (pcap_stats), cumulative since open().
// Owns the pcap handle; the destructor closes it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tlsdiag/capture/input_info.h"
#include "tlsdiag/capture/packet_sink.h"

namespace tlsdiag::capture {

// Enough for any frame Linux hands over, GRO/TSO super-frames included (tcpdump's default).
inline constexpr int kLiveSnaplen = 262144;

inline constexpr int kDefaultBatchMs = 100;

struct LiveSourceOptions {
  std::string interface;    // "eth0", "any", ...
  std::string bpf_filter;   // tcpdump filter expression; empty = every packet
  int buffer_bytes = 0;     // kernel capture buffer; 0 = libpcap's default (2 MiB)
  bool promiscuous = true;  // as tcpdump: off with -p
  // Packets are handed over in batches, at the latest this many ms after they arrived: on Linux
  // TPACKET_V3 blocks, which pack packets by their length. 0 = immediate mode: each packet as it
  // arrives, but in TPACKET_V2 slots of the interface's MTU (64 KiB on loopback) each, so the
  // same buffer holds far fewer packets (docs/live.md has the measurements).
  int batch_timeout_ms = kDefaultBatchMs;
};

// pcap_stats: packets the kernel passed the filter (received), dropped because the buffer was
// full (dropped), and dropped by the interface or driver (if_dropped, not on every platform).
struct LiveStats {
  std::uint64_t received = 0;
  std::uint64_t dropped = 0;
  std::uint64_t if_dropped = 0;
};

struct DispatchResult {
  std::uint64_t packets = 0;
  std::optional<CaptureError> error;  // the capture broke (interface went away, ...)
};

class LiveSource {
 public:
  explicit LiveSource(LiveSourceOptions options);
  ~LiveSource();
  LiveSource(const LiveSource&) = delete;
  LiveSource& operator=(const LiveSource&) = delete;

  // Errors name the interface and, for permissions, what to do about it.
  std::optional<CaptureError> open();
  // libpcap's warnings from activation (e.g. promiscuous mode not supported), possibly empty.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Valid after a successful open(). info().link_type is pcap_datalink() (a DLT_ value).
  const InputInfo& info() const { return info_; }

  DispatchResult dispatch(PacketSink& sink, int max_packets = 0);
  // The descriptor to poll() for readability; -1 before open().
  int selectable_fd() const;
  // Zeroes if the kernel will not say.
  LiveStats stats() const;
  std::uint64_t packets_delivered() const { return packets_; }

 private:
  struct Handle;  // libpcap state; libpcap stays out of this header
  LiveSourceOptions options_;
  InputInfo info_;
  std::vector<std::string> warnings_;
  std::unique_ptr<Handle> handle_;
  std::uint64_t packets_ = 0;
};

// One capture device as pcap_findalldevs() lists it, in tcpdump -D's words.
struct InterfaceInfo {
  std::string name;
  std::string description;         // may be empty
  std::vector<std::string> flags;  // "Up", "Running", "Loopback", "Wireless", "Connected", ...
};

// Every device libpcap can open; |error| is set (and the list empty) when it cannot list them.
std::vector<InterfaceInfo> list_interfaces(std::string& error);

}  // namespace tlsdiag::capture
