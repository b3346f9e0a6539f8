#include "huge_page_heap.h"

#include <cstddef>
#include <cstdlib>
#include <string_view>

#if defined(TLSDIAG_MIMALLOC)
#include <mimalloc.h>
#include <sys/mman.h>
#endif

namespace tlsdiag::app {

// Why: per-flow state is spread over some 40 MB of heap. On 4 KiB pages its first touch is
// ~10,000 page faults a run (12-14 µs each on the VMs we measure on, a sixth of a one-thread
// run) and every packet's flow lookup risks a TLB miss. On 2 MiB pages: ~1,200 faults and
// 5-15 % less user time; peak RSS grows by a few MB, heap pages being taken 2 MiB at a time.
//
// Two mimalloc segments (32 MiB each in mimalloc 2): the first two segments any thread asks for
// after this call, which in a one-file run are those of the analysis and event threads (the
// main thread's came before). Threads beyond them get ordinary pages. The reservation is
// address space only; pages count once touched. Measured with mimalloc 2.0.9 (Debian 12):
// from 2.1 mimalloc reserves arenas of its own, which may come first; the effect is then to be
// measured again (test HugePageHeap counts the faults). Not used by `live`: a gateway process
// runs for days, and a huge page fault may wait for the kernel to compact memory.
void use_huge_page_heap() {
#if defined(TLSDIAG_MIMALLOC) && defined(MADV_HUGEPAGE)
  if (const char* env = std::getenv("TLSDIAG_HUGE_PAGES"); env != nullptr && std::string_view(env) == "0") return;
  constexpr std::size_t kArenaBytes = std::size_t{64} << 20;
  mi_arena_id_t arena{};
  if (mi_reserve_os_memory_ex(kArenaBytes, /*commit=*/true, /*allow_large=*/false, /*exclusive=*/false, &arena) != 0)
    return;
  std::size_t size = 0;
  if (void* start = mi_arena_area(arena, &size); start != nullptr) madvise(start, size, MADV_HUGEPAGE);
#endif
}

}  // namespace tlsdiag::app
