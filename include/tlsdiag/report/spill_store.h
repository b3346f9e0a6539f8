#pragma once
// SpillStore: where a report keeps output it cannot write yet (flows waiting for an earlier flow
// to finish, text blocks grouped by reason, the flows of the JSON document), so that its memory
// stays flat however long the capture is.
//
// Input: strings, append() -> Ref. Output: the same bytes, write_to(ref) in any order, any number
// of times until release(ref). Strings are packed into chunks; at most `memory_budget` bytes of
// chunks stay in memory, older ones move to an unnamed temporary file (tmpfile(3): gone when the
// process ends). A chunk whose strings are all released is dropped at once, and its place in the
// file reused. Without a usable temporary directory everything stays in memory.
// Not thread-safe; one store per report.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tlsdiag::report {

class SpillStore {
 public:
  static constexpr std::size_t kDefaultMemoryBudget = 1u << 20;
  static constexpr std::size_t kDefaultChunkBytes = 256u << 10;

  struct Ref {
    std::uint32_t chunk = 0;
    std::uint32_t offset = 0;  // within the chunk
    std::uint32_t size = 0;
  };

  explicit SpillStore(std::size_t memory_budget = kDefaultMemoryBudget,
                      std::size_t chunk_bytes = kDefaultChunkBytes);
  ~SpillStore();
  SpillStore(const SpillStore&) = delete;
  SpillStore& operator=(const SpillStore&) = delete;

  Ref append(std::string_view bytes);
  // Writes the string to |out|; false (nothing written) when a spilled string cannot be read back.
  bool write_to(const Ref& ref, std::ostream& out);
  // The string itself, as a view valid until the next call on the store; empty on a read error.
  std::string_view read(const Ref& ref);
  // The string is no longer needed. Each Ref is released at most once.
  void release(const Ref& ref);

  // Chunk bytes held in memory, the spare buffer included.
  std::size_t memory_bytes() const { return resident_bytes_ + spare_.capacity(); }
  std::uint64_t spilled_bytes() const { return spilled_bytes_; }  // written to the file so far
  std::uint64_t file_bytes() const { return file_end_; }          // size of the temporary file

 private:
  static constexpr std::uint32_t kNoChunk = 0xFFFF'FFFF;
  struct Chunk {
    std::string data;            // the bytes while in memory
    std::uint32_t size = 0;      // bytes used
    std::uint32_t live = 0;      // strings not yet released
    std::uint64_t file_offset = 0;
    std::uint64_t file_capacity = 0;  // > 0 once the chunk has a place in the file
    bool resident = true;
    bool in_use = false;
  };
  struct Region {
    std::uint64_t offset;
    std::uint64_t capacity;
  };

  std::uint32_t new_chunk(std::size_t capacity);
  void seal_current();
  void enforce_budget();
  bool spill(std::uint32_t id);
  void drop(std::uint32_t id);
  std::uint64_t file_place(std::uint64_t size, std::uint64_t& capacity);
  void recycle(std::string& data);

  std::size_t memory_budget_;
  std::size_t chunk_bytes_;
  std::vector<Chunk> chunks_;
  std::vector<std::uint32_t> free_chunks_;
  std::deque<std::uint32_t> sealed_;  // resident, full chunks, oldest first (may hold stale ids)
  std::uint32_t current_ = kNoChunk;
  std::size_t resident_bytes_ = 0;
  std::FILE* file_ = nullptr;
  bool file_failed_ = false;
  std::uint64_t file_end_ = 0;
  std::uint64_t spilled_bytes_ = 0;
  std::vector<Region> free_regions_;
  std::string scratch_;
  // The buffer of the last chunk spilled or dropped, for the next chunk: a chunk is large enough
  // that the allocator gives its pages back when it is freed, and a new one faults them in again
  // (about 500 of the 11,000 page faults of a 1 GB JSON Lines run were these).
  std::string spare_;
};

}  // namespace tlsdiag::report
