#pragma once
// RecordingStreamSink: a StreamSink test double that records every event as a comparable value.
//
//   RecordingStreamSink sink;
//   ... feed a StreamTable built on it ...
//   EXPECT_EQ(sink.events, (std::vector<StreamEvent>{Open{...}, Data{...}, ...}));
//   EXPECT_EQ(sink.bytes(1, Direction::ClientToServer), "GET /");
//
// Data events keep the bytes (copied) and their timestamp and packet number; coalesced() merges
// adjacent Data events of one flow and direction so differently chunked inputs compare equal.
// wants_more decides what on_data returns (default: always true).
#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "tlsdiag/net/endpoint.h"
#include "tlsdiag/reassembly/stream_sink.h"

namespace tlsdiag::test {

namespace rs = tlsdiag::reassembly;

struct OpenEvent {
  rs::FlowInfo info;
  bool operator==(const OpenEvent& o) const {
    return info.id == o.info.id && info.client == o.info.client && info.server == o.info.server &&
           info.syn_seen == o.info.syn_seen && info.first_seen == o.info.first_seen &&
           info.first_packet == o.info.first_packet;
  }
};
struct TcpEventRecord {
  rs::FlowId flow = 0;
  rs::TcpEvent event;
  bool operator==(const TcpEventRecord& o) const {
    const rs::TcpEvent& a = event;
    const rs::TcpEvent& b = o.event;
    return flow == o.flow && a.kind == b.kind && a.dir == b.dir && a.ts == b.ts && a.ttl == b.ttl &&
           a.prior_ttl == b.prior_ttl && a.packet_number == b.packet_number;
  }
};
struct DataEvent {
  rs::FlowId flow = 0;
  rs::Direction dir = rs::Direction::ClientToServer;
  std::string bytes;
  Timestamp ts;
  std::uint64_t packet_number = 0;
  bool operator==(const DataEvent&) const = default;
};
struct GapEvent {
  rs::FlowId flow = 0;
  rs::Direction dir = rs::Direction::ClientToServer;
  std::uint64_t missing_bytes = 0;
  Timestamp ts;
  rs::GapKind kind = rs::GapKind::NotCaptured;
  bool operator==(const GapEvent&) const = default;
};
inline bool same_stats(const rs::DirectionStats& a, const rs::DirectionStats& b) {
  return a.packets == b.packets && a.payload_bytes == b.payload_bytes &&
         a.retransmitted_bytes == b.retransmitted_bytes &&
         a.overlap_conflicts == b.overlap_conflicts && a.first_conflict == b.first_conflict &&
         a.out_of_order_segments == b.out_of_order_segments && a.gaps == b.gaps &&
         a.gap_bytes == b.gap_bytes && a.given_up_bytes == b.given_up_bytes &&
         a.truncated_packets == b.truncated_packets &&
         a.first_ttl == b.first_ttl && a.last_ttl == b.last_ttl &&
         a.buffer_cap_hit == b.buffer_cap_hit;
}
struct CloseEvent {
  rs::FlowId flow = 0;
  rs::CloseReason why = rs::CloseReason::Fin;
  Timestamp ts;
  rs::FlowStats stats;
  bool operator==(const CloseEvent& o) const {
    return flow == o.flow && why == o.why && ts == o.ts &&
           same_stats(stats.dir[0], o.stats.dir[0]) && same_stats(stats.dir[1], o.stats.dir[1]);
  }
};
struct EndEvent {
  Timestamp last;
  bool operator==(const EndEvent&) const = default;
};

using StreamEvent =
    std::variant<OpenEvent, TcpEventRecord, DataEvent, GapEvent, CloseEvent, EndEvent>;

inline const char* name(rs::Direction d) {
  return d == rs::Direction::ClientToServer ? "c2s" : "s2c";
}
inline const char* name(rs::TcpEventKind k) {
  constexpr const char* kNames[] = {"Syn", "SynAck", "Fin", "Rst"};
  return kNames[static_cast<int>(k)];
}
inline const char* name(rs::CloseReason r) {
  constexpr const char* kNames[] = {"Fin", "Rst", "EndOfCapture", "Evicted", "Timeout", "Open"};
  return kNames[static_cast<int>(r)];
}
inline std::ostream& operator<<(std::ostream& os, const rs::DirectionStats& s) {
  return os << "{pkts=" << s.packets << " payload=" << s.payload_bytes
            << " retx=" << s.retransmitted_bytes << " conflicts=" << s.overlap_conflicts
            << " ooo=" << s.out_of_order_segments << " gaps=" << s.gaps << "/" << s.gap_bytes
            << " given_up=" << s.given_up_bytes
            << " trunc=" << s.truncated_packets << " ttl=" << int{s.first_ttl} << ".."
            << int{s.last_ttl} << (s.buffer_cap_hit ? " cap_hit" : "") << "}";
}
inline std::ostream& operator<<(std::ostream& os, const OpenEvent& e) {
  return os << "Open{#" << e.info.id << " " << net::to_string(e.info.client) << " -> "
            << net::to_string(e.info.server) << (e.info.syn_seen ? " syn" : " midstream")
            << " t=" << e.info.first_seen.ns << " pkt=" << e.info.first_packet << "}";
}
inline std::ostream& operator<<(std::ostream& os, const TcpEventRecord& e) {
  return os << "Tcp{#" << e.flow << " " << name(e.event.kind) << " " << name(e.event.dir)
            << " t=" << e.event.ts.ns << " ttl=" << int{e.event.ttl}
            << " prior=" << int{e.event.prior_ttl} << " pkt=" << e.event.packet_number << "}";
}
inline std::ostream& operator<<(std::ostream& os, const DataEvent& e) {
  return os << "Data{#" << e.flow << " " << name(e.dir) << " \"" << e.bytes << "\" t=" << e.ts.ns
            << " pkt=" << e.packet_number << "}";
}
inline std::ostream& operator<<(std::ostream& os, const GapEvent& e) {
  return os << "Gap{#" << e.flow << " " << name(e.dir) << " " << e.missing_bytes << " t=" << e.ts.ns
            << (e.kind == rs::GapKind::GivenUp ? " given up" : "") << "}";
}
inline std::ostream& operator<<(std::ostream& os, const CloseEvent& e) {
  return os << "Close{#" << e.flow << " " << name(e.why) << " t=" << e.ts.ns
            << " c2s=" << e.stats.dir[0] << " s2c=" << e.stats.dir[1] << "}";
}
inline std::ostream& operator<<(std::ostream& os, const EndEvent& e) {
  return os << "End{t=" << e.last.ns << "}";
}
inline std::ostream& operator<<(std::ostream& os, const StreamEvent& e) {
  std::visit([&os](const auto& v) { os << v; }, e);
  return os;
}

class RecordingStreamSink : public rs::StreamSink {
 public:
  std::vector<StreamEvent> events;
  // What on_data returns, asked after the bytes are recorded.
  std::function<bool(rs::FlowId, rs::Direction, std::span<const std::uint8_t>)> wants_more;

  void on_open(const rs::FlowInfo& flow) override { events.emplace_back(OpenEvent{flow}); }
  void on_tcp(rs::FlowId flow, const rs::TcpEvent& event) override {
    events.emplace_back(TcpEventRecord{flow, event});
  }
  bool on_data(rs::FlowId flow, rs::Direction dir, std::span<const std::uint8_t> bytes,
               Timestamp ts, std::uint64_t packet_number) override {
    events.emplace_back(
        DataEvent{flow, dir, std::string(bytes.begin(), bytes.end()), ts, packet_number});
    return wants_more ? wants_more(flow, dir, bytes) : true;
  }
  void on_gap(rs::FlowId flow, rs::Direction dir, std::uint64_t missing_bytes, rs::GapKind kind,
              Timestamp ts) override {
    events.emplace_back(GapEvent{flow, dir, missing_bytes, ts, kind});
  }
  void on_close(rs::FlowId flow, rs::CloseReason why, Timestamp ts,
                const rs::FlowStats& stats) override {
    events.emplace_back(CloseEvent{flow, why, ts, stats});
  }
  void on_end(Timestamp last) override { events.emplace_back(EndEvent{last}); }

  // One direction's stream as text: delivered bytes, each gap written as "[gap N]" (or, given up
  // at a buffer cap, "[given up N]").
  std::string stream(rs::FlowId flow, rs::Direction dir) const {
    std::string out;
    for (const StreamEvent& e : events) {
      if (const auto* d = std::get_if<DataEvent>(&e); d && d->flow == flow && d->dir == dir) {
        out += d->bytes;
      } else if (const auto* g = std::get_if<GapEvent>(&e); g && g->flow == flow && g->dir == dir) {
        out += (g->kind == rs::GapKind::GivenUp ? "[given up " : "[gap ") + std::to_string(g->missing_bytes) + "]";
      }
    }
    return out;
  }
  // Delivered bytes only.
  std::string bytes(rs::FlowId flow, rs::Direction dir) const {
    std::string out;
    for (const StreamEvent& e : events) {
      if (const auto* d = std::get_if<DataEvent>(&e); d && d->flow == flow && d->dir == dir)
        out += d->bytes;
    }
    return out;
  }
  // Events with adjacent Data events of the same flow and direction merged (keeping the first
  // one's ts and packet number).
  std::vector<StreamEvent> coalesced() const {
    std::vector<StreamEvent> out;
    for (const StreamEvent& e : events) {
      const auto* d = std::get_if<DataEvent>(&e);
      auto* last = out.empty() ? nullptr : std::get_if<DataEvent>(&out.back());
      if (d && last && last->flow == d->flow && last->dir == d->dir) {
        last->bytes += d->bytes;
      } else {
        out.push_back(e);
      }
    }
    return out;
  }
  template <class Event>
  std::vector<Event> all() const {
    std::vector<Event> out;
    for (const StreamEvent& e : events) {
      if (const auto* v = std::get_if<Event>(&e)) out.push_back(*v);
    }
    return out;
  }
  // The on_close stats of a flow (default-constructed if it never closed).
  rs::FlowStats close_stats(rs::FlowId flow) const {
    for (const StreamEvent& e : events) {
      if (const auto* c = std::get_if<CloseEvent>(&e); c && c->flow == flow) return c->stats;
    }
    return {};
  }
};

}  // namespace tlsdiag::test
