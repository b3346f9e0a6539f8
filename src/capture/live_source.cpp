#include "tlsdiag/capture/live_source.h"

#include <pcap/pcap.h>

#include <utility>

#include "tlsdiag/capture/link_types.h"

namespace tlsdiag::capture {

struct LiveSource::Handle {
  pcap_t* pcap = nullptr;
  bpf_program filter{};
  bool has_filter = false;
  bool nanosecond = false;  // timestamps in ns (else µs) in pcap_pkthdr::ts.tv_usec

  ~Handle() {
    if (has_filter) pcap_freecode(&filter);
    if (pcap != nullptr) pcap_close(pcap);
  }
};

namespace {

// What a failed pcap_activate() means for the user, with the way out where there is one.
std::string explain_activate_error(const std::string& iface, int status, pcap_t* pcap) {
  const std::string detail = std::string(" (libpcap: ") + pcap_geterr(pcap) + ")";
  switch (status) {
    case PCAP_ERROR_PERM_DENIED:
    case PCAP_ERROR_PROMISC_PERM_DENIED:
      return iface + ": permission denied" + detail +
             ": run as root (tlsdiag drops to -Z USER, default nobody, once the interface is "
             "open) or give the binary the capture capabilities: "
             "setcap cap_net_raw,cap_net_admin+eip tlsdiag (docs/live.md)";
    case PCAP_ERROR_NO_SUCH_DEVICE:
      return iface + ": no such interface" + detail + "; tlsdiag live --list-interfaces lists them";
    case PCAP_ERROR_IFACE_NOT_UP:
      return iface + ": interface is down";
    default:
      return iface + ": cannot capture: " + pcap_statustostr(status) + detail;
  }
}

// Sets what must be set before pcap_activate(). Returns an error message, empty when all is set.
std::string configure(pcap_t* pcap, const LiveSourceOptions& options) {
  if (pcap_set_snaplen(pcap, kLiveSnaplen) != 0) return "cannot set the snapshot length";
  if (pcap_set_promisc(pcap, options.promiscuous ? 1 : 0) != 0) return "cannot set promiscuous mode";
  if (options.batch_timeout_ms > 0) {
    if (pcap_set_timeout(pcap, options.batch_timeout_ms) != 0) return "cannot set the timeout";
  } else if (pcap_set_immediate_mode(pcap, 1) != 0) {
    return "cannot set immediate mode";
  }
  if (options.buffer_bytes > 0 && pcap_set_buffer_size(pcap, options.buffer_bytes) != 0)
    return "cannot set the buffer size";
  // Not every platform has nanosecond timestamps; microseconds are fine (checked after activate).
  pcap_set_tstamp_precision(pcap, PCAP_TSTAMP_PRECISION_NANO);
  return {};
}

std::optional<std::string> install_filter(pcap_t* pcap, const std::string& iface, const std::string& expr,
                                          bpf_program& prog) {
  bpf_u_int32 net = 0;
  bpf_u_int32 mask = PCAP_NETMASK_UNKNOWN;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // The netmask matters only to "ip broadcast"; "any" and interfaces without IPv4 have none.
  if (pcap_lookupnet(iface.c_str(), &net, &mask, errbuf) != 0) mask = PCAP_NETMASK_UNKNOWN;
  if (pcap_compile(pcap, &prog, expr.c_str(), 1, mask) != 0)
    return "bad BPF filter \"" + expr + "\": " + pcap_geterr(pcap);
  if (pcap_setfilter(pcap, &prog) != 0) {
    pcap_freecode(&prog);
    return "cannot install BPF filter \"" + expr + "\": " + pcap_geterr(pcap);
  }
  return std::nullopt;
}

}  // namespace

LiveSource::LiveSource(LiveSourceOptions options) : options_(std::move(options)) {}

LiveSource::~LiveSource() = default;

std::optional<CaptureError> LiveSource::open() {
  handle_.reset();
  warnings_.clear();
  packets_ = 0;
  const std::string& iface = options_.interface;
  auto h = std::make_unique<Handle>();
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  h->pcap = pcap_create(iface.c_str(), errbuf);
  if (h->pcap == nullptr) return CaptureError{iface + ": " + errbuf, {}};
  if (std::string why = configure(h->pcap, options_); !why.empty()) return CaptureError{iface + ": " + why, {}};

  const int status = pcap_activate(h->pcap);
  if (status < 0) return CaptureError{explain_activate_error(iface, status, h->pcap), {}};
  if (status > 0) warnings_.push_back(iface + ": " + pcap_statustostr(status) + " (" + pcap_geterr(h->pcap) + ")");

  if (!options_.bpf_filter.empty()) {
    if (auto why = install_filter(h->pcap, iface, options_.bpf_filter, h->filter)) return CaptureError{iface + ": " + *why, {}};
    h->has_filter = true;
  }
  if (pcap_setnonblock(h->pcap, 1, errbuf) != 0) return CaptureError{iface + ": cannot make non-blocking: " + errbuf, {}};
  h->nanosecond = pcap_get_tstamp_precision(h->pcap) == PCAP_TSTAMP_PRECISION_NANO;

  info_.path = iface;
  info_.format = "live";
  info_.link_type = pcap_datalink(h->pcap);
  info_.link_name = link_type_name(info_.link_type);
  info_.snaplen = static_cast<std::uint32_t>(pcap_snapshot(h->pcap));
  info_.nanosecond = h->nanosecond;
  handle_ = std::move(h);
  return std::nullopt;
}

namespace {

struct DispatchContext {
  PacketSink* sink;
  Packet packet;
  std::uint64_t* counter;
  bool nanosecond;
};

void deliver(u_char* user, const pcap_pkthdr* hdr, const u_char* data) {
  auto& ctx = *reinterpret_cast<DispatchContext*>(user);  // our own pointer, round-tripped by libpcap
  const std::int64_t frac = ctx.nanosecond ? hdr->ts.tv_usec : std::int64_t{hdr->ts.tv_usec} * 1000;
  ctx.packet.ts = Timestamp::from_sec_nsec(hdr->ts.tv_sec, frac);
  ctx.packet.data = std::span<const std::uint8_t>(data, hdr->caplen);
  ctx.packet.wire_len = hdr->len;
  ctx.packet.number = ++*ctx.counter;
  ctx.sink->on_packet(ctx.packet);
}

}  // namespace

DispatchResult LiveSource::dispatch(PacketSink& sink, int max_packets) {
  DispatchResult result;
  if (!handle_) {
    result.error = CaptureError{options_.interface + ": dispatch() before a successful open()", {}};
    return result;
  }
  DispatchContext ctx{&sink, Packet{}, &packets_, handle_->nanosecond};
  ctx.packet.link_type = info_.link_type;
  const std::uint64_t before = packets_;
  // pcap_dispatch: -1 for "all in the buffer" (0 means the same on Linux, not everywhere).
  const int rc = pcap_dispatch(handle_->pcap, max_packets > 0 ? max_packets : -1, deliver,
                               reinterpret_cast<u_char*>(&ctx));
  result.packets = packets_ - before;
  if (rc == PCAP_ERROR) {
    result.error = CaptureError{options_.interface + ": capture failed: " + pcap_geterr(handle_->pcap), {}};
  }
  return result;
}

int LiveSource::selectable_fd() const { return handle_ ? pcap_get_selectable_fd(handle_->pcap) : -1; }

LiveStats LiveSource::stats() const {
  LiveStats s;
  pcap_stat ps{};
  if (handle_ && pcap_stats(handle_->pcap, &ps) == 0) {
    s.received = ps.ps_recv;
    s.dropped = ps.ps_drop;
    s.if_dropped = ps.ps_ifdrop;
  }
  return s;
}

namespace {

std::vector<std::string> describe_flags(bpf_u_int32 flags) {
  std::vector<std::string> out;
  const bool wireless = (flags & PCAP_IF_WIRELESS) != 0;
  if (flags & PCAP_IF_UP) out.emplace_back("Up");
  if (flags & PCAP_IF_RUNNING) out.emplace_back("Running");
  if (flags & PCAP_IF_LOOPBACK) out.emplace_back("Loopback");
  if (wireless) out.emplace_back("Wireless");
  switch (flags & PCAP_IF_CONNECTION_STATUS) {
    case PCAP_IF_CONNECTION_STATUS_CONNECTED: out.emplace_back(wireless ? "Associated" : "Connected"); break;
    case PCAP_IF_CONNECTION_STATUS_DISCONNECTED: out.emplace_back(wireless ? "Not associated" : "Disconnected"); break;
    default: break;  // unknown, or not applicable (loopback, pseudo-devices)
  }
  return out;
}

}  // namespace

std::vector<InterfaceInfo> list_interfaces(std::string& error) {
  std::vector<InterfaceInfo> result;
  pcap_if_t* devices = nullptr;
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  if (pcap_findalldevs(&devices, errbuf) != 0) {
    error = std::string("cannot list interfaces: ") + errbuf;
    return result;
  }
  for (const pcap_if_t* d = devices; d != nullptr; d = d->next) {
    InterfaceInfo info;
    info.name = d->name;
    if (d->description != nullptr) info.description = d->description;
    info.flags = describe_flags(d->flags);
    result.push_back(std::move(info));
  }
  pcap_freealldevs(devices);
  return result;
}

}  // namespace tlsdiag::capture
