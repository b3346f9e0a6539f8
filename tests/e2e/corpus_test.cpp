// Corpus test: runs `tlsdiag analyze --format json` over every trace catalogued in
// ../shared/corpus/zeek/catalog.json and checks, flow by flow, what the catalog states about it
// (tshark 4.0 per-flow dissection and Zeek's ssl.log baseline rows).
//
// One test case per trace file. Flows are matched by client/server IP and port. Every field that
// differs from the catalog must be listed in tests/e2e/corpus_known_differences.json with the
// reason, after looking at the packets:
//   who_is_right = "tlsdiag"      the catalog (Zeek or tshark) is wrong; the difference is expected
//                  "ambiguous"    both readings are defensible; expected
//                  "out_of_scope" the catalog sees TLS that tlsdiag does not decode by design
//                                 (tunnels, TLS inside WebSocket / FTP ADAT); expected
//                  "catalog"      tlsdiag is wrong: a known bug, still reported as a failure
//                  "neither"      both are wrong; a failure until tlsdiag is fixed
// A difference that is not listed fails with a ready-to-paste JSON entry.
//
// Environment: TLSDIAG_CORPUS (see support/paths.h) overrides the corpus directory;
// TLSDIAG_CORPUS_DIFFS=FILE appends every difference found (JSON lines) to FILE;
// TLSDIAG_CORPUS_BINARY=PATH runs that tlsdiag instead of the one built with the tests.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/paths.h"
#include "support/run_command.h"
#include "tlsdiag/tls/registry.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Loading

fs::path known_differences_path() {
  return tlsdiag::test::source_dir() / "tests" / "e2e" / "corpus_known_differences.json";
}

json read_json_file(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return json();
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

const json& catalog() {
  static const json cat = [] {
    auto dir = tlsdiag::test::zeek_corpus_dir();
    if (!dir) return json();
    return read_json_file(*dir / "catalog.json");
  }();
  return cat;
}

const json* catalog_entry(const std::string& file) {
  const json& cat = catalog();
  if (!cat.is_array()) return nullptr;
  for (const auto& e : cat)
    if (e.value("file", "") == file) return &e;
  return nullptr;
}

// Parameters: every catalogued file name; one placeholder when there is no corpus.
constexpr const char* kNoCorpus = "no_corpus";

std::vector<std::string> trace_files() {
  std::vector<std::string> out;
  const json& cat = catalog();
  if (cat.is_array())
    for (const auto& e : cat) out.push_back(e.value("file", ""));
  if (out.empty()) out.emplace_back(kNoCorpus);
  return out;
}

std::string case_name(const testing::TestParamInfo<std::string>& info) {
  std::string s;
  for (char c : info.param) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return s;
}

tlsdiag::test::CommandResult run_tlsdiag(const fs::path& capture) {
  using tlsdiag::test::shell_quote;
  fs::path binary = tlsdiag::test::tlsdiag_binary();
  if (const char* b = std::getenv("TLSDIAG_CORPUS_BINARY"); b != nullptr && *b) binary = b;
  return tlsdiag::test::run_command(
      shell_quote(binary.string()) + " analyze --format json " + shell_quote(capture.string()), /*keep_stderr=*/true);
}

// ---------------------------------------------------------------------------------------------
// Normalising catalog spellings to tlsdiag's (names only; no semantic mapping)

std::string norm_ip(const std::string& ip) {
  unsigned char raw[16];
  char text[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, ip.c_str(), raw) == 1 && inet_ntop(AF_INET, raw, text, sizeof text))
    return text;
  if (inet_pton(AF_INET6, ip.c_str(), raw) == 1 && inet_ntop(AF_INET6, raw, text, sizeof text))
    return text;
  return ip;
}

std::string flow_key(const std::string& cip, long cport, const std::string& sip, long sport) {
  return norm_ip(cip) + ":" + std::to_string(cport) + " -> " + norm_ip(sip) + ":" +
         std::to_string(sport);
}

long to_port(const json& v) {
  if (v.is_number_integer()) return v.get<long>();
  if (v.is_string()) {
    try {
      return std::stol(v.get<std::string>());
    } catch (...) {
    }
  }
  return -1;
}

// tshark/Zeek version spellings -> tlsdiag's ("TLS 1.2", "TLS 1.3 (draft 16)"). Unknown
// spellings (Zeek's "unknown-32257") are returned unchanged.
json norm_version(const json& v) {
  if (!v.is_string()) return nullptr;
  std::string s = v.get<std::string>();
  if (s == "-" || s.empty()) return nullptr;
  static const std::map<std::string, std::string> plain = {
      {"SSLv2", "SSL 2.0"},    {"SSLv3", "SSL 3.0"},    {"TLSv10", "TLS 1.0"},
      {"TLSv11", "TLS 1.1"},   {"TLSv12", "TLS 1.2"},   {"TLSv13", "TLS 1.3"},
      {"DTLSv10", "DTLS 1.0"}, {"DTLSv12", "DTLS 1.2"}, {"DTLSv13", "DTLS 1.3"},
      {"GREASE", "GREASE"}};
  if (auto it = plain.find(s); it != plain.end()) return it->second;
  if (s.rfind("TLSv13-draft", 0) == 0) return "TLS 1.3 (draft " + s.substr(12) + ")";
  if (s.rfind("TLSv13-experiment(", 0) == 0 && s.back() == ')')
    return "TLS 1.3 (experimental " + s.substr(18, s.size() - 19) + ")";
  return s;
}

// Ordering for "highest offered": TLS 1.3 drafts and experiments rank with TLS 1.3.
int version_rank(const std::string& v) {
  if (v.rfind("TLS 1.3", 0) == 0) return 0x0304;
  static const std::map<std::string, int> r = {{"SSL 2.0", 0x0200},
                                               {"SSL 3.0", 0x0300},
                                               {"TLS 1.0", 0x0301},
                                               {"TLS 1.1", 0x0302},
                                               {"TLS 1.2", 0x0303}};
  auto it = r.find(v);
  return it == r.end() ? -1 : it->second;
}

// tshark cipher-suite spellings -> IANA/tlsdiag. tshark names some code points IANA leaves
// unnamed ("Reserved to avoid conflicts with widely deployed implementations": 0x0060-0x0066,
// 0xfefe-0xfeff); tlsdiag prints those as hex, as it does every code without an IANA name.
// Only spellings that identify one code point are mapped here; tshark's names for the
// pre-standard ChaCha20 suites 0xcc13/0xcc14 repeat the IANA names of 0xcca8/0xcca9, so those
// stay differences (listed in corpus_known_differences.json).
std::string norm_suite(const std::string& s) {
  static const std::map<std::string, std::string> m = {
      {"Reserved (GREASE)", "GREASE"},
      {"TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", "0x0062"},
      {"TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", "0x0063"},
      {"TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", "0x0064"},
      {"TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA", "0x0065"},
      {"TLS_DHE_DSS_WITH_RC4_128_SHA", "0x0066"},
      {"SSL_RSA_FIPS_WITH_DES_CBC_SHA", "0xfefe"},
      {"SSL_RSA_FIPS_WITH_3DES_EDE_CBC_SHA", "0xfeff"}};
  auto it = m.find(s);
  return it == m.end() ? s : it->second;
}

std::string str_or_empty(const json& v) { return v.is_string() ? v.get<std::string>() : ""; }

// Member of an object, or null when absent (operator[] on a const json must not miss).
const json& member(const json& j, const char* k) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  auto it = j.find(k);
  return it == j.end() ? null_value : *it;
}

// ---------------------------------------------------------------------------------------------
// Known differences and run-wide statistics

struct KnownDifference {
  std::string file, flow, field, who, why;
  json catalog_value, tlsdiag_value;
  bool seen = false;
};

struct Stats {
  int traces_checked = 0;
  int traces_skipped = 0;
  int flows_matched = 0;
  int fields_compared = 0;
  int differences = 0;
  int explained = 0;    // listed; tlsdiag right, ambiguous or out of scope
  int known_bugs = 0;   // listed; tlsdiag wrong
  int unexplained = 0;  // not listed
  std::set<std::string> files_run;
  std::vector<std::string> skipped;
};

Stats& stats() {
  static Stats s;
  return s;
}

// Set when corpus_known_differences.json exists but is not valid JSON of the expected shape.
std::string& known_differences_error() {
  static std::string error;
  return error;
}

std::vector<KnownDifference>& known_differences() {
  static std::vector<KnownDifference> list = [] {
    std::vector<KnownDifference> out;
    const fs::path path = known_differences_path();
    if (!fs::exists(path)) return out;
    const json j = read_json_file(path);
    if (j.is_discarded() || !(j.is_object() || j.is_array()))
      known_differences_error() = path.string() + " is not valid JSON";
    const json& arr = j.is_object() ? j.value("differences", json::array()) : j;
    if (!arr.is_array()) return out;
    for (const auto& e : arr) {
      KnownDifference k;
      k.file = e.value("file", "");
      k.flow = e.value("flow", "");
      k.field = e.value("field", "");
      k.who = e.value("who_is_right", "");
      k.why = e.value("why", "");
      k.catalog_value = e.contains("catalog") ? e["catalog"] : json();
      k.tlsdiag_value = e.contains("tlsdiag") ? e["tlsdiag"] : json();
      out.push_back(std::move(k));
    }
    return out;
  }();
  return list;
}

class CorpusSummary : public testing::Environment {
 public:
  void TearDown() override {
    const Stats& s = stats();
    if (s.files_run.empty() && s.skipped.empty()) return;
    std::ostringstream o;
    o << "\n[corpus] summary: " << s.traces_checked << " traces checked, " << s.traces_skipped
      << " skipped, " << s.flows_matched << " flows matched, " << s.fields_compared
      << " fields compared, " << s.differences << " differences (" << s.explained
      << " explained: tlsdiag right / ambiguous / out of scope; " << s.known_bugs
      << " known tlsdiag bugs; " << s.unexplained << " unexplained)\n";
    for (const auto& sk : s.skipped) o << "[corpus] skipped " << sk << "\n";
    for (const auto& k : known_differences()) {
      if (k.seen || s.files_run.count(k.file) == 0) continue;
      o << "[corpus] note: known difference no longer seen (remove it from "
           "corpus_known_differences.json): "
        << k.file << " " << (k.flow.empty() ? "" : k.flow + " ") << k.field << "\n";
    }
    std::cout << o.str() << std::flush;
  }
};

[[maybe_unused]] testing::Environment* const kSummaryEnv =
    testing::AddGlobalTestEnvironment(new CorpusSummary);

// ---------------------------------------------------------------------------------------------
// Per-trace checker

class TraceChecker {
 public:
  TraceChecker(std::string file, const json& output) : file_(std::move(file)) {
    for (const auto& f : member(output, "flows")) {
      const std::string key = flow_key(str_or_empty(member(member(f, "client"), "ip")),
                                       to_port(member(member(f, "client"), "port")),
                                       str_or_empty(member(member(f, "server"), "ip")),
                                       to_port(member(member(f, "server"), "port")));
      flows_.emplace(key, &f);
    }
  }

  const json* find(const std::string& key) const {
    auto it = flows_.find(key);
    return it == flows_.end() ? nullptr : it->second;
  }

  void mark_matched(const std::string& key) {
    if (matched_.insert(key).second) ++stats().flows_matched;
  }
  const std::map<std::string, const json*>& flows() const { return flows_; }
  const std::set<std::string>& matched() const { return matched_; }

  // Compares one field; on a difference looks it up in the known-differences list.
  void compare(const std::string& flow, const std::string& field, const json& catalog_value,
               const json& tlsdiag_value) {
    ++stats().fields_compared;
    if (catalog_value == tlsdiag_value) return;
    ++stats().differences;
    json entry = {{"file", file_},
                  {"flow", flow},
                  {"field", field},
                  {"catalog", catalog_value},
                  {"tlsdiag", tlsdiag_value}};
    if (const char* path = std::getenv("TLSDIAG_CORPUS_DIFFS"); path != nullptr && *path) {
      std::ofstream(path, std::ios::app) << entry.dump() << "\n";
    }
    for (auto& k : known_differences()) {
      if (k.file != file_ || k.field != field) continue;
      if (!k.flow.empty() && k.flow != flow) continue;
      if (k.catalog_value != catalog_value || k.tlsdiag_value != tlsdiag_value) continue;
      k.seen = true;
      if (k.who != "tlsdiag" && k.who != "ambiguous" && k.who != "out_of_scope" &&
          k.who != "catalog" && k.who != "neither") {
        ADD_FAILURE() << "corpus_known_differences.json: unknown who_is_right '" << k.who
                      << "' for " << file_ << " " << field;
      }
      if (k.who != "tlsdiag" && k.who != "ambiguous" && k.who != "out_of_scope") {
        ++stats().known_bugs;
        ADD_FAILURE() << "known tlsdiag bug" << (k.who == "neither" ? " (catalog wrong too)" : "")
                      << ": " << file_ << " " << flow << " " << field
                      << "\n  catalog: " << catalog_value.dump()
                      << "\n  tlsdiag: " << tlsdiag_value.dump() << "\n  why: " << k.why;
      } else {
        ++stats().explained;
        std::cout << "[corpus] expected difference (who_is_right: " << k.who << "): " << file_
                  << " " << flow << " " << field << ": catalog " << catalog_value.dump()
                  << ", tlsdiag " << tlsdiag_value.dump() << "\n";
      }
      return;
    }
    ++stats().unexplained;
    entry["who_is_right"] = "?";
    entry["why"] = "?";
    ADD_FAILURE() << "unexplained difference (look at the packets, then list it in "
                     "tests/e2e/corpus_known_differences.json):\n  "
                  << entry.dump();
  }

 private:
  std::string file_;
  std::map<std::string, const json*> flows_;
  std::set<std::string> matched_;
};

// Highest offered version per tshark: supported_versions (minus GREASE) when present, else
// the ClientHello's legacy version.
json tshark_highest_offered(const json& ch) {
  std::string best;
  for (const auto& v : ch.value("supported_versions", json::array())) {
    const json n = norm_version(v);
    if (!n.is_string() || n == "GREASE") continue;
    if (best.empty() || version_rank(n.get<std::string>()) > version_rank(best))
      best = n.get<std::string>();
  }
  if (!best.empty()) return best;
  return norm_version(ch.value("legacy_version", json()));
}

// Offered suites per tshark as tlsdiag lists them. For an SSLv2-format hello tshark records the
// 3-byte cipher specs; those of the form 0x00XXXX are TLS suites (what tlsdiag lists), the
// others are SSLv2-only kinds with no TLS name.
struct OfferedSuites {
  json listed = json::array();  // the names the catalog lists (it truncates long lists)
  long total = 0;
};

OfferedSuites tshark_offered_suites(const json& ch) {
  OfferedSuites o;
  if (ch.contains("sslv2_cipher_specs")) {
    for (const auto& spec : member(ch, "sslv2_cipher_specs")) {
      const unsigned long v = std::stoul(spec.get<std::string>(), nullptr, 16);
      if ((v >> 16) != 0) continue;
      o.listed.push_back(tlsdiag::tls::cipher_suite_name(static_cast<std::uint16_t>(v)));
    }
    o.total = static_cast<long>(o.listed.size());
    return o;
  }
  for (const auto& c : ch.value("ciphers", json::array())) {
    const std::string s = c.get<std::string>();
    if (s.rfind("... (", 0) == 0) break;  // "... (80 total)"
    o.listed.push_back(norm_suite(s));
  }
  o.total = ch.value("n_ciphers", 0L);
  return o;
}

json alert_list(const json& alerts, bool tshark) {
  json out = json::array();
  for (const auto& a : alerts) {
    std::string s;
    if (tshark) {
      const std::string desc = str_or_empty(member(a, "desc"));
      s = str_or_empty(member(a, "from")) + " " +
          (desc == "encrypted_alert" ? std::string("encrypted")
                                     : str_or_empty(member(a, "level")) + " " + desc);
    } else {
      s = str_or_empty(member(a, "sender")) + " " +
          (a.value("encrypted", false)
               ? std::string("encrypted")
               : str_or_empty(member(a, "level")) + " " + str_or_empty(member(a, "description")));
    }
    out.push_back(s);
  }
  return out;
}

// Plaintext handshake messages per side, as "client ClientHello" strings (sorted, unique):
// from tshark's lists, and from the letters of tlsdiag's Zeek-style history (upper case =
// client, lower case = server; J, the HelloRetryRequest, is a ServerHello to tshark).
json tshark_handshake_messages(const json& tf) {
  std::set<std::string> out;
  for (const auto& m : tf.value("client_plain_handshake_msgs", json::array()))
    out.insert("client " + str_or_empty(m));
  for (const auto& m : tf.value("server_plain_handshake_msgs", json::array()))
    out.insert("server " + str_or_empty(m));
  return json(std::vector<std::string>(out.begin(), out.end()));
}

json history_handshake_messages(const std::string& history) {
  static const std::map<char, std::string> names = {
      {'H', "HelloRequest"},      {'C', "ClientHello"},         {'S', "ServerHello"},
      {'J', "ServerHello"},       {'T', "NewSessionTicket"},    {'X', "Certificate"},
      {'K', "ServerKeyExchange"}, {'R', "CertificateRequest"},  {'N', "ServerHelloDone"},
      {'Y', "CertificateVerify"}, {'G', "ClientKeyExchange"},   {'F', "Finished"},
      {'U', "CertificateStatus"}, {'O', "EncryptedExtensions"}, {'E', "EndOfEarlyData"}};
  std::set<std::string> out;
  for (char c : history) {
    const bool client = std::isupper(static_cast<unsigned char>(c)) != 0;
    auto it = names.find(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (it != names.end()) out.insert(std::string(client ? "client " : "server ") + it->second);
  }
  return json(std::vector<std::string>(out.begin(), out.end()));
}

// Which sides sent a plaintext ChangeCipherSpec (history I / i).
json history_ccs(const std::string& history) {
  json out = json::array();
  if (history.find('I') != std::string::npos) out.push_back("client");
  if (history.find('i') != std::string::npos) out.push_back("server");
  return out;
}

json alpn_selected_tshark(const json& sh) {
  const json a = sh.value("alpn", json::array());
  if (a.is_array() && !a.empty()) return a[0];
  return nullptr;
}

void check_tshark_flow(TraceChecker& tc, const json& tf, const json& zeek_rows) {
  // Mid-stream flows: tshark saw TLS records but no ClientHello.
  if (!tf.contains("orig_h")) {
    const auto eps = tf.value("endpoints", json::array());
    if (eps.size() != 2) return;
    auto split = [](const std::string& ep) {
      auto pos = ep.rfind(':');
      return std::make_pair(ep.substr(0, pos), std::stol(ep.substr(pos + 1)));
    };
    const auto a = split(eps[0].get<std::string>());
    const auto b = split(eps[1].get<std::string>());
    for (const auto& key : {flow_key(a.first, a.second, b.first, b.second),
                            flow_key(b.first, b.second, a.first, a.second)}) {
      if (const json* f = tc.find(key)) {
        tc.mark_matched(key);
        tc.compare(key, "tshark.client_hello", false, !member(*f, "client_hello").is_null());
      }
    }
    return;
  }

  const std::string key =
      flow_key(str_or_empty(member(tf, "orig_h")), to_port(member(tf, "orig_p")),
               str_or_empty(member(tf, "resp_h")), to_port(member(tf, "resp_p")));
  const json* f = tc.find(key);
  const json& ch = tf.value("client_hello", json());
  if (f == nullptr) {
    tc.compare(key, "flow", ch.is_null() ? "flow without ClientHello" : "flow with ClientHello",
               nullptr);
    return;
  }
  tc.mark_matched(key);
  const json& tch = member(*f, "client_hello");
  tc.compare(key, "tshark.client_hello", !ch.is_null(), !tch.is_null());
  if (!ch.is_null() && !tch.is_null()) {
    tc.compare(key, "tshark.client_hello.sni", ch.value("sni", json()), tch.value("sni", json()));
    const OfferedSuites want = tshark_offered_suites(ch);
    const json got_all = tch.value("cipher_suites", json::array());
    // The positions that differ, as {"index": name}, so that a difference reads well.
    json want_diff = json::object(), got_diff = json::object();
    for (size_t i = 0; i < want.listed.size(); ++i) {
      const json got = i < got_all.size() ? got_all[i] : json();
      if (got != want.listed[i]) {
        want_diff[std::to_string(i)] = want.listed[i];
        got_diff[std::to_string(i)] = got;
      }
    }
    tc.compare(key, "tshark.client_hello.cipher_suites", want_diff, got_diff);
    tc.compare(key, "tshark.client_hello.cipher_count", want.total,
               static_cast<long>(got_all.size()));
    tc.compare(key, "tshark.client_hello.version", tshark_highest_offered(ch),
               tch.value("version", json()));
    tc.compare(key, "tshark.client_hello.alpn", ch.value("alpn", json::array()),
               tch.value("alpn", json::array()));
    // tshark's tls.handshake.ja3 (null for an SSLv2-format hello, as tlsdiag's).
    tc.compare(key, "tshark.client_hello.ja3", ch.value("ja3", json()), tch.value("ja3", json()));
  }

  // Second ClientHello after a HelloRetryRequest.
  if (tf.contains("client_hello_2")) {
    const json& ch2 = member(tf, "client_hello_2");
    const json& t2 = member(*f, "second_client_hello");
    tc.compare(key, "tshark.client_hello_2", true, !t2.is_null());
    if (!t2.is_null()) {
      tc.compare(key, "tshark.client_hello_2.cipher_count", ch2.value("n_ciphers", 0L),
                 static_cast<long>(t2.value("cipher_suites", json::array()).size()));
      tc.compare(key, "tshark.client_hello_2.version", tshark_highest_offered(ch2),
                 t2.value("version", json()));
      tc.compare(key, "tshark.client_hello_2.ja3", ch2.value("ja3", json()),
                 t2.value("ja3", json()));
    }
  }

  const json& hrr = tf.value("hello_retry_request", json());
  if (!hrr.is_null()) {
    const json& thrr = member(*f, "hello_retry_request");
    tc.compare(key, "tshark.hello_retry_request", true, !thrr.is_null());
    if (!thrr.is_null())
      tc.compare(key, "tshark.hello_retry_request.cipher_suite", hrr.value("cipher", json()),
                 thrr.value("cipher_suite", json()));
  }

  const json& sh = tf.value("server_hello", json());
  const json& tsh = member(*f, "server_hello");
  tc.compare(key, "tshark.server_hello", !sh.is_null(), !tsh.is_null());
  if (!sh.is_null() && !tsh.is_null()) {
    json want_version = norm_version(sh.value("selected_version", json()));
    if (want_version.is_null()) want_version = norm_version(sh.value("legacy_version", json()));
    tc.compare(key, "tshark.server_hello.version", want_version, tsh.value("version", json()));
    if (!sh.value("sslv2_server_hello", false))
      tc.compare(key, "tshark.server_hello.cipher_suite", sh.value("cipher", json()),
                 tsh.value("cipher_suite", json()));
    tc.compare(key, "tshark.server_hello.alpn", alpn_selected_tshark(sh),
               tsh.value("alpn", json()));
    // tshark's tls.handshake.ja3s; the catalog has none for an SSLv2 SERVER-HELLO.
    tc.compare(key, "tshark.server_hello.ja3s", sh.value("ja3s", json()),
               tsh.value("ja3s", json()));
  }

  if (tf.contains("client_plain_handshake_msgs")) {
    const std::string history = str_or_empty(member(*f, "history"));
    tc.compare(key, "tshark.handshake_messages", tshark_handshake_messages(tf),
               history_handshake_messages(history));
    json ccs = json::array();
    for (const char* side : {"client", "server"})
      for (const auto& c : tf.value("ccs_from", json::array()))
        if (c == side) ccs.push_back(side);
    tc.compare(key, "tshark.ccs_from", ccs, history_ccs(history));
  }
  if (member(tf, "resumed_heuristic").is_boolean())
    tc.compare(key, "tshark.resumed_heuristic", member(tf, "resumed_heuristic"),
               member(*f, "resumed"));

  tc.compare(key, "tshark.alerts", alert_list(tf.value("alerts", json::array()), true),
             alert_list((*f).value("alerts", json::array()), false));

  // Derived from the catalog: a plaintext fatal alert means the handshake failed and its sender
  // rejected it.
  for (const auto& a : tf.value("alerts", json::array())) {
    if (member(a, "level") != "fatal") continue;
    const json& v = member(*f, "verdict");
    tc.compare(key, "derived.verdict.rejected_by", member(a, "from"), member(v, "rejected_by"));
    tc.compare(key, "derived.verdict.status", "failed", member(v, "status"));
    break;
  }

  // established: Zeek's column when Zeek logged the flow (checked with the Zeek row), else the
  // catalog's tshark heuristic.
  bool zeek_has_row = false;
  for (const auto& r : zeek_rows)
    if (r.contains("id.orig_h") &&
        flow_key(str_or_empty(member(r, "id.orig_h")), to_port(member(r, "id.orig_p")),
                 str_or_empty(member(r, "id.resp_h")), to_port(member(r, "id.resp_p"))) == key)
      zeek_has_row = true;
  if (!zeek_has_row && tf.contains("established_heuristic") &&
      member(tf, "established_heuristic").is_boolean())
    tc.compare(key, "tshark.established_heuristic", member(tf, "established_heuristic"),
               (*f).value("established", json()));
}

json zeek_str(const json& v) {
  if (!v.is_string() || v == "-") return nullptr;
  return v;
}

void check_zeek_row(TraceChecker& tc, const json& row) {
  std::string key;
  const json* f = nullptr;
  if (!row.contains("id.orig_h")) {
    // A zeek-cut excerpt without the connection columns: the flow with that SNI.
    const json sni = zeek_str(row.value("server_name", json()));
    key = "(flow with SNI " + (sni.is_null() ? std::string("-") : sni.get<std::string>()) + ")";
    for (const auto& [k, fl] : tc.flows()) {
      if (!sni.is_null() && !member(*fl, "client_hello").is_null() &&
          member(*fl, "client_hello").value("sni", json()) == sni) {
        key = k;
        f = fl;
        break;
      }
    }
  } else if (row.contains("id.orig_p") && row.contains("id.resp_h") && row.contains("id.resp_p")) {
    key = flow_key(str_or_empty(member(row, "id.orig_h")), to_port(member(row, "id.orig_p")),
                   str_or_empty(member(row, "id.resp_h")), to_port(member(row, "id.resp_p")));
    f = tc.find(key);
  } else {
    // An excerpt with some connection columns: the one flow that matches those present.
    int n = 0;
    key = "(flow from " + str_or_empty(member(row, "id.orig_h")) + ")";
    for (const auto& [k, fl] : tc.flows()) {
      const json& c = member(*fl, "client");
      const json& sv = member(*fl, "server");
      if (norm_ip(str_or_empty(member(c, "ip"))) != norm_ip(str_or_empty(member(row, "id.orig_h"))))
        continue;
      if (row.contains("id.orig_p") &&
          to_port(member(c, "port")) != to_port(member(row, "id.orig_p")))
        continue;
      if (row.contains("id.resp_h") && norm_ip(str_or_empty(member(sv, "ip"))) !=
                                           norm_ip(str_or_empty(member(row, "id.resp_h"))))
        continue;
      if (row.contains("id.resp_p") &&
          to_port(member(sv, "port")) != to_port(member(row, "id.resp_p")))
        continue;
      if (++n == 1) {
        key = k;
        f = fl;
      }
    }
    if (n > 1) f = nullptr;
  }
  if (f == nullptr) {
    tc.compare(key, "flow", "logged by Zeek", nullptr);
    return;
  }
  tc.mark_matched(key);
  const json& sh = member(*f, "server_hello");
  const json& ch = member(*f, "client_hello");
  if (row.contains("version"))
    tc.compare(key, "zeek.version", norm_version(member(row, "version")),
               sh.is_null() ? json() : sh.value("version", json()));
  if (row.contains("cipher"))
    tc.compare(key, "zeek.cipher", zeek_str(member(row, "cipher")),
               sh.is_null() ? json() : sh.value("cipher_suite", json()));
  if (row.contains("server_name"))
    tc.compare(key, "zeek.server_name", zeek_str(member(row, "server_name")),
               ch.is_null() ? json() : ch.value("sni", json()));
  if (row.contains("next_protocol"))
    tc.compare(key, "zeek.next_protocol", zeek_str(member(row, "next_protocol")),
               sh.is_null() ? json() : sh.value("alpn", json()));
  if (row.contains("established")) {
    tc.compare(key, "zeek.established", member(row, "established") == "T",
               (*f).value("established", json()));
    // Derived: a handshake Zeek saw complete has the verdict ok.
    if (member(row, "established") == "T")
      tc.compare(key, "derived.verdict.status", "ok", member(member(*f, "verdict"), "status"));
  }
  if (row.contains("resumed"))
    tc.compare(key, "zeek.resumed", member(row, "resumed") == "T", (*f).value("resumed", json()));
  if (row.contains("last_alert")) {
    json last = nullptr;
    for (const auto& a : (*f).value("alerts", json::array()))
      if (!a.value("encrypted", false)) last = a.value("description", json());
    tc.compare(key, "zeek.last_alert", zeek_str(member(row, "last_alert")), last);
  }
  if (row.contains("ssl_history"))
    tc.compare(key, "zeek.ssl_history", zeek_str(member(row, "ssl_history")),
               (*f).value("history", json()));
}

// ---------------------------------------------------------------------------------------------

class CorpusTrace : public testing::TestWithParam<std::string> {};

TEST_P(CorpusTrace, MatchesCatalog) {
  const std::string file = GetParam();
  const auto dir = tlsdiag::test::zeek_corpus_dir();
  if (!dir || file == kNoCorpus)
    GTEST_SKIP() << "no Zeek corpus (../shared/corpus/zeek or $TLSDIAG_CORPUS); corpus test "
                    "skipped";
  const json* entry = catalog_entry(file);
  ASSERT_NE(entry, nullptr) << "catalog.json has no entry for " << file;
  const json& expected = member(*entry, "expected");

  // The catalog's tshark flows; when out-of-order reassembly changes tshark's result, that
  // variant is the reference (tlsdiag reassembles out-of-order segments; tshark 4.0 by default
  // does not, and then misses data that is in the capture).
  const json& tshark = member(expected, "tshark");
  bool ooo = false;
  json tshark_flows = tshark.value("flows", json::array());
  if (tshark.contains("with_reassemble_out_of_order")) {
    tshark_flows = member(tshark, "with_reassemble_out_of_order").value("flows", json::array());
    ooo = true;
  }
  json zeek_rows = json::array();
  if (expected.contains("zeek") && member(expected, "zeek").is_object())
    zeek_rows = member(expected, "zeek").value("ssl_log", json::array());

  std::vector<json> tcp_flows;
  int udp_flows = 0;
  for (const auto& tf : tshark_flows) {
    if (tf.value("transport", "tcp") == "udp")
      ++udp_flows;
    else
      tcp_flows.push_back(tf);
  }
  if (udp_flows > 0 && tcp_flows.empty()) {
    stats().traces_skipped++;
    stats().skipped.push_back(file + ": DTLS over UDP only (" + std::to_string(udp_flows) +
                              " flows); tlsdiag analyses TCP");
    GTEST_SKIP() << file << ": DTLS over UDP only; tlsdiag analyses TCP connections";
  }

  const tlsdiag::test::CommandResult run = run_tlsdiag(*dir / file);
  if (run.exit_code == 2 && file.size() > 3 && file.substr(file.size() - 3) == ".gz" &&
      run.err.find("gzip") != std::string::npos) {
    stats().traces_skipped++;
    stats().skipped.push_back(file + ": gzip-compressed; tlsdiag does not read gzip yet");
    GTEST_SKIP() << file << ": gzip-compressed capture and tlsdiag does not read gzip yet ("
                 << run.err.substr(0, run.err.find('\n')) << ")";
  }
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1)
      << "tlsdiag exit " << run.exit_code << " on " << file << ": " << run.err;
  const json output = json::parse(run.out, nullptr, false);
  ASSERT_TRUE(output.is_object() && output.contains("flows"))
      << "tlsdiag did not print a JSON report for " << file;

  (void)known_differences();
  EXPECT_EQ(known_differences_error(), "");

  stats().traces_checked++;
  stats().files_run.insert(file);
  const int fields_before = stats().fields_compared;
  const int flows_before = stats().flows_matched;
  const int diffs_before = stats().differences;

  TraceChecker tc(file, output);
  for (const auto& tf : tcp_flows) check_tshark_flow(tc, tf, zeek_rows);
  for (const auto& row : zeek_rows) check_zeek_row(tc, row);

  // A trace the catalog says has no TLS (OCSP over HTTP, RDP standard security): tlsdiag must
  // not find a ClientHello either. Also, no tlsdiag flow with a ClientHello that the catalog
  // does not know about.
  for (const auto& [key, f] : tc.flows()) {
    if (tc.matched().count(key) != 0) continue;
    if (member(*f, "client_hello").is_null()) continue;
    tc.compare(key, "flow", nullptr, "flow with ClientHello");
  }
  if (tcp_flows.empty() && zeek_rows.empty()) {
    long hellos = 0;
    for (const auto& [key, f] : tc.flows()) hellos += member(*f, "client_hello").is_null() ? 0 : 1;
    tc.compare("(all)", "client_hellos", 0L, hellos);
  }

  std::cout << "[corpus] " << file << ": " << (stats().flows_matched - flows_before)
            << " flows matched, " << (stats().fields_compared - fields_before)
            << " fields compared, " << (stats().differences - diffs_before) << " differences"
            << (ooo ? " (tshark reference: with tcp.reassemble_out_of_order)" : "")
            << (udp_flows > 0 ? " (UDP/DTLS flows not checked: " + std::to_string(udp_flows) + ")"
                              : std::string())
            << "\n";
}

INSTANTIATE_TEST_SUITE_P(ZeekCorpus, CorpusTrace, testing::ValuesIn(trace_files()), case_name);

}  // namespace
