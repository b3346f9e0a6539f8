// NSS key log parsing (keylog.h). The format has no header and no version: each line stands on
// its own, so a bad line costs only itself and says why in a warning.
#include "tlsdiag/tls/keylog.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>

namespace tlsdiag::tls {
namespace {

struct LabelInfo {
  std::string_view name;
  SecretLabel label;
  bool tls13;  // a TLS 1.3 secret: 32 or 48 bytes (SHA-256 or SHA-384 suites)
};

// NSS key log labels. CLIENT_RANDOM carries the TLS <= 1.2 master secret (48 bytes,
// RFC 5246 §8.1); the rest are RFC 8446 §7.1 secrets, keyed like it by the client random.
constexpr LabelInfo kLabels[] = {
    {"CLIENT_RANDOM", SecretLabel::ClientRandom, false},
    {"CLIENT_EARLY_TRAFFIC_SECRET", SecretLabel::ClientEarlyTraffic, true},
    {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", SecretLabel::ClientHandshakeTraffic, true},
    {"SERVER_HANDSHAKE_TRAFFIC_SECRET", SecretLabel::ServerHandshakeTraffic, true},
    {"CLIENT_TRAFFIC_SECRET_0", SecretLabel::ClientTraffic0, true},
    {"SERVER_TRAFFIC_SECRET_0", SecretLabel::ServerTraffic0, true},
    {"EARLY_EXPORTER_SECRET", SecretLabel::EarlyExporter, true},
    {"EXPORTER_SECRET", SecretLabel::Exporter, true},
};
static_assert(std::size(kLabels) == kSecretLabelCount);

constexpr std::size_t kMasterSecretLength = 48;
constexpr std::size_t kFields = 3;
// The longest real line is about 200 bytes; anything far longer is not a key log line, and
// holding it whole would let one newline-free file take all memory.
constexpr std::size_t kMaxLineLength = 4096;
constexpr std::string_view kSpace = " \t\r\v\f";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";  // some Windows editors start files with it
constexpr std::size_t kMaxShownLabel = 40;

const LabelInfo* find_label(std::string_view name) {
  const auto* it = std::find_if(std::begin(kLabels), std::end(kLabels),
                                [name](const LabelInfo& l) { return l.name == name; });
  return it == std::end(kLabels) ? nullptr : it;
}

std::string_view trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// Splits |line| (trimmed) at runs of blanks into |fields|; returns how many fields it has.
std::size_t split_fields(std::string_view line, std::array<std::string_view, kFields>& fields) {
  std::size_t count = 0;
  while (!line.empty()) {
    const std::size_t end = std::min(line.find_first_of(kSpace), line.size());
    if (count < kFields) fields[count] = line.substr(0, end);
    ++count;
    line = trim(line.substr(end));
  }
  return count;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes upper- or lower-case hex; on failure returns why ("is not hex", ...).
const char* decode_hex(std::string_view text, std::vector<std::uint8_t>& out) {
  out.clear();
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    const int hi = hex_digit(text[i]);
    const int lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) return "is not hex";
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  if (text.size() % 2 != 0) return hex_digit(text.back()) < 0 ? "is not hex" : "has an odd number of hex digits";
  return nullptr;
}

// A label from the file, fit for a one-line message: bounded, control bytes replaced.
std::string shown(std::string_view text) {
  std::string out(text.substr(0, kMaxShownLabel));
  std::replace_if(out.begin(), out.end(), [](char c) { return c < 0x20 || c == 0x7f; }, '?');
  if (text.size() > kMaxShownLabel) out += "...";
  return out;
}

}  // namespace

// Splits text into lines (any chunking: load() feeds it the file piece by piece) and turns each
// into a stored secret or a warning.
class KeyLog::Parser {
 public:
  explicit Parser(KeyLog& log) : log_(log) {}

  void feed(std::string_view data) {
    for (std::size_t nl; (nl = data.find('\n')) != std::string_view::npos; data.remove_prefix(nl + 1)) {
      if (pending_.empty() && !overlong_) {
        line(data.substr(0, nl));
      } else {
        hold(data.substr(0, nl));
        line(pending_);
        pending_.clear();
        overlong_ = false;
      }
    }
    hold(data);
  }

  void finish() {
    if (!pending_.empty() || overlong_) line(pending_);
    if (omitted_ > 0) {
      log_.warnings_.push_back({0, std::to_string(omitted_) + " more warnings not shown (from line " +
                                       std::to_string(first_omitted_) + " on)"});
    }
    if (log_.entries_ == 0 && log_.warnings_.empty())
      log_.warnings_.push_back({0, line_ == 0 ? "the key log is empty" : "no secrets: only comments and blank lines"});
  }

 private:
  void hold(std::string_view piece) {
    if (overlong_ || pending_.size() + piece.size() > kMaxLineLength) {
      overlong_ = true;
      pending_.clear();
      return;
    }
    pending_.append(piece);
  }

  void line(std::string_view text) {
    ++line_;
    if (overlong_ || text.size() > kMaxLineLength)
      return warn("longer than " + std::to_string(kMaxLineLength) + " bytes, not a key log line");
    if (line_ == 1 && text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
    text = trim(text);
    if (text.empty() || text.front() == '#') return;
    std::array<std::string_view, kFields> fields;
    const std::size_t count = split_fields(text, fields);
    if (count != kFields)
      return warn("expected LABEL CLIENT_RANDOM SECRET, found " + std::to_string(count) +
                  (count == 1 ? " field" : " fields"));
    const LabelInfo* label = find_label(fields[0]);
    if (label == nullptr) return unused_label(fields[0]);
    secret_line(*label, fields[1], fields[2]);
  }

  void secret_line(const LabelInfo& label, std::string_view random_hex, std::string_view secret_hex) {
    std::vector<std::uint8_t> bytes;
    if (const char* why = decode_hex(random_hex, bytes)) return warn(std::string("client random ") + why);
    Random random;
    if (bytes.size() != random.size())
      return warn("client random is " + std::to_string(bytes.size()) + " bytes, expected 32");
    std::copy(bytes.begin(), bytes.end(), random.begin());
    if (const char* why = decode_hex(secret_hex, bytes)) return warn(std::string("secret ") + why);
    const bool fits = label.tls13 ? (bytes.size() == 32 || bytes.size() == 48) : bytes.size() == kMasterSecretLength;
    if (!fits) {
      return warn("secret is " + std::to_string(bytes.size()) + " bytes, " + std::string(label.name) + " needs " +
                  (label.tls13 ? "32 or 48" : "48"));
    }
    log_.store(label.label, random, std::move(bytes));
  }

  // Key logs from other tools carry labels this code has no use for (RSA, the updated
  // CLIENT_TRAFFIC_SECRET_N of a KeyUpdate, QUIC's ...): one warning per label, not per line.
  void unused_label(std::string_view name) {
    if (std::find(unused_labels_.begin(), unused_labels_.end(), name) != unused_labels_.end()) return;
    if (unused_labels_.size() < kMaxKeyLogWarnings) unused_labels_.emplace_back(name);
    warn("label " + shown(name) +
         " not used (only CLIENT_RANDOM and the TLS 1.3 handshake, traffic_0 and exporter secrets are); "
         "later lines with it skipped without a warning");
  }

  void warn(const std::string& message) {
    if (kept_ < kMaxKeyLogWarnings) {
      log_.warnings_.push_back({line_, "line " + std::to_string(line_) + ": " + message});
      ++kept_;
    } else if (omitted_++ == 0) {
      first_omitted_ = line_;
    }
  }

  KeyLog& log_;
  std::string pending_;  // a line split across feed() calls
  bool overlong_ = false;
  std::size_t line_ = 0;
  std::size_t kept_ = 0;
  std::size_t omitted_ = 0;
  std::size_t first_omitted_ = 0;
  std::vector<std::string> unused_labels_;
};

KeyLog KeyLog::parse(std::string_view text) {
  KeyLog log;
  Parser parser(log);
  parser.feed(text);
  parser.finish();
  return log;
}

std::optional<KeyLog> KeyLog::load(const std::string& path, std::string& error) {
  struct Close {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Close> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    error = "cannot open " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  KeyLog log;
  Parser parser(log);
  // Piece by piece: a browser's SSLKEYLOGFILE can grow for weeks.
  std::array<char, 64 * 1024> chunk;
  for (std::size_t n; (n = std::fread(chunk.data(), 1, chunk.size(), file.get())) > 0;)
    parser.feed(std::string_view(chunk.data(), n));
  if (std::ferror(file.get())) {  // a directory opens, then fails to read (EISDIR)
    error = "cannot read " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  parser.finish();
  return log;
}

void KeyLog::store(SecretLabel label, const Random& client_random, std::vector<std::uint8_t> secret) {
  auto& slot = by_random_[client_random][static_cast<std::size_t>(label)];
  if (slot.empty()) ++entries_;
  slot = std::move(secret);
}

void KeyLog::merge(const KeyLog& other) {
  if (&other == this) return;
  for (const auto& [random, secrets] : other.by_random_) {
    for (std::size_t i = 0; i < secrets.size(); ++i) {
      if (!secrets[i].empty()) store(static_cast<SecretLabel>(i), random, secrets[i]);
    }
  }
  warnings_.insert(warnings_.end(), other.warnings_.begin(), other.warnings_.end());
}

std::optional<std::span<const std::uint8_t>> KeyLog::find(SecretLabel label, const Random& client_random) const {
  const auto it = by_random_.find(client_random);
  if (it == by_random_.end()) return std::nullopt;
  const auto& secret = it->second[static_cast<std::size_t>(label)];
  if (secret.empty()) return std::nullopt;
  return std::span<const std::uint8_t>(secret);
}

std::size_t KeyLog::entries() const { return entries_; }
std::size_t KeyLog::connections() const { return by_random_.size(); }

// FNV-1a over all 32 bytes: client randoms come off the wire, so no shortcut over a prefix.
std::size_t KeyLog::RandomHash::operator()(const Random& r) const {
  std::uint64_t h = 1469598103934665603ull;
  for (std::uint8_t b : r) h = (h ^ b) * 1099511628211ull;
  return static_cast<std::size_t>(h);
}

}  // namespace tlsdiag::tls
