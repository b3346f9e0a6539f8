#include "tlsdiag/reassembly/direction_buffer.h"

#include <algorithm>
#include <cassert>
#include <iterator>

namespace tlsdiag::reassembly {

namespace {

std::uint64_t u64(std::int64_t v) { return static_cast<std::uint64_t>(v); }
std::size_t usize(std::int64_t v) { return static_cast<std::size_t>(v); }

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
  if (end <= next_) {
    stats_.retransmitted_bytes += length;
    return;
  }
  Span span{begin, end, begin + static_cast<std::int64_t>(captured.size()), captured, origin};
  if (begin == next_ && pieces_.empty()) {  // the common case: in order, nothing held
    stats_.payload_bytes += length;
    return emit(span, end, out);
  }
  if (begin < next_) {
    // The head repeats bytes already delivered or skipped.
    stats_.retransmitted_bytes += u64(next_ - begin);
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
        ++stats_.overlap_conflicts;
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
  if (delivering_ && to > known_end) declare_missing(u64(to - known_end), out);
}

// Copies span's [begin, to) aside. When a cap is hit, stop waiting for the earliest hole.
void DirectionBuffer::store(const Span& span, std::int64_t to, DeliverySink& out) {
  const std::int64_t known_end = std::min(to, span.captured_end);
  const std::size_t known = usize(known_end - span.begin);
  while (!fits(known)) {
    stats_.buffer_cap_hit = true;
    if (pieces_.empty() || span.begin < pieces_.begin()->first) {
      skip_to(span.begin, out);
      if (delivering_) emit(span, to, out);
      return;
    }
    skip_to(pieces_.begin()->first, out);
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

bool DirectionBuffer::fits(std::size_t bytes) const {
  return buffered_bytes_ + bytes <= limits_.max_bytes && pieces_.size() < limits_.max_segments;
}

void DirectionBuffer::skip_to(std::int64_t offset, DeliverySink& out) {
  if (offset > next_) {
    const std::int64_t missing = offset - next_;
    next_ = offset;
    declare_missing(u64(missing), out);
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
    if (delivering_ && piece.missing_tail > 0) declare_missing(piece.missing_tail, out);
  }
  assert(pieces_.empty() || pieces_.begin()->first > next_);
}

void DirectionBuffer::emit_bytes(std::span<const std::uint8_t> bytes, const Origin& origin,
                                 DeliverySink& out) {
  if (bytes.empty()) return;
  if (!out.deliver(bytes, origin)) stop_delivering();
}

void DirectionBuffer::declare_missing(std::uint64_t missing, DeliverySink& out) {
  ++stats_.gaps;
  stats_.gap_bytes += missing;
  out.skip(missing);
}

void DirectionBuffer::stop_delivering() {
  delivering_ = false;
  if (!pieces_.empty()) {
    // Held bytes were already counted when they arrived; count_only starts after them.
    const auto& last = *pieces_.rbegin();
    next_ = std::max(next_, last.first + last.second.extent());
  }
  pieces_.clear();
  buffered_bytes_ = 0;
}

// After delivery stopped: track the highest byte seen, counting new and repeated bytes.
void DirectionBuffer::count_only(std::int64_t begin, std::int64_t end) {
  const std::int64_t fresh = std::max<std::int64_t>(0, end - std::max(begin, next_));
  stats_.payload_bytes += u64(fresh);
  stats_.retransmitted_bytes += u64(end - begin - fresh);
  next_ = std::max(next_, end);
}

void DirectionBuffer::acked(std::uint32_t ack) {
  if (started_) acked_to_ = std::max(acked_to_, to_offset(ack));
}

// Declares everything before offset that has not arrived missing, delivering held pieces.
void DirectionBuffer::give_up_until(std::int64_t offset, DeliverySink& out) {
  while (delivering_ && next_ < offset) {
    if (!pieces_.empty() && pieces_.begin()->first < offset) {
      skip_to(pieces_.begin()->first, out);
    } else {
      skip_to(offset, out);
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
  while (delivering_ && !pieces_.empty()) skip_to(pieces_.begin()->first, out);
}

}  // namespace tlsdiag::reassembly
