#pragma once
// ReadAhead: reads a capture on its own thread while the calling thread analyses what was read,
// so reading (libpcap, the kernel's copies, decompression) and analysis use two cores. Packets
// are copied into batches of about 512 KiB; a few batches are in flight, so memory stays bounded
// whatever the file size. The sink sees exactly the packets, bytes, numbers and on_end that the
// source would have given it directly, in the same order, on the calling thread.
#include <atomic>
#include <functional>
#include <optional>

#include "tlsdiag/capture/input_info.h"
#include "tlsdiag/capture/packet_sink.h"

namespace tlsdiag::capture {

// Reads the whole input into a PacketSink: FileSource::run or MergedSource::run, bound.
using ReadFn = std::function<std::optional<CaptureError>(PacketSink& sink, const std::atomic<bool>* stop)>;

// 3 x 512 KiB: enough for the reader to stay ahead (a batch is ~3 ms of analysis), little
// enough to keep the 1 GB benchmark's peak RSS under 64 MiB.
struct ReadAheadLimits {
  std::size_t batch_bytes = 512 << 10;  // packet bytes per batch (a bigger packet gets a batch of its own)
  std::size_t batch_packets = 4096;
  std::size_t batches = 3;              // in flight: being filled, queued, being analysed
};

// Runs |read| on a reader thread and delivers its packets to |sink| here; returns |read|'s
// result. |stop| (may be null) stops reading as it would stop |read|. If |sink| throws, reading
// is stopped and the exception is rethrown here after the reader thread has ended.
std::optional<CaptureError> read_ahead(const ReadFn& read, PacketSink& sink, const std::atomic<bool>* stop = nullptr,
                                       const ReadAheadLimits& limits = {});

}  // namespace tlsdiag::capture
