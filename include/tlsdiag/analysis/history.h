#pragma once
// History letters, compatible with Zeek's ssl_history: one letter per plaintext message, in order;
// upper case = client, lower case = server.
//   H hello_request        C client_hello         S server_hello        V hello_verify_request
//   T new_session_ticket   X certificate          K server_key_exchange R certificate_request
//   N server_hello_done    Y certificate_verify   G client_key_exchange F finished (plaintext)
//   W certificate_url      U certificate_status   A supplemental_data   Z other handshake type
//   I change_cipher_spec   B heartbeat            D application_data (plaintext) E end_of_early_data
//   O encrypted_extensions P key_update           M message_hash        J hello_retry_request
//   L alert (plaintext)    Q unknown content type
// Encrypted records add no letter (Zeek does the same); their counts and sizes are in the flow.
#include <cstdint>

#include "tlsdiag/reassembly/flow.h"

namespace tlsdiag::analysis {

char handshake_letter(std::uint8_t handshake_type);

inline constexpr char kLetterClientHello = 'C';
inline constexpr char kLetterServerHello = 'S';
inline constexpr char kLetterHelloRetry = 'J';
inline constexpr char kLetterCertificate = 'X';
inline constexpr char kLetterServerKeyExchange = 'K';
inline constexpr char kLetterCertificateRequest = 'R';
inline constexpr char kLetterChangeCipherSpec = 'I';
inline constexpr char kLetterAlert = 'L';

// Upper case for the client, lower case for the server.
char history_letter(char upper, reassembly::Direction sender);

}  // namespace tlsdiag::analysis
