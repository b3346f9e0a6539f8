#include "tlsdiag/reassembly/direction_buffer.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>
#include <iterator>
#include <utility>

#include "tlsdiag/util/memory_budget.h"

namespace tlsdiag::reassembly {

namespace {

std::uint64_t u64(std::int64_t v) { return static_cast<std::uint64_t>(v); }
std::size_t usize(std::int64_t v) { return static_cast<std::size_t>(v); }

std::uint64_t load_u64(std::span<const std::uint8_t> bytes, std::size_t at) {
  std::uint64_t w = 0;
  std::memcpy(&w, bytes.subspan(at, 8).data(), 8);
  return w;
}

// MurmurHash3's 64-bit finalizer: a bijection in which every input bit affects every output bit.
std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccd;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53;
  return h ^ (h >> 33);
}

// A hash of a delivered piece, to tell a retransmitted copy that differs without keeping a copy.
// Every in-order byte passes here, so it is cheap: four lanes of 64-bit word sums (two vector adds
// per 32 bytes), folded and mixed at the end. Any one changed word changes it; changes that
// cancel out in a lane's sum (or aligned words swapped 32 bytes apart) go unseen.
std::uint32_t piece_hash(std::span<const std::uint8_t> bytes) {
  std::uint64_t sum[4] = {};
  std::size_t i = 0;
  for (; i + 32 <= bytes.size(); i += 32) {
    for (std::size_t k = 0; k < 4; ++k) sum[k] += load_u64(bytes, i + 8 * k);
  }
  for (std::size_t k = 0; i + 8 <= bytes.size(); ++k, i += 8) sum[k] += load_u64(bytes, i);
  std::uint64_t tail = 0;  // the last 1..7 bytes: in the word ending the piece, else one by one
  if (i < bytes.size() && bytes.size() >= 8) tail = load_u64(bytes, bytes.size() - 8);
  for (; i < bytes.size() && bytes.size() < 8; ++i) tail = tail << 8 | bytes[i];
  // Rotated apart, so that a change in one lane (or the tail) always changes the result.
  const std::uint64_t folded = sum[0] ^ std::rotl(sum[1], 16) ^ std::rotl(sum[2], 32) ^ std::rotl(sum[3], 48);
  return static_cast<std::uint32_t>(mix(folded + tail * 0x9e3779b97f4a7c15));
}

}  // namespace

void DirectionBuffer::start(std::uint32_t first_seq) {
  if (started_) return;
  started_ = true;
  base_seq_ = first_seq;
  next_ = 0;
}

std::int64_t DirectionBuffer::to_offset(std::uint32_t seq) const {
  // RFC 1982 serial arithmetic: the nearest offset to next_ with this low 32-bit pattern.
  const auto delta = static_cast<std::int32_t>(seq - next_seq());
  return next_ + delta;
}

void DirectionBuffer::add(std::uint32_t seq, std::span<const std::uint8_t> captured,
                          std::uint32_t length, const Origin& origin, DeliverySink& out) {
  if (length == 0) return;
  start(seq);
  if (captured.size() > length) captured = captured.first(length);
  if (captured.size() < length) ++stats_.truncated_packets;
  const std::int64_t begin = to_offset(seq);
  const std::int64_t end = begin + length;
  if (begin > next_ && acked_to_ > next_ && delivering_) {
    // The peer acknowledged bytes before this segment that were never captured, and the sender
    // has moved on past them: they will not come.
    give_up_until(std::min(begin, acked_to_), out);
  }
  if (!delivering_) return count_only(begin, end);
  if (end <= next_) return count_behind(begin, end, captured);
  Span span{begin, end, begin + static_cast<std::int64_t>(captured.size()), captured, origin};
  if (begin == next_ && pieces_.empty()) {  // the common case: in order, nothing held
    stats_.payload_bytes += length;
    return emit(span, end, out);
  }
  if (begin < next_) {
    // The head repeats bytes already delivered or skipped.
    count_behind(begin, next_, captured);
    span.bytes = captured.subspan(std::min(captured.size(), usize(next_ - begin)));
    span.begin = next_;
    span.captured_end = std::max(span.captured_end, span.begin);
  } else if (begin > next_) {
    ++stats_.out_of_order_segments;
  }
  place(span, out);
}

// Counts the bytes of `span` already held out of order (first copy wins) and the ones that differ.
std::int64_t DirectionBuffer::overlap_with(std::map<std::int64_t, Piece>::iterator it,
                                           const Span& span) {
  std::int64_t overlap = 0;
  for (; it != pieces_.end() && it->first < span.end; ++it) {
    const std::int64_t piece_end = it->first + it->second.extent();
    const std::int64_t lo = std::max(span.begin, it->first);
    const std::int64_t hi = std::min(span.end, piece_end);
    if (lo >= hi) continue;
    overlap += hi - lo;
    const std::int64_t known_hi = std::min(
        {hi, span.captured_end, it->first + static_cast<std::int64_t>(it->second.bytes.size())});
    for (std::int64_t x = lo; x < known_hi; ++x) {
      if (span.bytes[usize(x - span.begin)] != it->second.bytes[usize(x - it->first)])
        count_conflicts(x, 1);
    }
  }
  return overlap;
}

// The first held piece that reaches past offset, if any.
std::map<std::int64_t, DirectionBuffer::Piece>::iterator DirectionBuffer::reaching(
    std::int64_t offset) {
  auto it = pieces_.upper_bound(offset);
  if (it != pieces_.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second.extent() > offset) return prev;
  }
  return it;
}

void DirectionBuffer::place(Span span, DeliverySink& out) {
  auto advance = [](Span& s, std::int64_t to) {
    s.bytes = s.bytes.subspan(std::min(s.bytes.size(), usize(to - s.begin)));
    s.begin = to;
    s.captured_end = std::max(s.captured_end, s.begin);
  };
  const std::int64_t overlap = overlap_with(reaching(span.begin), span);
  stats_.retransmitted_bytes += u64(overlap);
  stats_.payload_bytes += u64(span.end - span.begin - overlap);

  // Walk the span: parts already held are skipped, new parts at next_ are delivered straight
  // from the caller's bytes (interleaved with the held pieces they join), others are copied.
  while (span.begin < span.end) {
    if (!delivering_) {
      // Delivery stopped on the way: the rest was counted above, as payload or repeats.
      if (span.begin > next_) add_hole(next_, span.begin, false);
      fill_holes(span.begin, span.end);
      next_ = std::max(next_, span.end);
      return;
    }
    if (span.begin < next_) {  // delivered while draining held pieces
      advance(span, std::min(span.end, next_));
      continue;
    }
    auto it = reaching(span.begin);
    if (it != pieces_.end() && it->first <= span.begin) {
      if (it->first == next_) {
        drain(out);
      } else {
        advance(span, std::min(span.end, it->first + it->second.extent()));
      }
      continue;
    }
    const std::int64_t to = it != pieces_.end() ? std::min(span.end, it->first) : span.end;
    if (span.begin == next_) {
      emit(span, to, out);
    } else {
      store(span, to, out);
      if (!delivering_) continue;  // [begin, to) neither held nor delivered
    }
    advance(span, to);
  }
  drain(out);
}

// Delivers span's [begin, to) in order: begin must be next_.
void DirectionBuffer::emit(const Span& span, std::int64_t to, DeliverySink& out) {
  assert(span.begin == next_);
  const std::int64_t known_end = std::min(to, span.captured_end);
  next_ = to;
  emit_bytes(span.bytes.first(usize(known_end - span.begin)), span.origin, out);
  if (delivering_ && to > known_end) declare_missing(u64(to - known_end), GapKind::NotCaptured, out);
}

// Copies span's [begin, to) aside. When a cap is hit, stop waiting for the earliest hole.
void DirectionBuffer::store(const Span& span, std::int64_t to, DeliverySink& out) {
  const std::int64_t known_end = std::min(to, span.captured_end);
  const std::size_t known = usize(known_end - span.begin);
  while (!fits(known)) {
    stats_.buffer_cap_hit = true;
    (pieces_.size() >= limits_.max_segments ? stats_.segments_cap_hit : stats_.bytes_cap_hit) = true;
    if (pieces_.empty() || span.begin < pieces_.begin()->first) {
      skip_to(span.begin, GapKind::GivenUp, out);
      if (delivering_) emit(span, to, out);
      return;
    }
    skip_to(pieces_.begin()->first, GapKind::GivenUp, out);
    if (!delivering_) return;
    if (next_ == span.begin) return emit(span, to, out);
  }
  Piece piece;
  piece.bytes.assign(span.bytes.begin(), span.bytes.begin() + static_cast<std::ptrdiff_t>(known));
  piece.missing_tail = u64(to - known_end);
  piece.origin = span.origin;
  buffered_bytes_ += known;
  pieces_.emplace(span.begin, std::move(piece));
}

std::size_t DirectionBuffer::held_bytes() const {
  // A map node is the tree's links (32 bytes) and the value; heap_block(n) <= n + 32 for the bytes.
  constexpr std::size_t kPerPiece = heap_block(32 + sizeof(std::pair<const std::int64_t, Piece>)) + 32;
  return buffered_bytes_ + pieces_.size() * kPerPiece;
}

bool DirectionBuffer::fits(std::size_t bytes) const {
  return buffered_bytes_ + bytes <= limits_.max_bytes && pieces_.size() < limits_.max_segments;
}

void DirectionBuffer::skip_to(std::int64_t offset, GapKind kind, DeliverySink& out) {
  if (offset > next_) {
    const std::int64_t missing = offset - next_;
    // Bytes given up on may still come: then they are payload, not repeats.
    if (kind == GapKind::GivenUp) add_hole(next_, offset, true);
    next_ = offset;
    declare_missing(u64(missing), kind, out);
  }
  drain(out);
}

// Delivers held pieces while the first one starts at next_.
void DirectionBuffer::drain(DeliverySink& out) {
  while (delivering_ && !pieces_.empty() && pieces_.begin()->first == next_) {
    auto node = pieces_.extract(pieces_.begin());
    Piece& piece = node.mapped();
    buffered_bytes_ -= piece.bytes.size();
    next_ += piece.extent();
    emit_bytes(piece.bytes, piece.origin, out);
    if (delivering_ && piece.missing_tail > 0) declare_missing(piece.missing_tail, GapKind::NotCaptured, out);
  }
  assert(pieces_.empty() || pieces_.begin()->first > next_);
}

// Hands the bytes ending at next_ to the sink, remembering them to compare retransmissions with.
void DirectionBuffer::emit_bytes(std::span<const std::uint8_t> bytes, const Origin& origin,
                                 DeliverySink& out) {
  if (bytes.empty()) return;
  if (!out.deliver(bytes, origin)) return stop_delivering();
  remember(bytes);
}

void DirectionBuffer::remember(std::span<const std::uint8_t> bytes) {
  recent_[recent_next_] = Delivered{static_cast<std::uint32_t>(bytes.size()), piece_hash(bytes)};
  recent_next_ = static_cast<std::uint8_t>((recent_next_ + 1) % kRecentPieces);
}

void DirectionBuffer::declare_missing(std::uint64_t missing, GapKind kind, DeliverySink& out) {
  recent_ = {};  // what they remember is no longer contiguous up to next_
  if (kind == GapKind::GivenUp) {
    stats_.given_up_bytes += missing;
  } else {
    ++stats_.gaps;
    stats_.gap_bytes += missing;
  }
  out.skip(missing, kind);
}

void DirectionBuffer::stop_delivering() {
  delivering_ = false;
  recent_ = {};  // retransmissions are compared only while the sink reads the bytes
  // Held bytes were already counted when they arrived; count_only starts after them, and the
  // bytes between them that have not arrived are holes.
  std::int64_t at = next_;
  for (const auto& [offset, piece] : pieces_) {
    if (offset > at) add_hole(at, offset, false);
    at = offset + piece.extent();
  }
  next_ = std::max(next_, at);
  pieces_.clear();
  buffered_bytes_ = 0;
}

// After delivery stopped: tracks the highest byte seen and the holes below it, counting new,
// late and repeated bytes.
void DirectionBuffer::count_only(std::int64_t begin, std::int64_t end) {
  if (begin > next_) {
    ++stats_.out_of_order_segments;
    add_hole(next_, begin, false);
  }
  if (begin < next_) count_behind(begin, std::min(end, next_), {});
  stats_.payload_bytes += u64(std::max<std::int64_t>(0, end - std::max(begin, next_)));
  next_ = std::max(next_, end);
}

// [begin, end), below next_, arrived again or late: bytes filling a hole are payload, out of
// order unless they start where their hole starts; the others repeat, and while delivering they
// are compared with what was delivered. `captured` holds the known bytes from begin.
void DirectionBuffer::count_behind(std::int64_t begin, std::int64_t end,
                                   std::span<const std::uint8_t> captured) {
  const auto* hole = std::find_if(holes_.begin(), holes_.begin() + hole_count_,
                                  [&](const Hole& h) { return h.begin <= begin && begin < h.end(); });
  const bool inside_hole = hole != holes_.begin() + hole_count_ && hole->begin < begin;
  const std::uint64_t late = hole_count_ > 0 ? fill_holes(begin, end) : 0;
  stats_.payload_bytes += late;
  stats_.retransmitted_bytes += u64(end - begin) - late;
  if (late > 0 && inside_hole) ++stats_.out_of_order_segments;
  if (delivering_ && late < u64(end - begin))
    compare_delivered(begin, captured.first(std::min(captured.size(), usize(end - begin))));
}

// Compares a repeat of delivered bytes, known from `begin`, with each remembered piece it covers
// whole. A piece partly covered is not compared: its hash is of the whole piece.
void DirectionBuffer::compare_delivered(std::int64_t begin, std::span<const std::uint8_t> captured) {
  const std::int64_t end = begin + static_cast<std::int64_t>(captured.size());
  std::int64_t piece_end = next_;
  for (std::size_t age = 1; age <= kRecentPieces; ++age) {  // newest first
    const Delivered& piece = recent_[(recent_next_ + kRecentPieces - age) % kRecentPieces];
    const std::int64_t piece_begin = piece_end - piece.length;
    if (piece.length == 0 || piece_begin < begin) return;
    if (piece_end <= end &&
        piece_hash(captured.subspan(usize(piece_begin - begin), piece.length)) != piece.hash)
      count_conflicts(piece_begin, piece.length);
    piece_end = piece_begin;
  }
}

void DirectionBuffer::count_conflicts(std::int64_t at, std::uint64_t bytes) {
  if (stats_.overlap_conflicts == 0) stats_.first_conflict = u64(at);
  stats_.overlap_conflicts += bytes;
}

void DirectionBuffer::add_hole(std::int64_t begin, std::int64_t end, bool given_up) {
  // Holes are within 2^31 of next_ (sequence numbers are), so the length fits.
  assert(end - begin <= std::int64_t{UINT32_MAX});
  insert_hole(Hole{begin, static_cast<std::uint32_t>(end - begin), given_up});
}

// Holes are kept sorted; when all kMaxHoles are taken, the lowest (the oldest, least likely to
// fill) is forgotten, or the new one if it would be lowest.
void DirectionBuffer::insert_hole(Hole hole) {
  std::size_t at = hole_count_;
  while (at > 0 && holes_[at - 1].begin > hole.begin) --at;
  if (hole_count_ == kMaxHoles) {
    if (at == 0) return forget_hole(hole);
    forget_hole(holes_[0]);
    std::move(holes_.begin() + 1, holes_.begin() + hole_count_, holes_.begin());
    --hole_count_;
    --at;
  }
  std::move_backward(holes_.begin() + at, holes_.begin() + hole_count_,
                     holes_.begin() + hole_count_ + 1);
  holes_[at] = hole;
  ++hole_count_;
}

// Removes [begin, end) from the holes; returns how many of its bytes were in one.
std::uint64_t DirectionBuffer::fill_holes(std::int64_t begin, std::int64_t end) {
  std::uint64_t filled = 0;
  for (std::size_t i = 0; i < hole_count_;) {
    Hole& hole = holes_[i];
    const std::int64_t lo = std::max(begin, hole.begin);
    const std::int64_t hi = std::min(end, hole.end());
    if (lo >= hi) {
      ++i;
      continue;
    }
    filled += u64(hi - lo);
    const Hole before{hole.begin, static_cast<std::uint32_t>(lo - hole.begin), hole.given_up};
    const Hole after{hi, static_cast<std::uint32_t>(hole.end() - hi), hole.given_up};
    if (before.length > 0 && after.length > 0) {  // the middle: two holes remain, nothing beyond
      hole = before;
      insert_hole(after);
      break;
    }
    if (before.length > 0 || after.length > 0) {
      hole = before.length > 0 ? before : after;
      ++i;
    } else {
      std::move(holes_.begin() + i + 1, holes_.begin() + hole_count_, holes_.begin() + i);
      --hole_count_;
    }
  }
  return filled;
}

// A hole no longer watched. Bytes given up on at a cap that have not come by now are, as far as
// can be told, not in the capture: they move from given_up_bytes to the gaps.
void DirectionBuffer::forget_hole(const Hole& hole) {
  if (!hole.given_up) return;
  stats_.given_up_bytes -= hole.length;
  ++stats_.gaps;
  stats_.gap_bytes += hole.length;
}

void DirectionBuffer::acked(std::uint32_t ack) {
  if (started_) acked_to_ = std::max(acked_to_, to_offset(ack));
}

// Declares everything before offset that has not arrived missing, delivering held pieces.
void DirectionBuffer::give_up_until(std::int64_t offset, DeliverySink& out) {
  while (delivering_ && next_ < offset) {
    if (!pieces_.empty() && pieces_.begin()->first < offset) {
      skip_to(pieces_.begin()->first, GapKind::NotCaptured, out);
    } else {
      skip_to(offset, GapKind::NotCaptured, out);
    }
  }
}

void DirectionBuffer::fin(std::uint32_t seq) {
  start(seq);
  if (!fin_seen()) fin_offset_ = std::max<std::int64_t>(0, to_offset(seq));
}

void DirectionBuffer::flush(DeliverySink& out) {
  // Bytes before the FIN were sent; bytes before the peer's ACK were sent and received.
  give_up_until(fin_seen() ? fin_offset_ : acked_to_, out);
  while (delivering_ && !pieces_.empty()) skip_to(pieces_.begin()->first, GapKind::NotCaptured, out);
  for (std::size_t i = 0; i < hole_count_; ++i) forget_hole(holes_[i]);
  hole_count_ = 0;
}

}  // namespace tlsdiag::reassembly
