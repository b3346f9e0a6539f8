#pragma once
// DirectionBuffer: sequence bookkeeping for one direction of a TCP connection, in the spirit of
// libtins' DataTracker, testable without packets.
//
// Input: segment payloads (32-bit seq, captured bytes, on-the-wire length), the peer's ACKs and
// the FIN's position. Output, through a DeliverySink: the direction's bytes in sequence order,
// each byte once, with skip(n) wherever n bytes will not be delivered: never captured (snaplen
// cut, acked by the peer but not captured, still missing at flush) or given up on when a buffer
// cap is hit (those may still arrive, too late to deliver).
//
// Sequence numbers are unwrapped into signed 64-bit offsets from the first expected byte (0), so
// wraparound past 2^32 is invisible to the rest of the logic. In-order payload is handed to the
// sink as a view of the caller's bytes (no copy); only out-of-order payload is copied, bounded by
// BufferLimits. Where copies overlap, the first one received wins; differing bytes are counted:
// against held bytes byte by byte, against delivered bytes (while delivering) by a hash of each
// of the last kRecentPieces pieces delivered, none copied. Once the sink declines bytes (deliver
// returns false) the buffer drops what it holds and only counts from then on.
//
// Bytes below the next expected one are repeats, unless they fill a hole: a range given up on at
// a cap, or passed over while only counting. Those are payload that came late (out of order). At
// most kMaxHoles holes are kept, the lowest forgotten first: bytes filling a forgotten hole count
// as repeats, and a forgotten hole given up on at a cap counts as a gap (as does one still open
// at flush). Memory per direction is fixed apart from the held out-of-order pieces.
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "tlsdiag/reassembly/flow.h"
#include "tlsdiag/util/timestamp.h"

namespace tlsdiag::reassembly {

struct BufferLimits {
  std::size_t max_bytes = 1 << 20;  // out-of-order payload bytes held
  std::size_t max_segments = 4096;  // out-of-order pieces held
};

// Where bytes came from: the packet that first carried them.
struct Origin {
  Timestamp ts;
  std::uint64_t packet_number = 0;
};

class DeliverySink {
 public:
  virtual ~DeliverySink() = default;
  // The next bytes in sequence. Return false to stop delivery for good.
  virtual bool deliver(std::span<const std::uint8_t> bytes, const Origin& origin) = 0;
  // The next `missing` bytes in sequence will never be delivered, for the reason `kind` gives.
  virtual void skip(std::uint64_t missing, GapKind kind) = 0;
};

class DirectionBuffer {
 public:
  DirectionBuffer() = default;
  explicit DirectionBuffer(BufferLimits limits) : limits_(limits) {}

  // Sets the sequence number of the first expected byte: ISN + 1 after a SYN, else the first
  // sequence number seen. Ignored once started.
  void start(std::uint32_t first_seq);
  bool started() const { return started_; }

  // One segment's payload: `length` bytes at `seq` on the wire, of which `captured` (a prefix,
  // possibly shorter when the snaplen cut the packet) are known.
  void add(std::uint32_t seq, std::span<const std::uint8_t> captured, std::uint32_t length,
           const Origin& origin, DeliverySink& out);
  // The peer acknowledged everything before `ack`. Bytes before it that have not arrived are
  // declared missing once the sender's later bytes arrive, or at flush: not at once, because a
  // capture merged from two taps can show an ACK before the data it acknowledges.
  void acked(std::uint32_t ack);
  // A FIN at `seq` (after this direction's last data byte). The first one counts.
  void fin(std::uint32_t seq);
  // Delivers everything still held, in order, declaring missing the holes between pieces and
  // any bytes the FIN or the peer's ACK proves were sent.
  void flush(DeliverySink& out);

  bool fin_seen() const { return fin_offset_ >= 0; }
  // The FIN was seen and every byte before it delivered, declared missing or counted, or
  // acknowledged by the peer (flush then declares what is still missing).
  bool complete() const { return fin_seen() && (next_ >= fin_offset_ || acked_to_ >= fin_offset_); }
  bool delivering() const { return delivering_; }
  // Offset of the next expected byte (bytes delivered, skipped or counted since start).
  std::int64_t next_offset() const { return next_; }
  std::uint32_t next_seq() const {
    return static_cast<std::uint32_t>(base_seq_ + static_cast<std::uint64_t>(next_));
  }
  std::size_t buffered_bytes() const { return buffered_bytes_; }
  std::size_t buffered_segments() const { return pieces_.size(); }
  // Heap bytes the out-of-order pieces hold: their bytes, and per piece its map node and the
  // allocator's rounding of both blocks (an upper bound, kept in step without walking the map).
  std::size_t held_bytes() const;

  // Fills payload_bytes, retransmitted_bytes, overlap_conflicts, first_conflict,
  // out_of_order_segments, gaps, gap_bytes, given_up_bytes, truncated_packets and the cap flags;
  // packets and TTLs are left to the caller.
  const DirectionStats& stats() const { return stats_; }

 private:
  // Out-of-order bytes at one offset: `bytes` then `missing_tail` bytes that were cut off.
  struct Piece {
    std::vector<std::uint8_t> bytes;
    std::uint64_t missing_tail = 0;
    Origin origin;
    std::int64_t extent() const { return static_cast<std::int64_t>(bytes.size() + missing_tail); }
  };
  // The part of a segment not yet placed: [begin, end) with bytes known up to captured_end.
  struct Span {
    std::int64_t begin;
    std::int64_t end;
    std::int64_t captured_end;
    std::span<const std::uint8_t> bytes;  // bytes[0] is at `begin`
    Origin origin;
  };

  // Bytes below next_ that have not arrived: [begin, end()). given_up: skipped at a buffer cap,
  // so in given_up_bytes until they come; else passed over while only counting.
  struct Hole {
    std::int64_t begin = 0;
    std::uint32_t length = 0;
    bool given_up = false;
    std::int64_t end() const { return begin + length; }
  };
  // A piece handed to the sink, remembered to compare retransmissions with. The remembered
  // pieces are contiguous, the newest ending at next_ (a skip forgets them). length 0: unused.
  struct Delivered {
    std::uint32_t length = 0;
    std::uint32_t hash = 0;
  };
  static constexpr std::size_t kMaxHoles = 4;
  static constexpr std::size_t kRecentPieces = 4;

  std::int64_t to_offset(std::uint32_t seq) const;
  std::map<std::int64_t, Piece>::iterator reaching(std::int64_t offset);
  void place(Span span, DeliverySink& out);
  std::int64_t overlap_with(std::map<std::int64_t, Piece>::iterator it, const Span& span);
  void emit(const Span& span, std::int64_t to, DeliverySink& out);
  void store(const Span& span, std::int64_t to, DeliverySink& out);
  bool fits(std::size_t bytes) const;
  void skip_to(std::int64_t offset, GapKind kind, DeliverySink& out);
  void give_up_until(std::int64_t offset, DeliverySink& out);
  void drain(DeliverySink& out);
  void emit_bytes(std::span<const std::uint8_t> bytes, const Origin& origin, DeliverySink& out);
  void declare_missing(std::uint64_t missing, GapKind kind, DeliverySink& out);
  void stop_delivering();
  void count_only(std::int64_t begin, std::int64_t end);
  void count_behind(std::int64_t begin, std::int64_t end, std::span<const std::uint8_t> captured);
  void compare_delivered(std::int64_t begin, std::span<const std::uint8_t> captured);
  void remember(std::span<const std::uint8_t> bytes);
  void count_conflicts(std::int64_t at, std::uint64_t bytes);
  void add_hole(std::int64_t begin, std::int64_t end, bool given_up);
  void insert_hole(Hole hole);
  std::uint64_t fill_holes(std::int64_t begin, std::int64_t end);
  void forget_hole(const Hole& hole);

  BufferLimits limits_;
  std::uint32_t base_seq_ = 0;            // sequence number of offset 0
  std::uint8_t hole_count_ = 0;
  std::uint8_t recent_next_ = 0;          // the recent_ slot written next
  bool started_ = false;
  bool delivering_ = true;
  std::int64_t next_ = 0;                 // next expected offset
  std::int64_t fin_offset_ = -1;          // offset of the FIN's sequence slot, -1 until seen
  std::int64_t acked_to_ = 0;             // highest offset the peer acknowledged
  std::map<std::int64_t, Piece> pieces_;  // disjoint, all beyond next_
  std::size_t buffered_bytes_ = 0;
  DirectionStats stats_;
  std::array<Hole, kMaxHoles> holes_{};            // sorted, disjoint, all below next_
  std::array<Delivered, kRecentPieces> recent_{};  // a ring, while delivering
};

}  // namespace tlsdiag::reassembly
