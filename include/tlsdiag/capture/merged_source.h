#pragma once
// MergedSource: the rotated pieces of one capture (tcpdump -C or -G, editcap -c) read as one
// time-ordered stream, so that a connection cut by a rotation is seen whole. Input: the files, in
// name order, with the same link type. Output: their packets to one PacketSink, then on_end once.
//
// Contract:
//  - A k-way merge by timestamp: each file is taken to be in time order; the earliest head goes
//    next, the earlier file (in name order) on equal timestamps. Packets are numbered 1, 2, ...
//    across the whole stream (records dropped by the BPF filter keep their numbers, as in
//    FileSource), so for pieces that do not overlap a packet's number is its position in the
//    original capture.
//  - Memory: a file is opened only when the merge reaches its first timestamp and closed at its
//    end, so pieces that follow each other cost one open file at a time, however many there are.
//  - open() reads the first record of every file (to order them) and fails when one cannot be
//    opened or has another link type. run() reads every file to its end or its error: a broken
//    piece does not stop the others; the errors are joined into the one returned.
//  - Pieces whose time ranges overlap (two captures of one link, or a clock step) are still
//    merged by timestamp, and info().notes says which pieces overlapped, after run().
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/capture/input_info.h"
#include "tlsdiag/capture/packet_sink.h"

namespace tlsdiag::capture {

class MergedSource {
 public:
  MergedSource(std::vector<std::string> paths, FileSourceOptions options = {});
  ~MergedSource();
  MergedSource(const MergedSource&) = delete;
  MergedSource& operator=(const MergedSource&) = delete;

  std::optional<CaptureError> open();
  // After open(): the first file's description, with parts = every file; notes after run().
  const InputInfo& info() const { return info_; }
  std::optional<CaptureError> run(PacketSink& sink, const std::atomic<bool>* stop = nullptr);

 private:
  struct Piece {
    std::string path;
    bool has_packets = false;
    Timestamp first{};
    Timestamp last{};
    std::uint64_t bytes = 0;  // bytes read from the file, once closed
  };
  struct Head;
  struct Merge;

  std::vector<std::string> overlap_notes() const;

  std::vector<std::string> paths_;
  FileSourceOptions options_;  // for each piece (without progress)
  std::atomic<std::uint64_t>* progress_;  // bytes read over all pieces
  InputInfo info_;
  std::vector<Piece> pieces_;  // in name order
};

}  // namespace tlsdiag::capture
