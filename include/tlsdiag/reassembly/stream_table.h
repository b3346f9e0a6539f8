#pragma once
// StreamTable: stage 3, TCP reassembly.
//
// Input: TCP segments in capture order (net::SegmentSink). Output, to the StreamSink given at
// construction: per connection on_open, on_tcp for SYN/SYN-ACK (every one), FIN and RST (once per
// direction), each direction's bytes in order via on_data (gaps via on_gap), and on_close with
// the FlowStats; then on_end. Gaps and closes are stamped with the segment that caused them, or
// (end of input, eviction, timeout) with the flow's last packet time. FlowIds count from 1. For
// one segment: its Syn/SynAck event, then data and gaps, then its Fin event; for a RST: the held
// data, the Rst event, on_close.
//
// A flow is the bidirectional 4-tuple. Client = the SYN sender (or the SYN-ACK receiver); picked
// up mid-stream, the client is guessed: the unprivileged port's side when exactly one port is
// below 1024, else the first segment's sender. Per-direction bookkeeping is a DirectionBuffer.
//
// Closing: both FINs seen and the data before them accounted for (Fin); a SYN with a new ISN
// after a FIN, the tuple being reused (Fin); a RST (Rst, at once); the end of input (Fin if a
// FIN was seen, as flow.h says, else EndOfCapture; in FlowId order); a full table (Evicted, the
// least recently active flow); expire_idle (Timeout). Held out-of-order bytes are flushed, with
// gaps, before on_close. A tuple closed by Fin, Rst or eviction leaves a tombstone so trailing
// ACKs and retransmissions (a repeated SYN too) count as late instead of opening a new flow; a
// SYN with another ISN opens one.
//
// Limits: max_flows open flows; per direction ReassemblyLimits' buffer caps; tombstones at most
// max_flows (and, with a memory budget, what fits in its kTombstoneShare), each forgotten
// tombstone_ns of capture time after its close. Once on_data returns
// false for a direction, its bytes are only counted.
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "tlsdiag/net/segment_sink.h"
#include "tlsdiag/reassembly/direction_buffer.h"
#include "tlsdiag/reassembly/flow_index.h"
#include "tlsdiag/reassembly/flow_stats_query.h"
#include "tlsdiag/reassembly/stream_sink.h"
#include "tlsdiag/util/large_block_allocator.h"
#include "tlsdiag/util/memory_budget.h"

namespace tlsdiag::reassembly {

struct ReassemblyLimits {
  std::size_t max_buffered_bytes_per_direction = 1 << 20;  // out-of-order bytes held
  std::size_t max_out_of_order_segments = 4096;            // per direction
  std::size_t max_flows = 1'000'000;  // open flows; past it evict the least recently active
  // How long (capture time) a closed tuple absorbs trailing segments: Linux's TIME-WAIT (60 s,
  // TCP_TIMEWAIT_LEN), after which the endpoints themselves may reuse the tuple. RFC 9293's 2 x MSL
  // (240 s) kept four times as many tombstones for segments no stack sends that late (Zeek forgets
  // a closed connection after 5 s); a SYN with a new ISN opens a new flow either way.
  std::int64_t tombstone_ns = 60'000'000'000;
};

struct ReassemblyStats {
  std::uint64_t segments = 0;
  std::uint64_t flows_seen = 0;
  std::uint64_t flows_closed = 0;  // every on_close, whatever the reason
  std::uint64_t flows_evicted = 0;
  std::uint64_t closed_fin = 0;
  std::uint64_t closed_rst = 0;
  std::uint64_t closed_end_of_capture = 0;
  std::uint64_t closed_timeout = 0;
  std::uint64_t late_segments = 0;         // segments of a closed flow, absorbed by its tombstone
  std::uint64_t duplicate_fins = 0;        // repeated FINs, counted but not re-emitted
  std::uint64_t tombstones_forgotten = 0;  // dropped by age or by the cap
  std::uint64_t buffer_cap_hits = 0;       // directions that hit a buffer cap: either or both below
  std::uint64_t bytes_cap_hits = 0;        // directions that hit max_buffered_bytes_per_direction
  std::uint64_t segments_cap_hits = 0;     // directions that hit max_out_of_order_segments
  std::uint64_t memory_evictions = 0;      // of flows_evicted: closed to stay under --memory-limit
};

class StreamTable : public net::SegmentSink, public FlowStatsQuery {
 public:
  explicit StreamTable(StreamSink& next, ReassemblyLimits limits = {});

  void on_segment(const net::Segment& segment) override;
  // Closes every open flow in order of FlowId, then next.on_end(last).
  void on_end(Timestamp last) override;

  const ReassemblyStats& stats() const { return stats_; }
  std::size_t open_flows() const { return open_count_; }
  std::size_t tombstones() const { return tomb_count_; }

  // Live mode: closes flows idle longer than idle_ns as of now (CloseReason::Timeout).
  void expire_idle(Timestamp now, std::int64_t idle_ns);
  std::optional<FlowStats> current_stats(const net::Endpoint& client, const net::Endpoint& server) const override;
  // --memory-limit: the table's arrays (flow slots, free ones included, the flow index, room for
  // the tombstones) and the out-of-order bytes of open flows are charged to |budget|, and while
  // it is over its limit the least recently active flows are evicted (never the one just active).
  // The tombstones' room is 1/kTombstoneShare of the limit, set aside from the start: past it the
  // oldest are forgotten.
  void set_memory_budget(MemoryBudget* budget);
  static constexpr std::size_t kTombstoneShare = 16;

 private:
  static constexpr std::uint32_t kNil = SlotIndex::kNone;

  // Per direction facts that are about packets rather than sequence space.
  struct Sender {
    std::uint64_t packets = 0;
    std::uint8_t first_ttl = 0;
    std::uint8_t last_ttl = 0;
  };
  struct Flow {
    TupleKey key;
    std::uint64_t hash = 0;
    FlowInfo info;
    DirectionBuffer dir[2];
    Sender sender[2];
    Timestamp last_seen;
    std::uint32_t client_isn = 0;  // to tell a retransmitted SYN from a new connection
    bool client_isn_known = false;
    std::uint32_t prev = kNil;  // activity list, least recent first
    std::uint32_t next = kNil;
    std::uint32_t older = kNil;  // open flows in order of FlowId (of opening), for on_end
    std::uint32_t newer = kNil;
    std::size_t charged = 0;  // bytes charged to the memory budget
  };
  // A closed tuple, remembered to absorb trailing segments. There can be as many as flows closed
  // in tombstone_ns of capture time, so a tombstone is 32 bytes (plus ~11 in the index): kept in
  // close order (oldest first, forgotten first) in a queue without links, an IPv4 tuple inline
  // (12 bytes), any other in tomb_keys_. One reused by a new connection is marked dead where it
  // stands and dropped when it reaches the front.
  struct Tombstone {
    static constexpr std::uint8_t kLive = 1, kIsnKnown = 2, kFullKey = 4;
    Timestamp closed;
    std::uint32_t client_isn = 0;
    std::uint8_t flags = 0;
    // IPv4 tuple: lo address, hi address, lo port, hi port. kFullKey: the tomb_keys_ sequence
    // number of the key, in the first 4 bytes.
    std::array<std::uint8_t, 12> tuple{};
    bool live() const { return (flags & kLive) != 0; }
  };
  static bool compact(const TupleKey& key);
  Tombstone make_tombstone(const TupleKey& key, Timestamp closed, std::uint32_t isn, bool isn_known);
  TupleKey tomb_key(const Tombstone& tomb) const;
  bool tomb_matches(const Tombstone& tomb, const TupleKey& key) const;
  // Slots in chunks of kPerChunk, each chunk one heap block: addresses are stable, and a freed
  // slot stays for reuse (the chunks go at the end).
  template <class T>
  class SlotChunks {
   public:
    static constexpr std::uint32_t kPerChunk = 64;
    T& operator[](std::uint32_t i) { return chunks_[i / kPerChunk][i % kPerChunk]; }
    const T& operator[](std::uint32_t i) const { return chunks_[i / kPerChunk][i % kPerChunk]; }
    std::size_t size() const { return size_; }
    void emplace_back() {
      if (size_ % kPerChunk == 0) chunks_.emplace_back(kPerChunk);
      ++size_;
    }
    std::size_t memory_bytes() const {
      return chunks_.size() * heap_block(kPerChunk * sizeof(T)) + heap_block(chunks_.capacity() * sizeof(std::vector<T>));
    }

   private:
    std::vector<std::vector<T>> chunks_;
    std::size_t size_ = 0;
  };
  template <class T>
  struct SlotList {
    SlotChunks<T> slots;
    LargeBlockVector<std::uint32_t> free;
    std::uint32_t head = kNil;
    std::uint32_t tail = kNil;
  };

  std::uint32_t find_flow(const TupleKey& key, std::uint64_t hash) const;
  bool reuses_tuple(const Flow& flow, const net::Segment& seg) const;
  bool absorbed_by_tombstone(const TupleKey& key, std::uint64_t hash, const net::Segment& seg);
  std::uint32_t open_flow(const TupleKey& key, std::uint64_t hash, const net::Segment& seg);
  void process(std::uint32_t slot, const net::Segment& seg);
  TcpEvent note_packet(std::uint32_t slot, Direction dir, const net::Segment& seg);
  void note_syn(Flow& flow, TcpEvent event, const net::Segment& seg);
  void flush(Flow& flow, Timestamp ts);
  void close(std::uint32_t slot, CloseReason why, Timestamp ts);
  void retire(std::uint32_t slot, CloseReason why, Timestamp ts);
  static FlowStats stats_of(const Flow& flow);
  void recharge(Flow& flow);
  void recharge_table();
  void enforce_budget();
  std::size_t tombstone_cap() const;
  void bury(const Flow& flow, Timestamp ts);
  // Tombstones are named by a sequence number (mod 2^32) in tomb_index_: tombs_[seq - tomb_first_].
  Tombstone& tomb_at(std::uint32_t seq) { return tombs_[seq - tomb_first_]; }
  void forget_tombstone(std::uint32_t seq);
  void drop_dead_tombstones();
  void forget_old_tombstones(Timestamp now);
  void count_close(CloseReason why);

  StreamSink& next_;
  ReassemblyLimits limits_;
  ReassemblyStats stats_;
  SlotList<Flow> flows_;
  std::uint32_t oldest_ = kNil;  // the FlowId list's ends
  std::uint32_t newest_ = kNil;
  SlotIndex flow_index_;
  std::size_t open_count_ = 0;
  std::deque<Tombstone> tombs_;
  std::uint32_t tomb_first_ = 0;  // sequence number of tombs_.front()
  std::deque<TupleKey> tomb_keys_;  // keys of the kFullKey tombstones, in the same order
  std::uint32_t tomb_keys_first_ = 0;
  SlotIndex tomb_index_{/*dense=*/true};
  std::size_t tomb_count_ = 0;
  FlowId last_id_ = 0;
  MemoryBudget* budget_ = nullptr;
  std::size_t table_charged_ = 0;  // the arrays above, charged to budget_
};

}  // namespace tlsdiag::reassembly
