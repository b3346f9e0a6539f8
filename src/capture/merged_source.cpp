#include "tlsdiag/capture/merged_source.h"

#include <algorithm>
#include <memory>
#include <queue>
#include <utility>

#include "tlsdiag/capture/link_types.h"

namespace tlsdiag::capture {
// One open piece and its next packet (valid until that piece is read again).
struct MergedSource::Head {
  std::size_t index = 0;  // into pieces_: name order, the tie-break
  std::unique_ptr<FileSource> source;
  Packet packet;
  bool selected = false;
};

// The state of one run(): the open pieces by their next timestamp, and what went wrong.
struct MergedSource::Merge {
  // priority_queue keeps the "largest" on top: later timestamps (then later files) rank lower.
  struct Later {
    bool operator()(const Head* a, const Head* b) const {
      if (a->packet.ts != b->packet.ts) return a->packet.ts > b->packet.ts;
      return a->index > b->index;
    }
  };

  Merge(std::vector<Piece>& pieces, const FileSourceOptions& options);
  // Opens the next waiting piece if the stream has reached its first packet; false otherwise.
  bool open_due_piece();
  // Reads the head's next packet; at the piece's end, keeps what is known of it and closes it.
  void advance(Head& h);
  std::uint64_t bytes_read() const;
  void add_error(const CaptureError& e);

  std::vector<Piece>& pieces;
  const FileSourceOptions& options;
  std::vector<std::unique_ptr<Head>> heads;  // by piece; null when not open
  std::priority_queue<Head*, std::vector<Head*>, Later> queue;
  std::vector<std::size_t> waiting;  // pieces not opened yet, latest first timestamp first
  std::optional<CaptureError> error;
  std::uint64_t closed_bytes = 0;
};

MergedSource::Merge::Merge(std::vector<Piece>& all, const FileSourceOptions& source_options)
    : pieces(all), options(source_options), heads(all.size()) {
  for (std::size_t i = 0; i < pieces.size(); ++i) waiting.push_back(i);
  // Latest first, so that the next piece to open is at the back.
  std::ranges::sort(waiting, [&](std::size_t a, std::size_t b) {
    return std::pair(pieces[a].first, a) > std::pair(pieces[b].first, b);
  });
}

bool MergedSource::Merge::open_due_piece() {
  if (waiting.empty()) return false;
  const std::size_t i = waiting.back();
  if (!queue.empty() && queue.top()->packet.ts < pieces[i].first) return false;
  waiting.pop_back();
  auto head = std::make_unique<Head>();
  head->index = i;
  head->source = std::make_unique<FileSource>(pieces[i].path, options);
  if (auto e = head->source->open()) {
    add_error(*e);
    return true;
  }
  heads[i] = std::move(head);
  advance(*heads[i]);
  return true;
}

void MergedSource::Merge::advance(Head& h) {
  if (h.source->next(h.packet, h.selected)) {
    queue.push(&h);
    return;
  }
  Piece& piece = pieces[h.index];
  piece.has_packets = h.source->packets_read() > 0;
  piece.last = h.source->last_timestamp();
  piece.bytes = h.source->bytes_read();
  closed_bytes += piece.bytes;
  if (h.source->error()) add_error(*h.source->error());
  heads[h.index].reset();
}

std::uint64_t MergedSource::Merge::bytes_read() const {
  std::uint64_t bytes = closed_bytes;
  for (const auto& h : heads)
    if (h) bytes += h->source->bytes_read();
  return bytes;
}

void MergedSource::Merge::add_error(const CaptureError& e) {
  if (!error) {
    error = e;
  } else {
    error->message += "; " + e.message;
  }
}

MergedSource::MergedSource(std::vector<std::string> paths, FileSourceOptions options)
    : paths_(std::move(paths)), options_(std::move(options)), progress_(options_.progress) {
  options_.progress = nullptr;  // for the pieces; run() reports the sum itself
}

MergedSource::~MergedSource() = default;

std::optional<CaptureError> MergedSource::open() {
  pieces_.clear();
  info_ = {};
  for (const std::string& path : paths_) {
    FileSource probe(path, options_);
    if (auto error = probe.open()) return error;
    const InputInfo& info = probe.info();
    if (pieces_.empty()) {
      info_ = info;
    } else if (info.link_type != info_.link_type) {
      return CaptureError{path + ": cannot be merged with " + info_.path + ": link type " +
                              info.link_name + ", not " + info_.link_name,
                          {}};
    }
    info_.snaplen = std::max(info_.snaplen, info.snaplen);
    Piece piece;
    piece.path = path;
    Packet first;
    bool selected = false;
    piece.has_packets = probe.next(first, selected);
    piece.first = first.ts;
    pieces_.push_back(std::move(piece));
  }
  info_.path = paths_.empty() ? std::string() : paths_.front();
  info_.parts = paths_;
  return std::nullopt;
}

std::optional<CaptureError> MergedSource::run(PacketSink& sink, const std::atomic<bool>* stop) {
  Merge m(pieces_, options_);
  std::uint64_t number = 0;
  Timestamp last{};
  while (stop == nullptr || !stop->load(std::memory_order_relaxed)) {
    // A piece joins the merge when the stream reaches its first packet.
    while (m.open_due_piece()) {
    }
    if (m.queue.empty()) break;
    Head* h = m.queue.top();
    m.queue.pop();
    h->packet.number = ++number;
    last = h->packet.ts;
    if (h->selected) sink.on_packet(h->packet);
    m.advance(*h);  // may close |h|
    if (progress_ != nullptr && number % kProgressEveryRecords == 0) {
      progress_->store(m.bytes_read(), std::memory_order_relaxed);
    }
  }
  if (progress_ != nullptr) progress_->store(m.bytes_read(), std::memory_order_relaxed);
  info_.notes = overlap_notes();
  sink.on_end(last);
  return m.error;
}

// Pieces whose time ranges overlap: rotation never does that. Swept in order of first packet,
// each piece is compared with the one that ends last among those before it.
std::vector<std::string> MergedSource::overlap_notes() const {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < pieces_.size(); ++i)
    if (pieces_[i].has_packets) order.push_back(i);
  std::ranges::stable_sort(order, {}, [&](std::size_t i) { return pieces_[i].first; });
  std::vector<std::string> notes;
  const Piece* latest = nullptr;  // of the pieces so far, the one that ends last
  for (std::size_t i : order) {
    const Piece& b = pieces_[i];
    if (latest != nullptr && b.first < latest->last) {
      notes.push_back("rotated pieces overlap in time: " + latest->path + " ends at " +
                      format_rfc3339(latest->last) + ", after " + b.path + " starts at " +
                      format_rfc3339(b.first) + "; their packets were merged by timestamp");
    }
    if (latest == nullptr || b.last > latest->last) latest = &b;
  }
  return notes;
}

}  // namespace tlsdiag::capture
