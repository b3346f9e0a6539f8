#include "tlsdiag/net/endpoint.h"

#include <arpa/inet.h>

namespace tlsdiag::net {

std::string to_string(const IpAddress& ip) {
  char buf[INET6_ADDRSTRLEN] = {};
  const int af = ip.family == 6 ? AF_INET6 : AF_INET;
  if (inet_ntop(af, ip.bytes.data(), buf, sizeof buf) == nullptr) return "?";
  return buf;
}

std::string to_string(const Endpoint& ep) {
  if (ep.ip.family == 6) return "[" + to_string(ep.ip) + "]:" + std::to_string(ep.port);
  return to_string(ep.ip) + ":" + std::to_string(ep.port);
}

}  // namespace tlsdiag::net
