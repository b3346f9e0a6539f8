#include "cap_options.h"

#include "byte_size.h"

namespace tlsdiag::app {

namespace po = boost::program_options;

namespace {
// RFC 8446 §4: a handshake message's length is 24 bits; a larger cap could never be hit.
constexpr std::size_t kLargestHandshakeMessage = std::size_t{16} << 20;
}  // namespace

void add_cap_options(po::options_description& desc, CapOptions& o) {
  desc.add_options()
      ("max-reassembly-buffer", po::value(&o.reassembly_buffer)->default_value(o.reassembly_buffer),
       "out-of-order bytes held per direction of a flow; past it the earliest hole is given up as a gap")
      ("max-out-of-order-segments", po::value(&o.out_of_order_segments)->default_value(o.out_of_order_segments),
       "out-of-order segments held per direction of a flow; past it, the same")
      ("max-handshake-message", po::value(&o.handshake_message)->default_value(o.handshake_message),
       "longest handshake message assembled and parsed; a longer one is skipped (oversized_message)")
      ("max-certificates", po::value(&o.certificates)->default_value(o.certificates),
       "certificates kept per chain (certificate_count still counts all)")
      ("max-extensions", po::value(&o.extensions)->default_value(o.extensions),
       "extensions parsed per hello; more is an extensions_error");
}

std::optional<Caps> parse_caps(const CapOptions& o, std::string& error) {
  const std::optional<std::size_t> buffer = parse_byte_size(o.reassembly_buffer);
  const std::optional<std::size_t> message = parse_byte_size(o.handshake_message);
  if (!buffer || !message) {
    const bool bad_buffer = !buffer;
    error = std::string(bad_buffer ? "--max-reassembly-buffer" : "--max-handshake-message") + ": not a size: '" +
            (bad_buffer ? o.reassembly_buffer : o.handshake_message) + "' (e.g. 64K, 1M)";
    return std::nullopt;
  }
  // A cap of 0 would drop everything it bounds: a typo, not a wish.
  if (*buffer == 0 || o.out_of_order_segments == 0 || *message == 0 || o.certificates == 0 || o.extensions == 0) {
    error = "--max-reassembly-buffer, --max-out-of-order-segments, --max-handshake-message, "
            "--max-certificates and --max-extensions must be at least 1";
    return std::nullopt;
  }
  if (*message > kLargestHandshakeMessage) {
    error = "--max-handshake-message: at most 16M (a handshake length is 24 bits)";
    return std::nullopt;
  }
  Caps caps;
  caps.reassembly.max_buffered_bytes_per_direction = *buffer;
  caps.reassembly.max_out_of_order_segments = o.out_of_order_segments;
  caps.tls.max_handshake_message = static_cast<std::uint32_t>(*message);
  caps.tls.max_certificates = o.certificates;
  caps.tls.max_extensions = o.extensions;
  return caps;
}

}  // namespace tlsdiag::app
