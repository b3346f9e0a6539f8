#include "tlsdiag/net/ip_fragments.h"

#include <algorithm>

namespace tlsdiag::net {

FragmentResult FragmentTable::add(const Fragment& fragment, Datagram& out) {
  // RFC 791 / RFC 8200 §4.5: every fragment but the last is a multiple of 8 bytes, and the
  // datagram fits a 16-bit length.
  const std::uint64_t end = std::uint64_t{fragment.offset} + fragment.length;
  if (end > kMaxDatagramBytes || fragment.offset % 8 != 0 ||
      (fragment.more && fragment.length % 8 != 0)) {
    return FragmentResult::Invalid;
  }
  expire(fragment.ts);
  Slot& slot = find_or_make(fragment.key, fragment.ts);
  if (slot.broken) return FragmentResult::Pending;
  if (fragment.data.size() < fragment.length || !store(slot, fragment)) {
    give_up(slot);  // cut by the snapshot length, or lengths that contradict each other
    return FragmentResult::Pending;
  }
  if (!slot.total_known || slot.blocks_have != (slot.total + 7) / 8) return FragmentResult::Pending;
  out.payload = std::span<const std::uint8_t>(slot.bytes.data(), slot.total);
  out.protocol = slot.protocol;
  out.ttl = slot.ttl;
  slot.in_use = false;  // the bytes stay until the slot is reused
  return FragmentResult::Complete;
}

bool FragmentTable::store(Slot& slot, const Fragment& fragment) {
  const std::uint32_t end = fragment.offset + fragment.length;
  if (!fragment.more) {
    if (slot.total_known && slot.total != end) return false;
    slot.total_known = true;
    slot.total = end;
  }
  if (slot.bytes.size() < end) slot.bytes.resize(end);
  if (slot.total_known && slot.bytes.size() > slot.total)
    return false;  // data past the last fragment
  if (fragment.offset == 0) {
    slot.protocol = fragment.protocol;
    slot.ttl = fragment.ttl;
  }
  std::copy_n(fragment.data.begin(), fragment.length, slot.bytes.begin() + fragment.offset);
  for (std::size_t block = fragment.offset / 8; block < (end + 7u) / 8; ++block) {
    if (!slot.have.test(block)) {
      slot.have.set(block);
      ++slot.blocks_have;
    }
  }
  return true;
}

FragmentTable::Slot& FragmentTable::find_or_make(const FragmentKey& key, Timestamp ts) {
  for (Slot& slot : slots_) {
    if (slot.in_use && slot.key == key) return slot;
  }
  auto free_slot =
      std::find_if(slots_.begin(), slots_.end(), [](const Slot& s) { return !s.in_use; });
  Slot* slot = nullptr;
  if (free_slot != slots_.end()) {
    slot = &*free_slot;
  } else if (slots_.size() < std::max<std::size_t>(limits_.max_datagrams, 1)) {
    slot = &slots_.emplace_back();
  } else {
    // Table full: give up the datagram that has waited longest.
    slot = &*std::min_element(slots_.begin(), slots_.end(), [](const Slot& a, const Slot& b) {
      return a.first_seen < b.first_seen;
    });
    if (!slot->broken) ++dropped_;
  }
  slot->key = key;
  slot->first_seen = ts;
  slot->bytes.clear();
  slot->have.reset();
  slot->blocks_have = 0;
  slot->total = 0;
  slot->protocol = 0;
  slot->ttl = 0;
  slot->in_use = true;
  slot->total_known = false;
  slot->broken = false;
  return *slot;
}

void FragmentTable::expire(Timestamp now) {
  for (Slot& slot : slots_) {
    if (slot.in_use && now.ns - slot.first_seen.ns > limits_.timeout_ns) {
      if (!slot.broken) ++dropped_;
      slot.in_use = false;
    }
  }
}

void FragmentTable::give_up(Slot& slot) {
  if (!slot.broken) ++dropped_;
  slot.broken = true;  // kept until timeout so its later fragments do not start a new datagram
}

void FragmentTable::clear() {
  for (Slot& slot : slots_) {
    if (slot.in_use && !slot.broken) ++dropped_;
    slot.in_use = false;
  }
}

std::size_t FragmentTable::in_flight() const {
  return static_cast<std::size_t>(std::count_if(
      slots_.begin(), slots_.end(), [](const Slot& s) { return s.in_use && !s.broken; }));
}

}  // namespace tlsdiag::net
