// TLS 1.3 record protection (RFC 8446 §5.2-5.3, §7.1, §7.3). TLS 1.0-1.2 is in
// tls12_protection.cpp; the libcrypto wrappers and the suite table are in record_crypto.*.
#include "tlsdiag/tls/record_protection.h"

#include <utility>

#include "tls/record_crypto.h"
#include "tlsdiag/util/byte_reader.h"

namespace tlsdiag::tls {
namespace {

using crypto::ByteSpan;
using crypto::Bytes;

constexpr std::size_t kTls13IvLength = 12;  // RFC 8446 §5.3: iv_length = max(8, N_MIN) = 12

// Record protection of one direction under one traffic secret.
class Tls13Decryptor final : public RecordDecryptor {
 public:
  Tls13Decryptor(crypto::Aead aead, Bytes iv, std::size_t tag_length)
      : aead_(std::move(aead)), iv_(std::move(iv)), tag_length_(tag_length) {}

  std::optional<Plaintext> decrypt(const RecordHeader& header, std::span<const std::uint8_t> payload) override {
    // RFC 8446 §5.2: encrypted_record = AEAD output, the tag at its end; the inner plaintext
    // holds at least its content type byte.
    if (header.length != payload.size() || payload.size() < tag_length_ + 1) return std::nullopt;
    ByteReader reader(payload);
    std::span<const std::uint8_t> ciphertext, tag;
    reader.read_bytes(payload.size() - tag_length_, ciphertext);
    reader.read_bytes(tag_length_, tag);
    if (!reader.done()) return std::nullopt;
    // RFC 8446 §5.2: additional_data = the record header as sent.
    const std::uint8_t aad[] = {header.content_type, static_cast<std::uint8_t>(header.version >> 8),
                                static_cast<std::uint8_t>(header.version),
                                static_cast<std::uint8_t>(header.length >> 8),
                                static_cast<std::uint8_t>(header.length)};
    const auto nonce = crypto::xor_nonce(iv_, seq_);
    Bytes inner;
    if (!aead_.open(nonce, aad, ciphertext, tag, inner)) return std::nullopt;
    return unpad(std::move(inner));
  }

 private:
  // RFC 8446 §5.4: TLSInnerPlaintext = content || ContentType type || zeros; the type is the
  // last nonzero byte. All zeros is an unexpected_message, not a record.
  std::optional<Plaintext> unpad(Bytes inner) {
    while (!inner.empty() && inner.back() == 0) inner.pop_back();
    if (inner.empty()) return std::nullopt;
    Plaintext out;
    out.content_type = inner.back();
    inner.pop_back();
    out.bytes = std::move(inner);
    ++seq_;
    return out;
  }

  crypto::Aead aead_;
  Bytes iv_;
  std::size_t tag_length_;
};

// RFC 8446 §7.1:
//   struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; } HkdfLabel;
Bytes hkdf_label(std::string_view label, ByteSpan context, std::size_t length) {
  constexpr std::string_view kPrefix = "tls13 ";
  Bytes out;
  out.reserve(4 + kPrefix.size() + label.size() + context.size());
  out.push_back(static_cast<std::uint8_t>(length >> 8));
  out.push_back(static_cast<std::uint8_t>(length));
  out.push_back(static_cast<std::uint8_t>(kPrefix.size() + label.size()));
  out.insert(out.end(), kPrefix.begin(), kPrefix.end());
  out.insert(out.end(), label.begin(), label.end());
  out.push_back(static_cast<std::uint8_t>(context.size()));
  out.insert(out.end(), context.begin(), context.end());
  return out;
}

}  // namespace

std::vector<std::uint8_t> hkdf_expand_label(std::uint16_t tls13_suite, std::span<const std::uint8_t> secret,
                                            std::string_view label, std::span<const std::uint8_t> context,
                                            std::size_t length) {
  const auto params = crypto::suite_params(tls13_suite);
  // The vector sizes of HkdfLabel bound label, context and length; RFC 5869 bounds the output.
  if (!params || !params->tls13 || label.size() > 255 - 6 || context.size() > 255 || length > 0xffff ||
      length > 255u * params->hash_length)
    return {};
  return crypto::hkdf_expand(params->prf_digest, secret, hkdf_label(label, context, length), length);
}

std::unique_ptr<RecordDecryptor> RecordDecryptor::tls13(std::uint16_t suite,
                                                        std::span<const std::uint8_t> traffic_secret) {
  const auto params = crypto::suite_params(suite);
  if (!params || !params->tls13 || traffic_secret.size() != params->hash_length) return nullptr;
  // RFC 8446 §7.3: [sender]_write_key / _iv = HKDF-Expand-Label(Secret, "key" / "iv", "", length).
  const Bytes key = hkdf_expand_label(suite, traffic_secret, "key", {}, params->bulk->key_length);
  Bytes iv = hkdf_expand_label(suite, traffic_secret, "iv", {}, kTls13IvLength);
  if (key.empty() || iv.empty()) return nullptr;
  auto aead = crypto::Aead::create(params->bulk->evp_name, key, params->bulk->tag_length);
  if (!aead) return nullptr;
  return std::make_unique<Tls13Decryptor>(std::move(*aead), std::move(iv), params->bulk->tag_length);
}

}  // namespace tlsdiag::tls
