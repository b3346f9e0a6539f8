// Builds the fuzz seed corpora from capture files, in each target's input format (targets.h):
//
//   tlsdiag_fuzz_make_seeds OUT_DIR [--max-flows N] capture.pcap...
//
// writes OUT_DIR/<target>/<capture stem>-<what>-<n>, skipping exact duplicates:
//   pcap_file     the capture itself when it is at most 24 KiB
//   packet        its first few frames one by one, and its first 16 frames as one sequence
//   tls_stream    each of its first flows as reassembled (first 8 KiB per direction)
//   client_hello  the hello, certificate, certificate_request, server_key_exchange and alert
//                 bodies found in those flows (a TLS 1.2 Certificate also as a TLS 1.3 one)
// The captures are read with the project's own pipeline (FileSource, PacketDecoder, StreamTable).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "targets.h"
#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/net/packet_decoder.h"
#include "tlsdiag/reassembly/stream_table.h"
#include "tlsdiag/tls/record.h"

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;
using namespace tlsdiag;

namespace {

constexpr std::size_t kMaxPcapSeed = 24 * 1024;
constexpr std::size_t kSinglePackets = 6;
constexpr std::size_t kSequencePackets = 16;
constexpr std::size_t kMaxDirectionBytes = 8 * 1024;

class SeedWriter {
 public:
  explicit SeedWriter(fs::path out) : out_(std::move(out)) {}
  void add(const std::string& target, const std::string& name, const Bytes& bytes) {
    if (bytes.empty() || !seen_[target].insert(std::string(bytes.begin(), bytes.end())).second) return;
    fs::create_directories(out_ / target);
    std::ofstream f(out_ / target / name, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    ++written_[target];
  }
  const std::map<std::string, std::size_t>& written() const { return written_; }

 private:
  fs::path out_;
  std::map<std::string, std::set<std::string>> seen_;
  std::map<std::string, std::size_t> written_;
};

void put_be(Bytes& out, std::uint32_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// Frames, recorded for the packet target, then passed on.
class PacketTap : public capture::PacketSink {
 public:
  explicit PacketTap(capture::PacketSink& next) : next_(next) {}
  void on_packet(const capture::Packet& p) override {
    if (frames.size() < kSequencePackets) {
      frames.emplace_back(p.data.begin(), p.data.end());
      cut.push_back(p.wire_len > p.data.size());
      link_type = p.link_type;
    }
    next_.on_packet(p);
  }
  void on_end(Timestamp last) override { next_.on_end(last); }

  std::vector<Bytes> frames;
  std::vector<bool> cut;
  int link_type = 1;

 private:
  capture::PacketSink& next_;
};

// Flows as the tls_stream target's op sequence, plus each direction's bytes.
class FlowRecorder : public reassembly::StreamSink {
 public:
  struct Flow {
    Bytes ops;
    std::uint8_t flags = 0;
    Bytes dir_bytes[2];
    bool done = false;
  };
  explicit FlowRecorder(std::size_t max_flows) : max_flows_(max_flows) {}

  void on_open(const reassembly::FlowInfo& info) override {
    if (flows.size() >= max_flows_) return;
    Flow& f = flows[info.id];
    f.flags = static_cast<std::uint8_t>((info.syn_seen ? 0x01 : 0) | (info.server.port == 443 ? 0x02 : 0) |
                                        (info.client.ip.family == 6 ? 0x20 : 0));
  }
  void on_tcp(reassembly::FlowId id, const reassembly::TcpEvent& ev) override {
    if (Flow* f = find(id))
      f->ops.push_back(static_cast<std::uint8_t>(0x0c | index(ev.dir) | (static_cast<int>(ev.kind) << 4)));
  }
  bool on_data(reassembly::FlowId id, reassembly::Direction dir, std::span<const std::uint8_t> bytes,
               Timestamp, std::uint64_t) override {
    Flow* f = find(id);
    if (!f) return false;
    Bytes& kept = f->dir_bytes[index(dir)];
    const std::size_t room = kMaxDirectionBytes - kept.size();
    bytes = bytes.first(std::min(room, bytes.size()));
    for (std::size_t at = 0; at < bytes.size(); at += 0xffff) {
      const std::size_t n = std::min<std::size_t>(0xffff, bytes.size() - at);
      f->ops.push_back(static_cast<std::uint8_t>(index(dir)));
      put_be(f->ops, static_cast<std::uint32_t>(n), 2);
      f->ops.insert(f->ops.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at),
                    bytes.begin() + static_cast<std::ptrdiff_t>(at + n));
    }
    kept.insert(kept.end(), bytes.begin(), bytes.end());
    return kept.size() < kMaxDirectionBytes;
  }
  void on_gap(reassembly::FlowId id, reassembly::Direction dir, std::uint64_t missing, reassembly::GapKind,
              Timestamp) override {
    if (Flow* f = find(id)) {
      f->ops.push_back(static_cast<std::uint8_t>(0x0a | index(dir)));
      put_be(f->ops, static_cast<std::uint32_t>(std::min<std::uint64_t>(missing, 1u << 24) - 1), 3);
    }
  }
  void on_close(reassembly::FlowId id, reassembly::CloseReason why, Timestamp,
                const reassembly::FlowStats&) override {
    if (Flow* f = find(id)) {
      f->flags = static_cast<std::uint8_t>(f->flags | (static_cast<int>(why) << 2));
      f->done = true;
    }
  }
  void on_end(Timestamp) override {}

  std::map<reassembly::FlowId, Flow> flows;

 private:
  Flow* find(reassembly::FlowId id) {
    auto it = flows.find(id);
    return it == flows.end() || it->second.done ? nullptr : &it->second;
  }
  std::size_t max_flows_;
};

// Handshake and alert bodies in one direction's bytes, for the client_hello target.
void hello_seeds(const Bytes& stream, SeedWriter& out, const std::string& stem) {
  std::size_t n = 0;
  auto emit = [&](std::uint8_t sel, const std::uint8_t* body, std::size_t len) {
    Bytes seed{sel};
    seed.insert(seed.end(), body, body + len);
    out.add("client_hello", stem + "-" + std::to_string(n++), seed);
  };
  if (tls::looks_like_sslv2_client_hello(stream)) {
    std::size_t len = 0;
    const std::size_t header = tls::read_sslv2_header(stream, len);
    if (header && header + len <= stream.size()) emit(4, stream.data() + header, len);
    return;
  }
  Bytes handshake;
  std::size_t at = 0;
  tls::RecordHeader h;
  while (tls::read_record_header(std::span(stream).subspan(at), h) && tls::plausible_record_header(h) &&
         at + tls::kRecordHeaderSize + h.length <= stream.size()) {
    const std::uint8_t* payload = stream.data() + at + tls::kRecordHeaderSize;
    if (h.content_type == tls::content_type::kHandshake) handshake.insert(handshake.end(), payload, payload + h.length);
    if (h.content_type == tls::content_type::kAlert && h.length == 2) emit(7, payload, 2);
    if (h.content_type == tls::content_type::kChangeCipherSpec) break;  // the rest is encrypted
    at += tls::kRecordHeaderSize + h.length;
  }
  for (std::size_t m = 0; m + 4 <= handshake.size();) {
    const std::uint8_t type = handshake[m];
    const std::size_t len = (std::size_t{handshake[m + 1]} << 16) | (std::size_t{handshake[m + 2]} << 8) | handshake[m + 3];
    if (m + 4 + len > handshake.size()) break;
    const std::uint8_t* body = handshake.data() + m + 4;
    switch (type) {
      case 1: emit(0, body, len); break;
      case 2: emit(1, body, len); break;
      case 11: {
        emit(2, body, len);
        // The same chain as a TLS 1.3 Certificate: empty context, entries with no extensions.
        Bytes entries;
        for (std::size_t c = 3; c + 3 <= len;) {
          const std::size_t clen = (std::size_t{body[c]} << 16) | (std::size_t{body[c + 1]} << 8) | body[c + 2];
          if (c + 3 + clen > len) break;
          entries.insert(entries.end(), body + c, body + c + 3 + clen);
          put_be(entries, 0, 2);
          c += 3 + clen;
        }
        Bytes tls13{0};
        put_be(tls13, static_cast<std::uint32_t>(entries.size()), 3);
        tls13.insert(tls13.end(), entries.begin(), entries.end());
        emit(3, tls13.data(), tls13.size());
        break;
      }
      case 12: emit(6, body, len); break;
      case 13: emit(5, body, len); break;
      default: break;
    }
    m += 4 + len;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: tlsdiag_fuzz_make_seeds OUT_DIR [--max-flows N] capture...\n";
    return 2;
  }
  SeedWriter out(argv[1]);
  std::size_t max_flows = 3;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--max-flows" && i + 1 < argc) {
      max_flows = std::stoul(argv[++i]);
      continue;
    }
    const fs::path path(arg);
    const std::string stem = path.stem().string();
    capture::FileSource source(arg);
    if (auto err = source.open()) {
      std::cerr << "skip: " << err->message << "\n";
      continue;
    }
    FlowRecorder flows(max_flows);
    reassembly::StreamTable streams(flows);
    net::PacketDecoder decoder(streams);
    PacketTap tap(decoder);
    if (auto err = source.run(tap)) std::cerr << "note: " << err->message << "\n";

    if (fs::file_size(path) <= kMaxPcapSeed) {
      std::ifstream f(path, std::ios::binary);
      Bytes image((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      out.add("pcap_file", stem, image);
    }

    int sel = -1;
    for (std::size_t k = 0; k < fuzz::kLinkTypeCount; ++k)
      if (fuzz::kLinkTypes[k] == tap.link_type) sel = static_cast<int>(k);
    if (sel < 0 && tap.link_type >= 16 && tap.link_type < 0x80) sel = tap.link_type;
    if (sel >= 0) {
      for (std::size_t k = 0; k < std::min(kSinglePackets, tap.frames.size()); ++k) {
        Bytes seed{static_cast<std::uint8_t>(sel)};
        seed.insert(seed.end(), tap.frames[k].begin(), tap.frames[k].end());
        out.add("packet", stem + "-" + std::to_string(k), seed);
      }
      Bytes seq{static_cast<std::uint8_t>(sel | 0x80)};
      for (std::size_t k = 0; k < tap.frames.size(); ++k) {
        const std::size_t len = std::min<std::size_t>(tap.frames[k].size(), 0x7fff);
        put_be(seq, static_cast<std::uint32_t>(len | (tap.cut[k] ? 0x8000 : 0)), 2);
        seq.insert(seq.end(), tap.frames[k].begin(), tap.frames[k].begin() + static_cast<std::ptrdiff_t>(len));
      }
      out.add("packet", stem + "-seq", seq);
    }

    std::size_t n = 0;
    for (const auto& [id, f] : flows.flows) {
      Bytes seed{f.flags};
      seed.insert(seed.end(), f.ops.begin(), f.ops.end());
      const std::string name = stem + "-flow" + std::to_string(n++);
      out.add("tls_stream", name, seed);
      hello_seeds(f.dir_bytes[0], out, name + "-c");
      hello_seeds(f.dir_bytes[1], out, name + "-s");
    }
  }
  for (const auto& [target, count] : out.written()) std::cout << target << ": " << count << " seeds\n";
  return 0;
}
