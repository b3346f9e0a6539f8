// Heap pages for a run over capture files: 2 MiB transparent huge pages instead of 4 KiB ones.
#pragma once

namespace tlsdiag::app {

// Reserves the address space the next threads' heaps take their first segments from and asks
// the kernel for transparent huge pages on it. Only in the mimalloc build (the default), only
// where the kernel grants them (THP "always" or "madvise"), and not when the environment sets
// TLSDIAG_HUGE_PAGES=0; otherwise it does nothing. Call once, after the options are checked
// and before the pipeline's threads start. Output is the same either way; docs/performance.md
// has the figures.
void use_huge_page_heap();

}  // namespace tlsdiag::app
