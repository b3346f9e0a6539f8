#pragma once
// IpAddress / Endpoint: an IPv4 or IPv6 address (and TCP port), comparable and hashable.
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>

namespace tlsdiag::net {

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4 bytes, the rest stay zero
  std::uint8_t family = 4;               // 4 or 6
  auto operator<=>(const IpAddress&) const = default;
};

struct Endpoint {
  IpAddress ip;
  std::uint16_t port = 0;
  auto operator<=>(const Endpoint&) const = default;
};

// Hashes for unordered containers: the address as two 64-bit words, mixed (multiply-xorshift).
struct IpAddressHash {
  std::size_t operator()(const IpAddress& ip) const noexcept {
    std::uint64_t a = 0, b = 0;
    std::memcpy(&a, ip.bytes.data(), sizeof a);
    std::memcpy(&b, ip.bytes.data() + sizeof a, sizeof b);
    return mix(a ^ mix(b ^ ip.family));
  }
  static std::size_t mix(std::uint64_t x) noexcept {
    x *= 0x9e3779b97f4a7c15ULL;
    return static_cast<std::size_t>(x ^ (x >> 29));
  }
};
struct EndpointHash {
  std::size_t operator()(const Endpoint& ep) const noexcept {
    return IpAddressHash{}(ep.ip) ^ IpAddressHash::mix(ep.port + 1);
  }
};

// "192.0.2.1", "2001:db8::1" (RFC 5952 compressed form, via inet_ntop).
std::string to_string(const IpAddress& ip);
// "192.0.2.1:443", "[2001:db8::1]:443".
std::string to_string(const Endpoint& ep);

}  // namespace tlsdiag::net
