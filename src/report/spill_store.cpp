#include "tlsdiag/report/spill_store.h"

#include <unistd.h>

#include <algorithm>
#include <cassert>

namespace tlsdiag::report {

SpillStore::SpillStore(std::size_t memory_budget, std::size_t chunk_bytes)
    : memory_budget_(memory_budget), chunk_bytes_(std::max<std::size_t>(chunk_bytes, 1)) {}

SpillStore::~SpillStore() {
  if (file_ != nullptr) std::fclose(file_);
}

std::uint32_t SpillStore::new_chunk(std::size_t capacity) {
  std::uint32_t id;
  if (!free_chunks_.empty()) {
    id = free_chunks_.back();
    free_chunks_.pop_back();
  } else {
    id = static_cast<std::uint32_t>(chunks_.size());
    chunks_.emplace_back();
  }
  Chunk& c = chunks_[id];
  c = Chunk{};
  c.in_use = true;
  if (spare_.capacity() >= capacity) c.data.swap(spare_);
  c.data.reserve(capacity);
  resident_bytes_ += c.data.capacity();
  return id;
}

void SpillStore::seal_current() {
  if (current_ == kNoChunk) return;
  const std::uint32_t id = current_;
  current_ = kNoChunk;
  if (chunks_[id].live == 0) return drop(id);  // every string already released
  sealed_.push_back(id);
}

SpillStore::Ref SpillStore::append(std::string_view bytes) {
  if (current_ != kNoChunk && chunks_[current_].size + bytes.size() > chunk_bytes_) seal_current();
  if (current_ == kNoChunk) current_ = new_chunk(std::max(chunk_bytes_, bytes.size()));
  Chunk& c = chunks_[current_];
  const Ref ref{current_, c.size, static_cast<std::uint32_t>(bytes.size())};
  c.data.append(bytes);
  c.size += ref.size;
  ++c.live;
  enforce_budget();
  return ref;
}

// Moves the oldest full chunks to the file while more than the budget is in memory.
void SpillStore::enforce_budget() {
  while (resident_bytes_ > memory_budget_ && !sealed_.empty() && !file_failed_) {
    const std::uint32_t id = sealed_.front();
    sealed_.pop_front();
    const Chunk& c = chunks_[id];
    if (!c.in_use || !c.resident || id == current_) continue;  // stale entry
    if (!spill(id)) return;
  }
}

// A place in the file for |size| bytes: a freed region that fits (first fit), else the end.
std::uint64_t SpillStore::file_place(std::uint64_t size, std::uint64_t& capacity) {
  for (std::size_t i = 0; i < free_regions_.size(); ++i) {
    if (free_regions_[i].capacity < size) continue;
    const Region r = free_regions_[i];
    free_regions_[i] = free_regions_.back();
    free_regions_.pop_back();
    capacity = r.capacity;
    return r.offset;
  }
  capacity = std::max<std::uint64_t>(size, chunk_bytes_);
  const std::uint64_t at = file_end_;
  file_end_ += capacity;
  return at;
}

bool SpillStore::spill(std::uint32_t id) {
  if (file_ == nullptr) {
    file_ = std::tmpfile();
    if (file_ == nullptr) {
      file_failed_ = true;  // keep everything in memory
      return false;
    }
  }
  Chunk& c = chunks_[id];
  std::uint64_t capacity = 0;
  const std::uint64_t at = file_place(c.size, capacity);
  const int fd = fileno(file_);
  std::size_t done = 0;
  while (done < c.size) {
    const ssize_t n = ::pwrite(fd, c.data.data() + done, c.size - done, static_cast<off_t>(at + done));
    if (n <= 0) {
      free_regions_.push_back(Region{at, capacity});
      file_failed_ = true;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  resident_bytes_ -= c.data.capacity();
  recycle(c.data);
  c.resident = false;
  c.file_offset = at;
  c.file_capacity = capacity;
  spilled_bytes_ += c.size;
  return true;
}

std::string_view SpillStore::read(const Ref& ref) {
  assert(ref.chunk < chunks_.size() && chunks_[ref.chunk].in_use);
  const Chunk& c = chunks_[ref.chunk];
  if (c.resident) return std::string_view(c.data).substr(ref.offset, ref.size);
  scratch_.resize(ref.size);
  std::size_t done = 0;
  while (done < ref.size) {
    const ssize_t n = ::pread(fileno(file_), scratch_.data() + done, ref.size - done,
                              static_cast<off_t>(c.file_offset + ref.offset + done));
    if (n <= 0) return {};
    done += static_cast<std::size_t>(n);
  }
  return scratch_;
}

bool SpillStore::write_to(const Ref& ref, std::ostream& out) {
  const std::string_view bytes = read(ref);
  if (bytes.size() != ref.size) return false;
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return true;
}

void SpillStore::release(const Ref& ref) {
  assert(ref.chunk < chunks_.size() && chunks_[ref.chunk].in_use && chunks_[ref.chunk].live > 0);
  Chunk& c = chunks_[ref.chunk];
  if (--c.live == 0 && ref.chunk != current_) drop(ref.chunk);
}

// Keeps |data|'s buffer as the spare if it is no larger than a chunk needs (a string larger than
// a chunk got a buffer of its own, which is freed); |data| is left empty.
void SpillStore::recycle(std::string& data) {
  data.clear();
  if (data.capacity() >= chunk_bytes_ && data.capacity() < 2 * chunk_bytes_ && spare_.capacity() < chunk_bytes_)
    spare_.swap(data);
  std::string().swap(data);
}

// Frees a chunk whose strings are all released: its memory, or its place in the file.
void SpillStore::drop(std::uint32_t id) {
  Chunk& c = chunks_[id];
  if (c.resident) {
    resident_bytes_ -= c.data.capacity();
    recycle(c.data);
  } else {
    free_regions_.push_back(Region{c.file_offset, c.file_capacity});
  }
  c = Chunk{};
  free_chunks_.push_back(id);
}

}  // namespace tlsdiag::report
