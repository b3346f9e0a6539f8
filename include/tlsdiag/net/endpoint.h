#pragma once
// IpAddress / Endpoint: an IPv4 or IPv6 address (and TCP port), comparable and hashable.
#include <array>
#include <compare>
#include <cstdint>
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

// "192.0.2.1", "2001:db8::1" (RFC 5952 compressed form, via inet_ntop).
std::string to_string(const IpAddress& ip);
// "192.0.2.1:443", "[2001:db8::1]:443".
std::string to_string(const Endpoint& ep);

}  // namespace tlsdiag::net
