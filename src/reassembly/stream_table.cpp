#include "tlsdiag/reassembly/stream_table.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace tlsdiag::reassembly {

namespace {

namespace flags = net::tcp_flags;
constexpr std::uint32_t kNil = SlotIndex::kNone;
constexpr std::uint16_t kFirstUnprivilegedPort = 1024;

// Slot lists: a deque of slots (stable addresses), a free list, and a doubly linked order.
template <class List>
std::uint32_t acquire(List& list) {
  if (!list.free.empty()) {
    const std::uint32_t slot = list.free.back();
    list.free.pop_back();
    return slot;
  }
  list.slots.emplace_back();
  return static_cast<std::uint32_t>(list.slots.size() - 1);
}

template <class List>
void link_back(List& list, std::uint32_t slot) {
  auto& node = list.slots[slot];
  node.prev = list.tail;
  node.next = kNil;
  if (list.tail != kNil) {
    list.slots[list.tail].next = slot;
  } else {
    list.head = slot;
  }
  list.tail = slot;
}

template <class List>
void unlink(List& list, std::uint32_t slot) {
  auto& node = list.slots[slot];
  if (node.prev != kNil) {
    list.slots[node.prev].next = node.next;
  } else {
    list.head = node.next;
  }
  if (node.next != kNil) {
    list.slots[node.next].prev = node.prev;
  } else {
    list.tail = node.prev;
  }
  node.prev = kNil;
  node.next = kNil;
}

template <class List>
void release(List& list, std::uint32_t slot) {
  unlink(list, slot);
  list.slots[slot] = {};
  list.free.push_back(slot);
}

// Hands one direction's DirectionBuffer output to the StreamSink.
class DirectionOut final : public DeliverySink {
 public:
  DirectionOut(StreamSink& next, FlowId flow, Direction dir, Timestamp ts)
      : next_(next), flow_(flow), dir_(dir), ts_(ts) {}
  bool deliver(std::span<const std::uint8_t> bytes, const Origin& origin) override {
    return next_.on_data(flow_, dir_, bytes, origin.ts, origin.packet_number);
  }
  void skip(std::uint64_t missing, GapKind kind) override { next_.on_gap(flow_, dir_, missing, kind, ts_); }

 private:
  StreamSink& next_;
  FlowId flow_;
  Direction dir_;
  Timestamp ts_;
};

// Without a SYN: the side with the unprivileged port when exactly one port is privileged
// (servers listen below 1024, clients use ephemeral ports), else the sender.
bool sender_looks_like_client(const net::Segment& seg) {
  const bool src_privileged = seg.src.port < kFirstUnprivilegedPort;
  const bool dst_privileged = seg.dst.port < kFirstUnprivilegedPort;
  if (src_privileged != dst_privileged) return dst_privileged;
  return true;
}

}  // namespace

StreamTable::StreamTable(StreamSink& next, ReassemblyLimits limits)
    : next_(next), limits_(limits) {}

void StreamTable::on_segment(const net::Segment& segment) {
  ++stats_.segments;
  forget_old_tombstones(segment.ts);
  const TupleKey key = TupleKey::of(segment.src, segment.dst);
  const std::uint64_t hash = hash_tuple(key);
  std::uint32_t slot = find_flow(key, hash);
  if (slot != kNil && reuses_tuple(flows_.slots[slot], segment)) {
    close(slot, CloseReason::Fin, segment.ts);
    slot = kNil;
  }
  if (slot == kNil) {
    if (absorbed_by_tombstone(key, hash, segment)) return;
    slot = open_flow(key, hash, segment);
  }
  process(slot, segment);
  enforce_budget();
}

void StreamTable::set_memory_budget(MemoryBudget* budget) {
  if (budget_ != nullptr) budget_->release(table_charged_);
  table_charged_ = 0;
  budget_ = budget;
  recharge_table();
}

// An open flow's own charge: the out-of-order bytes it holds (its slot is the table's).
void StreamTable::recharge(Flow& flow) {
  if (budget_ == nullptr) return;
  const std::size_t now = flow.dir[0].held_bytes() + flow.dir[1].held_bytes();
  budget_->adjust(flow.charged, now);
  flow.charged = now;
}

namespace {
// Heap bytes of a std::deque<T> of n elements (libstdc++: 512-byte blocks, and a map of block
// pointers that grows by doubling, bounded here by 2 per block).
template <class T>
std::size_t deque_bytes(std::size_t n) {
  constexpr std::size_t per_block = sizeof(T) < 512 ? 512 / sizeof(T) : 1;
  const std::size_t blocks = n / per_block + 1;
  return blocks * (heap_block(per_block * sizeof(T)) + 2 * sizeof(void*));
}
// Room set aside per tombstone: its deque element (33 bytes with the block's overhead) and its
// share of the dense index (at most 8/3 entries of 8 bytes: load 3/4, halved by a doubling). The
// key of a non-IPv4 tuple (about 42 bytes more) can make them outgrow it: the excess is charged.
constexpr std::size_t kTombstoneBytes = 64;
}  // namespace

// The table's own memory, as long as it is allocated whatever is open: every flow slot (a closed
// flow's slot stays for reuse), the free list, the flow index; and the tombstones with their index
// and keys, for which room for tombstone_cap() is set aside from the start: were they charged as
// they come, each would displace the state of evicted flows, whose freed heap blocks stay
// resident, so that the process would hold more than the limit.
void StreamTable::recharge_table() {
  if (budget_ == nullptr) return;
  const std::size_t tombs = tomb_index_.memory_bytes() + deque_bytes<Tombstone>(tombs_.size()) +
                            deque_bytes<TupleKey>(tomb_keys_.size());
  const std::size_t reserved = budget_->limit() == 0 ? 0 : tombstone_cap() * kTombstoneBytes;
  const std::size_t now = flows_.slots.memory_bytes() +
                          LargeBlockAllocator<std::uint32_t>::footprint(flows_.free.capacity() * sizeof(std::uint32_t)) +
                          flow_index_.memory_bytes() + std::max(tombs, reserved);
  budget_->adjust(table_charged_, now);
  table_charged_ = now;
}

std::size_t StreamTable::tombstone_cap() const {
  const std::size_t cap = std::max<std::size_t>(1, limits_.max_flows);
  if (budget_ == nullptr || budget_->limit() == 0) return cap;
  return std::min(cap, std::max<std::size_t>(1, budget_->limit() / kTombstoneShare / kTombstoneBytes));
}

void StreamTable::enforce_budget() {
  while (budget_ != nullptr && open_count_ > 1 && budget_->over_when_settled()) {
    ++stats_.flows_evicted;
    ++stats_.memory_evictions;
    close(flows_.head, CloseReason::Evicted, flows_.slots[flows_.head].last_seen);
  }
}

std::uint32_t StreamTable::find_flow(const TupleKey& key, std::uint64_t hash) const {
  return flow_index_.find(hash, [&](std::uint32_t slot) { return flows_.slots[slot].key == key; });
}

// A SYN with another ISN on a tuple whose connection already sent a FIN: the port was reused
// before the capture showed the old connection finish.
bool StreamTable::reuses_tuple(const Flow& flow, const net::Segment& seg) const {
  if (!seg.has(flags::kSyn) || seg.has(flags::kAck)) return false;
  if (!flow.dir[0].fin_seen() && !flow.dir[1].fin_seen()) return false;
  return !(flow.client_isn_known && flow.client_isn == seg.seq);
}

bool StreamTable::absorbed_by_tombstone(const TupleKey& key, std::uint64_t hash,
                                        const net::Segment& seg) {
  const std::uint32_t seq =
      tomb_index_.find(hash, [&](std::uint32_t s) { return tomb_matches(tomb_at(s), key); });
  if (seq == kNil) return false;
  const Tombstone& tomb = tomb_at(seq);
  // A SYN with another ISN is a new connection reusing the tuple; the same ISN is a
  // retransmission of the closed one's SYN.
  const bool isn_known = (tomb.flags & Tombstone::kIsnKnown) != 0;
  const bool new_connection = seg.has(flags::kSyn) && !seg.has(flags::kAck) &&
                              !(isn_known && tomb.client_isn == seg.seq);
  if (new_connection) {
    forget_tombstone(seq);
    return false;
  }
  ++stats_.late_segments;
  return true;
}

std::uint32_t StreamTable::open_flow(const TupleKey& key, std::uint64_t hash,
                                     const net::Segment& seg) {
  const std::size_t cap = std::max<std::size_t>(1, limits_.max_flows);
  while (open_count_ >= cap && flows_.head != kNil) {
    ++stats_.flows_evicted;
    close(flows_.head, CloseReason::Evicted, flows_.slots[flows_.head].last_seen);
  }
  const std::uint32_t slot = acquire(flows_);
  Flow& flow = flows_.slots[slot];
  flow.key = key;
  flow.hash = hash;
  const BufferLimits buffer_limits{limits_.max_buffered_bytes_per_direction,
                                   limits_.max_out_of_order_segments};
  flow.dir[0] = DirectionBuffer(buffer_limits);
  flow.dir[1] = DirectionBuffer(buffer_limits);
  flow.last_seen = seg.ts;

  FlowInfo& info = flow.info;
  info.id = ++last_id_;
  const bool syn = seg.has(flags::kSyn);
  const bool sender_is_client = syn ? !seg.has(flags::kAck) : sender_looks_like_client(seg);
  info.client = sender_is_client ? seg.src : seg.dst;
  info.server = sender_is_client ? seg.dst : seg.src;
  info.syn_seen = syn;  // a SYN or a SYN-ACK: either way the roles are certain
  info.first_seen = seg.ts;
  info.first_packet = seg.packet_number;

  link_back(flows_, slot);
  flow.older = newest_;  // ids grow: the newest flow goes last
  (newest_ != kNil ? flows_.slots[newest_].newer : oldest_) = slot;
  newest_ = slot;
  flow_index_.insert(hash, slot);
  recharge_table();
  ++open_count_;
  ++stats_.flows_seen;
  next_.on_open(info);
  return slot;
}

void StreamTable::process(std::uint32_t slot, const net::Segment& seg) {
  Flow& flow = flows_.slots[slot];
  const FlowId id = flow.info.id;
  const Direction dir = same_endpoint(seg.src, flow.info.client) ? Direction::ClientToServer
                                                                 : Direction::ServerToClient;
  TcpEvent event = note_packet(slot, dir, seg);
  DirectionBuffer& mine = flow.dir[index(dir)];
  DirectionBuffer& peer = flow.dir[index(opposite(dir))];
  const bool syn = seg.has(flags::kSyn);
  // RFC 9293 §3.4: the SYN occupies one sequence number; data starts at ISN + 1.
  const std::uint32_t data_seq = seg.seq + (syn ? 1U : 0U);
  mine.start(data_seq);
  if (syn) note_syn(flow, event, seg);
  if (seg.has(flags::kRst)) {
    // A reset's payload is diagnostic text (RFC 9293 §3.5.3), not stream data; its ACK is not
    // trusted to prove missing data either (injected resets carry arbitrary ones).
    flush(flow, seg.ts);
    event.kind = TcpEventKind::Rst;
    next_.on_tcp(id, event);
    retire(slot, CloseReason::Rst, seg.ts);
    return;
  }
  if (seg.has(flags::kAck)) peer.acked(seg.ack);
  if (seg.payload_len > 0) {
    DirectionOut out(next_, id, dir, seg.ts);
    mine.add(data_seq, seg.payload, seg.payload_len, Origin{seg.ts, seg.packet_number}, out);
  }
  if (seg.has(flags::kFin)) {
    if (mine.fin_seen()) {
      ++stats_.duplicate_fins;
    } else {
      mine.fin(data_seq + seg.payload_len);
      event.kind = TcpEventKind::Fin;
      next_.on_tcp(id, event);
    }
  }
  recharge(flow);
  if (mine.complete() && peer.complete()) close(slot, CloseReason::Fin, seg.ts);
}

// Marks the flow active and the sender's packet and TTL; returns the event fields they give.
TcpEvent StreamTable::note_packet(std::uint32_t slot, Direction dir, const net::Segment& seg) {
  if (flows_.tail != slot) {  // a burst of one flow keeps it at the tail
    unlink(flows_, slot);
    link_back(flows_, slot);
  }
  Flow& flow = flows_.slots[slot];
  flow.last_seen = seg.ts;
  Sender& sender = flow.sender[index(dir)];
  TcpEvent event;
  event.dir = dir;
  event.ts = seg.ts;
  event.ttl = seg.ttl;
  event.prior_ttl = sender.packets > 0 ? sender.last_ttl : 0;
  event.packet_number = seg.packet_number;
  if (sender.packets == 0) sender.first_ttl = seg.ttl;
  sender.last_ttl = seg.ttl;
  ++sender.packets;
  return event;
}

void StreamTable::note_syn(Flow& flow, TcpEvent event, const net::Segment& seg) {
  const bool ack = seg.has(flags::kAck);
  if (!ack && event.dir == Direction::ClientToServer && !flow.client_isn_known) {
    flow.client_isn = seg.seq;
    flow.client_isn_known = true;
  }
  event.kind = ack ? TcpEventKind::SynAck : TcpEventKind::Syn;
  next_.on_tcp(flow.info.id, event);
}

void StreamTable::flush(Flow& flow, Timestamp ts) {
  for (Direction dir : {Direction::ClientToServer, Direction::ServerToClient}) {
    DirectionOut out(next_, flow.info.id, dir, ts);
    flow.dir[index(dir)].flush(out);
  }
}

void StreamTable::close(std::uint32_t slot, CloseReason why, Timestamp ts) {
  flush(flows_.slots[slot], ts);
  retire(slot, why, ts);
}

void StreamTable::retire(std::uint32_t slot, CloseReason why, Timestamp ts) {
  Flow& flow = flows_.slots[slot];
  if (budget_ != nullptr) budget_->release(flow.charged);
  flow.charged = 0;
  const FlowStats flow_stats = stats_of(flow);
  for (const DirectionStats& d : flow_stats.dir) {
    stats_.buffer_cap_hits += d.buffer_cap_hit;
    stats_.bytes_cap_hits += d.bytes_cap_hit;
    stats_.segments_cap_hits += d.segments_cap_hit;
  }
  count_close(why);
  next_.on_close(flow.info.id, why, ts, flow_stats);
  if (why == CloseReason::Fin || why == CloseReason::Rst || why == CloseReason::Evicted) {
    bury(flow, ts);
  }
  flow_index_.erase(flow.hash, slot);
  (flow.older != kNil ? flows_.slots[flow.older].newer : oldest_) = flow.newer;
  (flow.newer != kNil ? flows_.slots[flow.newer].older : newest_) = flow.older;
  release(flows_, slot);
  --open_count_;
  recharge_table();
}

FlowStats StreamTable::stats_of(const Flow& flow) {
  FlowStats out;
  for (int i = 0; i < 2; ++i) {
    DirectionStats& d = out.dir[i];
    d = flow.dir[i].stats();
    d.packets = flow.sender[i].packets;
    d.first_ttl = flow.sender[i].first_ttl;
    d.last_ttl = flow.sender[i].last_ttl;
  }
  return out;
}

std::optional<FlowStats> StreamTable::current_stats(const net::Endpoint& client, const net::Endpoint& server) const {
  const TupleKey key = TupleKey::of(client, server);
  const std::uint32_t slot = find_flow(key, hash_tuple(key));
  if (slot == kNil) return std::nullopt;
  const Flow& flow = flows_.slots[slot];
  FlowStats out = stats_of(flow);
  if (flow.info.client != client) std::swap(out.dir[0], out.dir[1]);  // the TLS stage swapped roles
  return out;
}

void StreamTable::count_close(CloseReason why) {
  ++stats_.flows_closed;
  switch (why) {
    case CloseReason::Fin:
      ++stats_.closed_fin;
      break;
    case CloseReason::Rst:
      ++stats_.closed_rst;
      break;
    case CloseReason::EndOfCapture:
      ++stats_.closed_end_of_capture;
      break;
    case CloseReason::Timeout:
      ++stats_.closed_timeout;
      break;
    case CloseReason::Evicted:
    case CloseReason::Open:
      break;  // evictions are counted as flows_evicted by the caller; Open is not a close
  }
}

void StreamTable::bury(const Flow& flow, Timestamp ts) {
  const std::size_t cap = tombstone_cap();
  while (tomb_count_ >= cap) {
    forget_tombstone(tomb_first_);  // the front is live: dead ones are dropped as they surface
    ++stats_.tombstones_forgotten;
  }
  if (tombs_.empty()) tomb_first_ = 0;
  // kNil is not a sequence number: a placeholder takes it when the numbers come round to it.
  if (tomb_first_ + static_cast<std::uint32_t>(tombs_.size()) == kNil) tombs_.push_back(Tombstone{});
  const auto seq = tomb_first_ + static_cast<std::uint32_t>(tombs_.size());
  tombs_.push_back(make_tombstone(flow.key, ts, flow.client_isn, flow.client_isn_known));
  tomb_index_.insert(flow.hash, seq);
  ++tomb_count_;
  drop_dead_tombstones();
}

void StreamTable::forget_tombstone(std::uint32_t seq) {
  Tombstone& tomb = tomb_at(seq);
  tomb_index_.erase(hash_tuple(tomb_key(tomb)), seq);
  tomb.flags = static_cast<std::uint8_t>(tomb.flags & ~Tombstone::kLive);
  --tomb_count_;
  drop_dead_tombstones();
}

void StreamTable::drop_dead_tombstones() {
  for (; !tombs_.empty() && !tombs_.front().live(); ++tomb_first_) {
    if ((tombs_.front().flags & Tombstone::kFullKey) != 0) {
      tomb_keys_.pop_front();
      ++tomb_keys_first_;
    }
    tombs_.pop_front();
  }
}

// An IPv4 tuple whose addresses have nothing past their 4 bytes: it fits a tombstone inline.
bool StreamTable::compact(const TupleKey& key) {
  for (const net::Endpoint* ep : {&key.lo, &key.hi}) {
    if (ep->ip.family != 4) return false;
    for (std::size_t i = 4; i < ep->ip.bytes.size(); ++i)
      if (ep->ip.bytes[i] != 0) return false;
  }
  return true;
}

StreamTable::Tombstone StreamTable::make_tombstone(const TupleKey& key, Timestamp closed,
                                                   std::uint32_t isn, bool isn_known) {
  Tombstone tomb;
  tomb.closed = closed;
  tomb.client_isn = isn;
  tomb.flags = static_cast<std::uint8_t>(Tombstone::kLive | (isn_known ? Tombstone::kIsnKnown : 0));
  if (compact(key)) {
    std::memcpy(tomb.tuple.data(), key.lo.ip.bytes.data(), 4);
    std::memcpy(tomb.tuple.data() + 4, key.hi.ip.bytes.data(), 4);
    std::memcpy(tomb.tuple.data() + 8, &key.lo.port, 2);
    std::memcpy(tomb.tuple.data() + 10, &key.hi.port, 2);
  } else {
    if (tomb_keys_.empty()) tomb_keys_first_ = 0;
    const auto k = tomb_keys_first_ + static_cast<std::uint32_t>(tomb_keys_.size());
    tomb_keys_.push_back(key);
    tomb.flags |= Tombstone::kFullKey;
    std::memcpy(tomb.tuple.data(), &k, sizeof k);
  }
  return tomb;
}

TupleKey StreamTable::tomb_key(const Tombstone& tomb) const {
  if ((tomb.flags & Tombstone::kFullKey) != 0) {
    std::uint32_t k = 0;
    std::memcpy(&k, tomb.tuple.data(), sizeof k);
    return tomb_keys_[k - tomb_keys_first_];
  }
  TupleKey key;
  key.lo.ip.family = key.hi.ip.family = 4;
  std::memcpy(key.lo.ip.bytes.data(), tomb.tuple.data(), 4);
  std::memcpy(key.hi.ip.bytes.data(), tomb.tuple.data() + 4, 4);
  std::memcpy(&key.lo.port, tomb.tuple.data() + 8, 2);
  std::memcpy(&key.hi.port, tomb.tuple.data() + 10, 2);
  return key;
}

bool StreamTable::tomb_matches(const Tombstone& tomb, const TupleKey& key) const {
  return tomb_key(tomb) == key;
}

void StreamTable::forget_old_tombstones(Timestamp now) {
  if (tombs_.empty() || now.ns - tombs_.front().closed.ns <= limits_.tombstone_ns) return;
  while (!tombs_.empty() && now.ns - tombs_.front().closed.ns > limits_.tombstone_ns) {
    forget_tombstone(tomb_first_);
    ++stats_.tombstones_forgotten;
  }
  recharge_table();
}

void StreamTable::expire_idle(Timestamp now, std::int64_t idle_ns) {
  forget_old_tombstones(now);
  // The activity list is ordered by last packet, so the idle flows are at its head.
  while (flows_.head != kNil && now.ns - flows_.slots[flows_.head].last_seen.ns > idle_ns) {
    close(flows_.head, CloseReason::Timeout, flows_.slots[flows_.head].last_seen);
  }
}

void StreamTable::on_end(Timestamp last) {
  // In order of FlowId: the id list, kept as flows open and close, needs no array here (an array of
  // every open flow, at the end of a flood, is memory the budget would not have charged).
  while (oldest_ != kNil) {
    const Flow& flow = flows_.slots[oldest_];
    // flow.h: a flow with a FIN still open when the capture ends closes as Fin.
    const bool fin = flow.dir[0].fin_seen() || flow.dir[1].fin_seen();
    close(oldest_, fin ? CloseReason::Fin : CloseReason::EndOfCapture, flow.last_seen);
  }
  flows_ = {};  // every slot is free: the memory goes back, and its charge
  flow_index_.clear();
  tombs_ = {};
  tomb_first_ = 0;
  tomb_keys_ = {};
  tomb_keys_first_ = 0;
  tomb_index_.clear();
  tomb_count_ = 0;
  if (budget_ != nullptr) budget_->release(table_charged_);  // the room set aside for tombstones too
  table_charged_ = 0;
  next_.on_end(last);
}

}  // namespace tlsdiag::reassembly
