#include "tlsdiag/capture/read_ahead.h"

#include <condition_variable>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tlsdiag::capture {

namespace {

// One packet of a batch: its bytes are batch.bytes[offset, offset + size).
struct Header {
  Timestamp ts;
  std::size_t offset = 0;
  std::uint32_t size = 0;
  std::uint32_t wire_len = 0;
  int link_type = 0;
  std::uint64_t number = 0;
};

struct Batch {
  std::vector<std::uint8_t> bytes;
  std::vector<Header> headers;
  bool end = false;  // the last batch: on_end follows its packets
  Timestamp last;    // on_end's timestamp, with |end|
};

// Batches go round: free -> filled by the reader -> full -> drained by the analyser -> free.
class BatchQueues {
 public:
  explicit BatchQueues(const ReadAheadLimits& limits) : batches_(std::max<std::size_t>(limits.batches, 2)) {
    for (Batch& b : batches_) {
      b.bytes.reserve(limits.batch_bytes);
      b.headers.reserve(limits.batch_packets);
      free_.push_back(&b);
    }
  }
  // Null once closed (the analyser has stopped): the reader then stops too.
  Batch* take_free() { return take(free_); }
  Batch* take_full() { return take(full_); }
  void give_full(Batch* b) { give(full_, b); }
  void give_free(Batch* b) {
    b->bytes.clear();
    b->headers.clear();
    give(free_, b);
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }

 private:
  Batch* take(std::deque<Batch*>& from) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !from.empty(); });
    if (from.empty()) return nullptr;
    Batch* b = from.front();
    from.pop_front();
    return b;
  }
  void give(std::deque<Batch*>& to, Batch* b) {
    std::lock_guard lock(mutex_);
    to.push_back(b);
    ready_.notify_all();
  }

  std::vector<Batch> batches_;
  std::deque<Batch*> free_, full_;
  std::mutex mutex_;
  std::condition_variable ready_;
  bool closed_ = false;
};

// The reader thread's sink: copies packets into the current batch, hands it over when full.
class BatchWriter : public PacketSink {
 public:
  BatchWriter(BatchQueues& queues, const ReadAheadLimits& limits) : queues_(queues), limits_(limits) {}

  void on_packet(const Packet& p) override {
    if (current_ != nullptr && !fits(p)) flush();
    if (current_ == nullptr && (current_ = queues_.take_free()) == nullptr) return;  // analyser gone
    Header h{p.ts, current_->bytes.size(), static_cast<std::uint32_t>(p.data.size()), p.wire_len, p.link_type, p.number};
    current_->bytes.insert(current_->bytes.end(), p.data.begin(), p.data.end());
    current_->headers.push_back(h);
  }

  void on_end(Timestamp last) override {
    if (current_ == nullptr && (current_ = queues_.take_free()) == nullptr) return;
    current_->end = true;
    current_->last = last;
    flush();
  }

 private:
  bool fits(const Packet& p) const {
    return current_->headers.size() < limits_.batch_packets &&
           current_->bytes.size() + p.data.size() <= limits_.batch_bytes;
  }
  void flush() {
    queues_.give_full(current_);
    current_ = nullptr;
  }

  BatchQueues& queues_;
  const ReadAheadLimits& limits_;
  Batch* current_ = nullptr;
};

// Delivers one batch to |sink|; true when it was the last.
bool drain(const Batch& batch, PacketSink& sink) {
  Packet p;
  for (const Header& h : batch.headers) {
    p.ts = h.ts;
    p.data = std::span<const std::uint8_t>(batch.bytes.data() + h.offset, h.size);
    p.wire_len = h.wire_len;
    p.link_type = h.link_type;
    p.number = h.number;
    sink.on_packet(p);
  }
  if (batch.end) sink.on_end(batch.last);
  return batch.end;
}

}  // namespace

std::optional<CaptureError> read_ahead(const ReadFn& read, PacketSink& sink, const std::atomic<bool>* stop,
                                       const ReadAheadLimits& limits) {
  BatchQueues queues(limits);
  std::atomic<bool> reader_stop{false};  // the caller's |stop|, passed on once per batch, or the analyser failed
  std::optional<CaptureError> result;
  std::exception_ptr reader_failure;
  std::thread reader([&] {
    BatchWriter writer(queues, limits);
    try {
      result = read(writer, &reader_stop);
    } catch (...) {
      reader_failure = std::current_exception();
      writer.on_end(Timestamp{});
    }
  });
  try {
    for (bool last = false; !last;) {
      if (stop != nullptr && stop->load(std::memory_order_relaxed)) reader_stop.store(true, std::memory_order_relaxed);
      Batch* batch = queues.take_full();
      last = drain(*batch, sink);  // never null: only this thread closes the queues
      queues.give_free(batch);
    }
  } catch (...) {
    reader_stop = true;
    queues.close();  // a reader waiting for a free batch gives up
    reader.join();
    throw;
  }
  reader.join();
  if (reader_failure) std::rethrow_exception(reader_failure);
  return result;
}

}  // namespace tlsdiag::capture
