#pragma once
// LargeBlockAllocator: the allocator of buffers that hostile traffic can make large, per flow (a
// handshake message being assembled) or per table (the flow index). A block of kMapThreshold
// bytes or more is mapped from the kernel and unmapped when freed; a smaller one comes from the
// heap.
// Why: thousands of flows growing such buffers by doubling free a block of every size on the way,
// and the heap (never trimmed, src/app/main.cpp) keeps those blocks resident as holes that the
// next, larger blocks do not fit: peak RSS reached twice what the flows held under
// --memory-limit. An unmapped block leaves the process, so what is resident is what is held,
// which is what the memory budget charges (footprint); a block reserved ahead (a handshake message
// of announced length) is resident only as far as it is written. Blocks this large are rare in
// real traffic (a handshake message over 16 KiB, the flow table's index), so the system calls
// cost nothing measurable there (an unmap is the dear one: a TLB flush). Under AddressSanitizer
// every block comes from the heap, so that overflows stay detected.
#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <vector>

#include "tlsdiag/util/memory_budget.h"

namespace tlsdiag {

inline constexpr std::size_t kMapThreshold = 16 * 1024;
inline constexpr std::size_t kPageBytes = 4096;

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kMapLargeBlocks = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kMapLargeBlocks = false;
#else
inline constexpr bool kMapLargeBlocks = true;
#endif
#else
inline constexpr bool kMapLargeBlocks = true;
#endif

template <class T>
class LargeBlockAllocator {
 public:
  using value_type = T;

  LargeBlockAllocator() = default;
  template <class U>
  LargeBlockAllocator(const LargeBlockAllocator<U>&) {}  // NOLINT: rebinding, as std::allocator

  static bool mapped(std::size_t bytes) { return kMapLargeBlocks && bytes >= kMapThreshold; }
  // What a block of |bytes| takes: whole pages when mapped, a heap block otherwise.
  static std::size_t footprint(std::size_t bytes) {
    return mapped(bytes) ? (bytes + kPageBytes - 1) / kPageBytes * kPageBytes : heap_block(bytes);
  }

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (!mapped(bytes)) return static_cast<T*>(::operator new(bytes));
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_NOHUGEPAGE
    // Pages become resident as they are written: with transparent huge pages "always", a fault
    // could make a whole 2 MiB of neighbouring blocks resident.
    madvise(p, bytes, MADV_NOHUGEPAGE);
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (!mapped(bytes)) return ::operator delete(p);
    munmap(p, bytes);
  }

  friend bool operator==(const LargeBlockAllocator&, const LargeBlockAllocator&) { return true; }
};

// A byte buffer whose memory follows what it holds (see above).
template <class T>
using LargeBlockVector = std::vector<T, LargeBlockAllocator<T>>;

}  // namespace tlsdiag
