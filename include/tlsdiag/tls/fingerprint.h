#pragma once
// Client and server fingerprints of the hellos: pure functions of the parsed messages
// (messages.h), computed by the reports for the flows they print, never on the packet path.
//
//   JA3 / JA3S   salesforce/ja3 (BSD-3): decimal fields, '-' within a field, ',' between fields,
//                MD5 of that string. GREASE (RFC 8701) is left out of the JA3 ciphers,
//                extensions and curves; JA3S keeps every server extension, as the reference
//                scripts (ja3s.py, ja3s.zeek) and tshark do.
//   JA4          FoxIO's JA4 for the ClientHello (BSD-3; technical_details/JA4.md). Only JA4:
//                JA4S, JA4X and the rest of JA4+ are under a licence that restricts their use.
//
// SSLv2: tshark 4.0 and ja3.py give no JA3 for an SSLv2-format CLIENT-HELLO (RFC 5246 §E.2) and
// no JA3S for an SSLv2 SERVER-HELLO, so these functions return nullopt there too. JA4 names SSL 2.0
// ("s2") and is computed from what the SSLv2 hello offers: its version, no SNI, no extensions, and
// the cipher specs that are TLS suites (those of the form 0x00XXXX), as tlsdiag lists them.
#include <optional>
#include <string>
#include <string_view>

#include "tlsdiag/tls/messages.h"

namespace tlsdiag::tls {

// A fingerprint: the string that was hashed and its (possibly truncated) lower-case hex hash.
// JA3/JA3S: raw is "771,4865-4866,0-23,29-23,0" and hash its MD5. JA4: raw is JA4_r
// ("t13d1516h2_002f,...,cca9_0005,...,ff01_0403,...") and hash is JA4
// ("t13d1516h2_8daaf6152771_e5627efa2ab1").
struct Fingerprint {
  std::string raw;
  std::string hash;
};

// JA3 of a ClientHello: SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
// with SSLVersion = legacy_version. nullopt for an SSLv2-format hello.
std::optional<Fingerprint> ja3(const ClientHello& hello);

// JA3S of a ServerHello: SSLVersion,Cipher,Extensions with SSLVersion = legacy_version (0x0303
// for TLS 1.3). nullopt for an SSLv2 SERVER-HELLO.
std::optional<Fingerprint> ja3s(const ServerHello& hello);

// JA4 (hash) and JA4_r (raw) of a ClientHello over TCP. Remembered per thread for the last few
// hundred distinct hellos (the fields JA4 reads, compared whole); ja4_uncached computes it afresh.
Fingerprint ja4(const ClientHello& hello);
Fingerprint ja4_uncached(const ClientHello& hello);

// The JA4_a part's two ALPN characters ("h2" for "h2", "h1" for "http/1.1", "00" for none).
std::string ja4_alpn(std::string_view first_protocol);

// Lower-case hex digests of |text| (libcrypto EVP); empty if this OpenSSL lacks the algorithm.
std::string md5_hex(std::string_view text);
std::string sha256_hex(std::string_view text);

}  // namespace tlsdiag::tls
