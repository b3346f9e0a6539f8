#!/usr/bin/env bash
# Produce the real-traffic sample captures under samples/: real TLS stacks (OpenSSL, GnuTLS,
# Python ssl, curl, OpenJDK) talking over loopback, captured with tcpdump, one scenario per file.
#
#   scripts/make-samples.sh            # every scenario
#   scripts/make-samples.sh 'tls13-'   # only scenarios whose name matches the (ERE) pattern
#
# Needs root (tcpdump on lo, one raw-socket injector). Servers bind to 127.0.0.1 / ::1 only, ports
# 20000-20999; every process started here is stopped by its PID; every client runs under `timeout`.
# The expectations (samples/*.expected.json) are written by hand from how each scenario is built
# and checked against tshark's dissection; scripts/samples/check_expected.py re-checks them after
# every run so a rerun that changes what is on the wire is noticed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/samples
H=$ROOT/scripts/samples
ONLY=${1:-.}
START_TIME=$(date +%s)

# ---------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------
install_deps() {
  local need=() p
  for p in tcpdump openssl gnutls-bin python3 curl tshark iproute2; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  # Any JDK 17+ will do (openjdk-17-jdk-headless is what default-jdk-headless brings on Debian 12).
  command -v javac >/dev/null 2>&1 || need+=(default-jdk-headless)
  if ((${#need[@]})); then
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}
install_deps

# Run the captures in a private network namespace when the kernel lets us: only its own lo exists
# there, so nothing of anybody else's loopback traffic can leak into a capture, a server that
# cannot be told where to bind (gnutls-serv listens on every address) is still reachable only from
# inside, the packet injector cannot disturb anything, and lo's MTU can be changed for one scenario.
if [[ -z ${TLSDIAG_SAMPLES_NETNS:-} ]]; then
  if unshare -n true 2>/dev/null; then
    exec unshare -n env TLSDIAG_SAMPLES_NETNS=1 "$0" "$@"
  fi
  TLSDIAG_SAMPLES_NETNS=0
  echo "note: no private network namespace (unshare -n failed); using the host's lo and skipping" \
       "the scenarios that need one" >&2
fi
NETNS=$TLSDIAG_SAMPLES_NETNS
if ((NETNS)); then ip link set lo up; fi

WORK=$(mktemp -d /tmp/tlsdiag-samples.XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ -n ${KEEP:-} ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

# spawn VAR CMD...: start CMD in the background, remember its PID in PIDS and in $VAR.
spawn() {
  local __var=$1; shift
  "$@" &
  local __pid=$!
  PIDS+=("$__pid")
  printf -v "$__var" '%s' "$__pid"
}

# stop PID...: stop processes we started, by PID, and reap them.
stop() {
  local p
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
}

# wait_listen PORT: until something listens on PORT (checked with ss, never by connecting, so the
# capture holds only the scenario's own connections).
wait_listen() {
  local port=$1 _
  for _ in $(seq 1 100); do
    if [[ -n $(ss -Hltn "sport = :$port") ]]; then return 0; fi
    sleep 0.05
  done
  log "nothing listens on port $port"; return 1
}

# cap_start NAME PORT [tcpdump options...]: capture 'tcp port PORT' (or $CAP_FILTER) on lo into
# samples/NAME.pcap.
CAP_PID=
CAP_FILE=
cap_start() {
  local name=$1 port=$2; shift 2
  local opts=("$@")
  ((${#opts[@]})) || opts=(-i lo)
  CAP_FILE=$OUT/$name.pcap
  rm -f "$CAP_FILE" "$OUT/$name.pcapng"
  spawn CAP_PID tcpdump "${opts[@]}" -Z root --immediate-mode -U -s 0 -w "$CAP_FILE" "${CAP_FILTER:-tcp port $port}" 2>"$WORK/$name.tcpdump.log"
  local _
  for _ in $(seq 1 100); do
    grep -q 'listening on' "$WORK/$name.tcpdump.log" 2>/dev/null && { sleep 0.2; return 0; }
    sleep 0.05
  done
  log "tcpdump did not start for $name"; cat "$WORK/$name.tcpdump.log" >&2; return 1
}

# cap_stop: let the last packets land, stop tcpdump, check the file holds packets.
cap_stop() {
  sleep 0.3
  kill -INT "$CAP_PID" 2>/dev/null || true
  wait "$CAP_PID" 2>/dev/null || true
  local n
  n=$(tcpdump -r "$CAP_FILE" -nn 2>/dev/null | wc -l)
  if ((n == 0)); then log "EMPTY capture $CAP_FILE"; return 1; fi
  log "  $(basename "$CAP_FILE"): $n packets, $(stat -c %s "$CAP_FILE") bytes"
}

want() { [[ $1 =~ $ONLY ]]; }

PKI=$WORK/pki
log "making throwaway PKI in $PKI"
"$H/make-certs.sh" "$PKI" >/dev/null
CA=$PKI/ca.crt


# ---------------------------------------------------------------------------------------------
# Scenario primitives
#   begin NAME PORT [tcpdump options]   start the capture (default: -i lo), set $P and $N
#   srv CMD...                          start a server in the background, wait until $P listens
#   srv_on PORT CMD...                  the same for another port
#   cli CMD...                          run a client under `timeout 10`, output to the log
#   end_                                stop the capture, then the servers; check the capture
# ---------------------------------------------------------------------------------------------
P=
N=
SRV_PIDS=()
SKIPPED=()
begin() {
  N=$1 P=$2; shift 2
  SRV_PIDS=()
  log "== $N"
  cap_start "$N" "$P" "$@"
}
srv_on() {
  local port=$1; shift
  local spid
  spawn spid "$@" </dev/null >>"$WORK/$N.server.log" 2>&1
  SRV_PIDS+=("$spid")
  wait_listen "$port"
}
srv() { srv_on "$P" "$@"; }
cli() { timeout "${CLI_TIMEOUT:-10}" "$@" >>"$WORK/$N.client.log" 2>&1 || true; }
end_() {
  cap_stop
  stop "${SRV_PIDS[@]}"
  SRV_PIDS=()
}
# needs_netns NAME: false (and noted) when the scenario needs the private namespace we lack.
needs_netns() {
  if ((NETNS)); then return 0; fi
  SKIPPED+=("$1"); log "skipping $1 (needs a private network namespace)"; return 1
}

# Client stdin: `talk` writes a line for the echo server, then EOF after a pause, so the client
# closes cleanly (close_notify) once the reply is in; `hold` writes nothing and keeps stdin open
# for a while (a client that fails the handshake exits before that). The line is long enough that
# its record (> 40 bytes) cannot be mistaken for an alert; the Python and Java clients send a
# short one (a 36-byte record) on purpose.
LINE='hello from the tlsdiag sample client'
talk() { printf '%s\n' "$LINE"; exec sleep "${1:-0.6}"; }
hold() { exec sleep "${1:-1.5}"; }
# cli_in "WRITER [ARG]" CMD...: run client CMD with WRITER's output as stdin (through a FIFO, so a
# client that exits early is not kept waiting for the writer, which is then stopped by its PID).
cli_in() {
  local writer=$1; shift
  local fifo=$WORK/stdin.fifo wpid
  rm -f "$fifo"; mkfifo "$fifo"
  # shellcheck disable=SC2086
  $writer >"$fifo" &
  wpid=$!
  cli "$@" <"$fifo"
  kill "$wpid" 2>/dev/null || true
  wait "$wpid" 2>/dev/null || true
  rm -f "$fifo"
}

SSRV=(openssl s_server -quiet -naccept 1)
GOOD=(-cert "$PKI/good.crt" -key "$PKI/good.key")
VERIFY=(-CAfile "$CA" -verify_return_error -verify_hostname localhost -servername localhost)
PYSRV=(python3 "$H/tls_server.py")
PYCLI=(python3 "$H/tls_client.py")
mkdir -p "$WORK/java"
javac -d "$WORK/java" "$H/TlsClient.java"
JAVACLI=(java -cp "$WORK/java" TlsClient)
GNUTLS_CLI=(gnutls-cli --x509cafile="$CA")
LEGACY=(-cipher 'DEFAULT@SECLEVEL=0')

# =============================================================================================
# Successful handshakes
# =============================================================================================
if want tls12-ok-openssl; then
  begin tls12-ok-openssl 20010
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -tls1_2
  cli_in talk openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_2
  end_
fi

if want tls13-ok-openssl; then
  begin tls13-ok-openssl 20011
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev
  cli_in talk openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}"
  end_
fi

if want tls13-ok-gnutls && needs_netns tls13-ok-gnutls; then
  begin tls13-ok-gnutls 20012
  srv gnutls-serv -q --echo -p $P --x509certfile="$PKI/good.crt" --x509keyfile="$PKI/good.key"
  cli_in talk "${GNUTLS_CLI[@]}" -p $P 127.0.0.1 --sni-hostname localhost --verify-hostname localhost
  end_
fi

if want tls12-ok-gnutls-openssl; then
  begin tls12-ok-gnutls-openssl 20013
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev
  cli_in talk "${GNUTLS_CLI[@]}" -p $P 127.0.0.1 --sni-hostname localhost --verify-hostname localhost \
    --priority NORMAL:-VERS-TLS1.3
  end_
fi

if want tls13-ok-python; then
  begin tls13-ok-python 20014
  srv "${PYSRV[@]}" --port $P --cert "$PKI/good.crt" --key "$PKI/good.key"
  cli "${PYCLI[@]}" --port $P --ca "$CA"
  end_
fi

if want tls12-ok-curl; then
  begin tls12-ok-curl 20015
  srv "${PYSRV[@]}" --port $P --mode http --cert "$PKI/good.crt" --key "$PKI/good.key" --max 1.2
  cli curl -sS --cacert "$CA" --resolve localhost:$P:127.0.0.1 https://localhost:$P/
  end_
fi

if want tls13-ok-java; then
  begin tls13-ok-java 20016
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev
  CLI_TIMEOUT=60 cli "${JAVACLI[@]}" 127.0.0.1 $P localhost "$CA"
  end_
fi

if want tls12-ok-java-python; then
  begin tls12-ok-java-python 20017
  srv "${PYSRV[@]}" --port $P --cert "$PKI/good.crt" --key "$PKI/good.key"
  CLI_TIMEOUT=60 cli "${JAVACLI[@]}" 127.0.0.1 $P localhost "$CA" TLSv1.2
  end_
fi

# Session resumption: a full handshake that saves the session, then a second connection that
# resumes it (TLS 1.2: session ticket / abbreviated handshake; TLS 1.3: PSK).
if want tls12-resumed-openssl; then
  begin tls12-resumed-openssl 20020
  srv "${SSRV[@]/-naccept 1/}" -naccept 2 -accept 127.0.0.1:$P "${GOOD[@]}" -rev -tls1_2
  cli_in "talk 0.5" openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_2 -sess_out "$WORK/$N.sess"
  cli_in "talk 0.5" openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_2 -sess_in "$WORK/$N.sess"
  end_
fi

if want tls13-resumed-openssl; then
  begin tls13-resumed-openssl 20021
  srv "${SSRV[@]/-naccept 1/}" -naccept 2 -accept 127.0.0.1:$P "${GOOD[@]}" -rev
  cli_in "talk 0.5" openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -sess_out "$WORK/$N.sess"
  cli_in "talk 0.5" openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -sess_in "$WORK/$N.sess"
  end_
fi

# HelloRetryRequest: the client's only key share is P-256, the server takes X25519 only.
if want tls13-hrr-openssl; then
  begin tls13-hrr-openssl 20022
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -groups X25519
  cli_in talk openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -groups P-256:X25519
  end_
fi

# A ClientHello of ~1.4 KB (every TLS 1.2 suite, an ffdhe8192 key share) over a 1280-byte MTU
# (IPv6's minimum, common on tunnels): the client's own TCP stack splits it into two segments.
if want tls13-big-clienthello && needs_netns tls13-big-clienthello; then
  # GSO off (one segment per packet), or lo would carry the whole hello as one super-packet.
  ip link set lo mtu 1280 gso_max_segs 1
  begin tls13-big-clienthello 20023
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev
  cli_in talk openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -groups ffdhe8192:X25519 \
    -cipher 'ALL:@SECLEVEL=0'
  end_
  ip link set lo mtu 65536 gso_max_segs 65535
fi

# The ClientHello written 50 bytes at a time with TCP_NODELAY: one hello, many segments.
if want tls13-split-clienthello; then
  begin tls13-split-clienthello 20024
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev
  cli "${PYCLI[@]}" --port $P --ca "$CA" --mode chunked --chunk 50
  end_
fi

if want tls13-ok-ipv6; then
  begin tls13-ok-ipv6 20025
  srv "${SSRV[@]}" -accept '[::1]':$P "${GOOD[@]}" -rev
  cli_in talk openssl s_client -connect '[::1]':$P "${VERIFY[@]}"
  end_
fi

# =============================================================================================
# Version, cipher, group
# =============================================================================================
# The client offers at most TLS 1.1; the server wants TLS 1.2 or newer -> server protocol_version.
if want tls11-client-vs-tls12-server; then
  begin tls11-client-vs-tls12-server 20030
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -min_protocol TLSv1.2
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_1 "${LEGACY[@]}"
  end_
fi

# The server is capped at TLS 1.0 (legacy settings). A TLS 1.2-only client (no supported_versions
# extension, legacy_version 1.2) gets a TLS 1.0 ServerHello and refuses it -> client
# protocol_version.
if want tls10-server-vs-tls12-client; then
  begin tls10-server-vs-tls12-client 20031
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -tls1 "${LEGACY[@]}"
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_2
  end_
fi

# The same server against a default OpenSSL client, which offers TLS 1.0-1.3: the server picks
# TLS 1.0, and the client, at Debian's default security level, refuses the server's MD5+SHA1
# ServerKeyExchange signature ("legacy sigalg disallowed") with an internal_error alert.
if want tls10-server-vs-default-client; then
  begin tls10-server-vs-default-client 20029
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -tls1 "${LEGACY[@]}"
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}"
  end_
fi

# TLS 1.2 only, server takes only a static-RSA AES-256 suite, client offers only ECDHE AES-128.
if want tls12-no-shared-cipher; then
  begin tls12-no-shared-cipher 20032
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -tls1_2 -cipher AES256-GCM-SHA384
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
  end_
fi

# TLS 1.3, the server accepts only X25519, the client offers only P-384 (no HRR possible).
if want tls13-no-shared-group; then
  begin tls13-no-shared-group 20033
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -groups X25519
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -groups P-384
  end_
fi

# =============================================================================================
# Certificates. TLS 1.2: the client's alert is in clear. TLS 1.3: it is encrypted.
# =============================================================================================
cert_case() {  # cert_case NAME PORT LEAF VERSION-FLAG [client extra...]
  local name=$1 port=$2 leaf=$3 ver=$4; shift 4
  want "$name" || return 0
  begin "$name" "$port"
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -cert "$PKI/$leaf.crt" -key "$PKI/$leaf.key" -rev $ver
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" $ver "$@"
  end_
}
cert_case tls12-cert-expired-openssl     20034 expired    -tls1_2
cert_case tls12-cert-untrusted-openssl   20035 selfsigned -tls1_2
cert_case tls12-cert-wronghost-openssl   20036 wronghost  -tls1_2
cert_case tls12-cert-notyetvalid-openssl 20037 future     -tls1_2
cert_case tls12-cert-revoked-openssl     20039 revoked    -tls1_2 -CRL "$PKI/crl.pem" -crl_check
cert_case tls13-cert-expired-openssl     20040 expired    -tls1_3

# Missing intermediate: the leaf is signed by an intermediate CA the server does not send; curl
# trusts only the root.
if want tls12-cert-missing-intermediate-curl; then
  begin tls12-cert-missing-intermediate-curl 20038
  srv "${PYSRV[@]}" --port $P --mode http --cert "$PKI/viainter.crt" --key "$PKI/viainter.key" --max 1.2
  cli curl -sS --cacert "$CA" --resolve localhost:$P:127.0.0.1 https://localhost:$P/
  end_
fi

if want tls13-cert-untrusted-python; then
  begin tls13-cert-untrusted-python 20041
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -cert "$PKI/selfsigned.crt" -key "$PKI/selfsigned.key" -rev
  cli "${PYCLI[@]}" --port $P --ca "$CA"
  end_
fi

if want tls13-cert-wronghost-curl; then
  begin tls13-cert-wronghost-curl 20042
  srv "${PYSRV[@]}" --port $P --mode http --cert "$PKI/wronghost.crt" --key "$PKI/wronghost.key"
  cli curl -sS --cacert "$CA" --resolve localhost:$P:127.0.0.1 https://localhost:$P/
  end_
fi

if want tls12-cert-untrusted-java; then
  begin tls12-cert-untrusted-java 20043
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -cert "$PKI/selfsigned.crt" -key "$PKI/selfsigned.key" -rev
  CLI_TIMEOUT=60 cli "${JAVACLI[@]}" 127.0.0.1 $P localhost "$CA" TLSv1.2
  end_
fi

if want tls13-cert-expired-java; then
  begin tls13-cert-expired-java 20044
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -cert "$PKI/expired.crt" -key "$PKI/expired.key" -rev
  CLI_TIMEOUT=60 cli "${JAVACLI[@]}" 127.0.0.1 $P localhost "$CA"
  end_
fi

if want tls12-cert-untrusted-gnutls; then
  begin tls12-cert-untrusted-gnutls 20045
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -cert "$PKI/selfsigned.crt" -key "$PKI/selfsigned.key" -rev
  cli_in hold "${GNUTLS_CLI[@]}" -p $P 127.0.0.1 --sni-hostname localhost --verify-hostname localhost \
    --priority NORMAL:-VERS-TLS1.3
  end_
fi

if want tls13-cert-untrusted-gnutls; then
  begin tls13-cert-untrusted-gnutls 20046
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -cert "$PKI/selfsigned.crt" -key "$PKI/selfsigned.key" -rev
  cli_in hold "${GNUTLS_CLI[@]}" -p $P 127.0.0.1 --sni-hostname localhost --verify-hostname localhost
  end_
fi

if want tls13-cert-wronghost-java; then
  begin tls13-cert-wronghost-java 20047
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -cert "$PKI/wronghost.crt" -key "$PKI/wronghost.key" -rev
  CLI_TIMEOUT=60 cli "${JAVACLI[@]}" 127.0.0.1 $P localhost "$CA"
  end_
fi

# =============================================================================================
# Weak key exchange: a TLS 1.2 server (Python ssl at SECLEVEL 0) offering only DHE with a
# 1024-bit group.
# =============================================================================================
# GnuTLS with the MEDIUM profile (>= 2048-bit DH) refuses with insufficient_security.
if want tls12-weak-dh-gnutls; then
  begin tls12-weak-dh-gnutls 20048
  srv "${PYSRV[@]}" --port $P --cert "$PKI/good.crt" --key "$PKI/good.key" --max 1.2 \
    --ciphers 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0' --dhparams "$H/dh1024.pem"
  cli_in hold "${GNUTLS_CLI[@]}" -p $P 127.0.0.1 --sni-hostname localhost --verify-hostname localhost \
    --priority 'NORMAL:%PROFILE_MEDIUM:-VERS-TLS1.3:-KX-ALL:+DHE-RSA'
  end_
fi

# OpenSSL at Debian's default SECLEVEL 2 refuses the same group ("dh key too small") but says
# only handshake_failure.
if want tls12-weak-dh-openssl; then
  begin tls12-weak-dh-openssl 20049
  srv "${PYSRV[@]}" --port $P --cert "$PKI/good.crt" --key "$PKI/good.key" --max 1.2 \
    --ciphers 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0' --dhparams "$H/dh1024.pem"
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256
  end_
fi

# =============================================================================================
# Client certificate, SNI, ALPN, fallback
# =============================================================================================
if want tls12-client-cert-required; then
  begin tls12-client-cert-required 20050
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -Verify 1 -CAfile "$CA" -tls1_2
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_2
  end_
fi

if want tls13-client-cert-required; then
  begin tls13-client-cert-required 20051
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -Verify 1 -CAfile "$CA"
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}"
  end_
fi

if want tls12-sni-rejected; then
  begin tls12-sni-rejected 20053
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -tls1_2 -servername localhost -servername_fatal \
    -cert2 "$PKI/good.crt" -key2 "$PKI/good.key"
  cli_in hold openssl s_client -connect 127.0.0.1:$P -CAfile "$CA" -tls1_2 -servername www.example.org
  end_
fi

if want tls13-alpn-mismatch; then
  begin tls13-alpn-mismatch 20054
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -alpn h2
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -alpn http/1.1
  end_
fi

# A client retrying with TLS 1.1 after a "failed" attempt signals TLS_FALLBACK_SCSV; the server
# supports TLS 1.2+ (and, at SECLEVEL 0, TLS 1.1 too), so it refuses: inappropriate_fallback.
if want tls11-fallback-scsv; then
  begin tls11-fallback-scsv 20055
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev "${LEGACY[@]}"
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_1 -fallback_scsv "${LEGACY[@]}"
  end_
fi

# =============================================================================================
# Wrong protocol on a port, resets, silence
# =============================================================================================
if want http-to-tls-port; then
  begin http-to-tls-port 20056
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev
  cli curl -sS -m 3 http://127.0.0.1:$P/
  end_
fi

if want tls-to-http-port; then
  begin tls-to-http-port 20057
  srv python3 -m http.server --bind 127.0.0.1 --directory "$WORK" $P
  cli curl -sS -m 3 --cacert "$CA" --resolve localhost:$P:127.0.0.1 https://localhost:$P/
  end_
fi

if want tls-to-ssh-port; then
  begin tls-to-ssh-port 20058
  srv "${PYSRV[@]}" --port $P --mode banner
  cli_in "hold 1" openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}"
  end_
fi

if want server-reset-after-clienthello; then
  begin server-reset-after-clienthello 20059
  srv "${PYSRV[@]}" --port $P --mode rst
  cli_in "hold 1" openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}"
  end_
fi

# The server accepts and never says a word; curl gives up after 2 s. The capture stops before the
# server is stopped, so it holds no server FIN.
if want server-no-response; then
  begin server-no-response 20060
  srv "${PYSRV[@]}" --port $P --mode silent
  cli curl -sS -m 2 --cacert "$CA" --resolve localhost:$P:127.0.0.1 https://localhost:$P/
  end_
fi

# A server that hangs after its ServerHello (a relay holds back the rest of the real server's
# flight); curl gives up after 2 s and closes without an alert.
if want client-abort-stalled-server; then
  begin client-abort-stalled-server 20065
  srv_on 20066 "${SSRV[@]}" -accept 127.0.0.1:20066 "${GOOD[@]}" -rev -tls1_2
  srv python3 "$H/slow_relay.py" --port $P --to 20066 --pass-records 1
  cli curl -sS -m 2 --cacert "$CA" --resolve localhost:$P:127.0.0.1 https://localhost:$P/
  end_
fi

# A ClientHello with a damaged length field (made by Python's ssl, one length byte bumped) ->
# the server (OpenSSL) answers decode_error.
if want tls-malformed-clienthello; then
  begin tls-malformed-clienthello 20061
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev
  cli "${PYCLI[@]}" --port $P --mode corrupt --damage cipher-length
  end_
fi

# TLS 1.3 external PSK, right identity, wrong key: the server's binder check fails; OpenSSL 3.0
# answers illegal_parameter.
if want tls13-psk-wrong-key; then
  begin tls13-psk-wrong-key 20062
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -nocert -rev -psk_identity alice -psk 0102030405060708
  cli_in hold openssl s_client -connect 127.0.0.1:$P -tls1_3 -psk_identity alice -psk 0102030405060799
  end_
fi

# Neither side speaks TLS: an SSH banner answered by a plain line.
if want non-tls-ssh; then
  begin non-tls-ssh 20063
  srv "${PYSRV[@]}" --port $P --mode banner
  printf 'SSH-2.0-OpenSSH_9.2p1\r\n' | CLI_TIMEOUT=3 cli python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.recv(256); s.sendall(sys.stdin.buffer.read()); s.recv(256); s.close()' $P
  end_
fi

# A middlebox resets the connection: the server (silent) never answers; a forged RST+ACK "from the
# server", with IP TTL 47 where the real server's packets carry 64, kills the client right after
# its ClientHello.
if want network-injected-reset && needs_netns network-injected-reset; then
  begin network-injected-reset 20064
  srv "${PYSRV[@]}" --port $P --mode silent
  spawn INJ timeout 15 python3 "$H/inject_rst.py" --port $P --ttl 47 >"$WORK/$N.inject.log" 2>&1
  for _ in $(seq 1 100); do grep -q ready "$WORK/$N.inject.log" && break; sleep 0.05; done
  cli_in "hold 1" openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}"
  wait "$INJ" || true
  end_
fi

# =============================================================================================
# Many concurrent flows of mixed outcomes against two servers (Python ssl, threaded): A on 20070
# with a good certificate, B on 20071 with an expired one. Clients (quick-starting ones: OpenSSL,
# GnuTLS, curl) start 0.5 s apart, so the order of first packets is fixed, and each holds its
# connection ~2 s, so several overlap.
# =============================================================================================
many_flows() {
  CAP_FILTER='tcp port 20070 or tcp port 20071' begin many-flows-mixed 20070
  local PA=20070 PB=20071 spec pid
  srv_on $PA "${PYSRV[@]}" --port $PA --cert "$PKI/good.crt" --key "$PKI/good.key"
  srv_on $PB "${PYSRV[@]}" --port $PB --cert "$PKI/expired.crt" --key "$PKI/expired.key"
  MF_CLIENTS=()
  for _ in 1 2; do
    for spec in "$PA ok13" "$PA ok12" "$PB cert12" "$PA oldver" "$PA nocipher" \
                "$PB cert13g" "$PA alpn13" "$PA http" "$PB ok13" "$PA ok13"; do
      # shellcheck disable=SC2086
      mf $spec >>"$WORK/$N.client.log" 2>&1
      sleep 0.5
    done
  done
  for pid in "${MF_CLIENTS[@]}"; do wait "$pid" 2>/dev/null || true; done
  end_
}
mf() {  # mf PORT KIND: start one client of the given kind in the background
  local port=$1 kind=$2 pid
  local v="-CAfile $CA -servername localhost"
  case $kind in
    ok13)     spawn pid sh -c "{ printf '%s\\n' '$LINE'; sleep 2; } | timeout 10 openssl s_client -connect 127.0.0.1:$port $v -verify_return_error -verify_hostname localhost" ;;
    ok12)     spawn pid sh -c "{ printf '%s\\n' '$LINE'; sleep 2; } | timeout 10 openssl s_client -connect 127.0.0.1:$port $v -verify_return_error -verify_hostname localhost -tls1_2" ;;
    oldver)   spawn pid sh -c "sleep 2 | timeout 10 openssl s_client -connect 127.0.0.1:$port $v -tls1_1 -cipher DEFAULT@SECLEVEL=0" ;;
    nocipher) spawn pid sh -c "sleep 2 | timeout 10 openssl s_client -connect 127.0.0.1:$port $v -tls1_2 -cipher AES128-SHA256" ;;
    cert12)   spawn pid sh -c "sleep 2 | timeout 10 openssl s_client -connect 127.0.0.1:$port $v -verify_return_error -verify_hostname localhost -tls1_2" ;;
    cert13g)  spawn pid sh -c "sleep 2 | timeout 10 gnutls-cli --x509cafile=$CA -p $port 127.0.0.1 --sni-hostname localhost --verify-hostname localhost" ;;
    http)     spawn pid timeout 10 curl -sS -m 3 "http://127.0.0.1:$port/" ;;
    alpn13)   spawn pid sh -c "{ printf '%s\\n' '$LINE'; sleep 2; } | timeout 10 openssl s_client -connect 127.0.0.1:$port $v -verify_return_error -verify_hostname localhost -alpn h2,http/1.1" ;;
  esac
  MF_CLIENTS+=("$pid")
}
# Client start-up time varies on a busy machine; if the order of first packets came out other
# than planned (checked against the expectation with tshark), capture again.
if want many-flows-mixed; then
  for try in 1 2 3; do
    many_flows
    if [[ ! -f $OUT/many-flows-mixed.expected.json ]] || \
       python3 "$H/check_expected.py" check "$OUT" many-flows-mixed >/dev/null; then break; fi
    log "  flows came out in another order; again ($try)"
  done
fi

# =============================================================================================
# TLS key logs: the same kinds of handshakes, with the secrets the real stacks wrote (NSS key log
# format) next to the capture as samples/NAME.keylog, for `tlsdiag analyze --keylog`. OpenSSL
# (s_client/s_server -keylogfile, and under curl and Python) writes a secret when it installs the
# key, so a client that gives up in the middle of the server's flight has logged only
# SERVER_HANDSHAKE_TRAFFIC_SECRET; GnuTLS (SSLKEYLOGFILE) logs both handshake secrets at once.
# =============================================================================================
# keylog_start: samples/$N.keylog in $KL, removed first (every stack appends to an existing file).
# keylog_end [MIN]: after end_, the key log must hold at least MIN (default 1) secret lines.
KL=
keylog_start() { KL=$OUT/$N.keylog; rm -f "$KL"; }
keylog_end() {
  local min=${1:-1} n
  n=$(grep -cE '^[A-Z0-9_]+ [0-9a-fA-F]{64} [0-9a-fA-F]+$' "$KL" 2>/dev/null || true)
  [[ -f $KL ]] || : >"$KL"
  log "  $(basename "$KL"): ${n:-0} secrets"
  if ((${n:-0} < min)); then log "too few secrets in $KL (want $min)"; return 1; fi
}

if want tls13-ok-openssl-keylog; then
  begin tls13-ok-openssl-keylog 20090; keylog_start
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev
  cli_in talk openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -keylogfile "$KL"
  end_; keylog_end 5
fi

# curl (OpenSSL) rejects the self-signed certificate in the middle of the server's flight: its
# unknown_ca goes out in clear, and its key log holds only the server's handshake secret.
if want tls13-cert-untrusted-curl-keylog; then
  begin tls13-cert-untrusted-curl-keylog 20091; keylog_start
  srv "${PYSRV[@]}" --port $P --mode http --cert "$PKI/selfsigned.crt" --key "$PKI/selfsigned.key"
  cli env SSLKEYLOGFILE="$KL" curl -sS --cacert "$CA" --resolve localhost:$P:127.0.0.1 https://localhost:$P/
  end_; keylog_end
fi

# GnuTLS encrypts its bad_certificate under the client handshake secret.
if want tls13-cert-untrusted-gnutls-keylog; then
  begin tls13-cert-untrusted-gnutls-keylog 20098; keylog_start
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -cert "$PKI/selfsigned.crt" -key "$PKI/selfsigned.key" -rev
  cli_in hold env SSLKEYLOGFILE="$KL" "${GNUTLS_CLI[@]}" -p $P 127.0.0.1 --sni-hostname localhost \
    --verify-hostname localhost
  end_; keylog_end 2
fi

if want tls13-cert-expired-python-keylog; then
  begin tls13-cert-expired-python-keylog 20092; keylog_start
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -cert "$PKI/expired.crt" -key "$PKI/expired.key" -rev
  cli "${PYCLI[@]}" --port $P --ca "$CA" --keylog "$KL"
  end_; keylog_end
fi

if want tls13-cert-wronghost-gnutls-keylog; then
  begin tls13-cert-wronghost-gnutls-keylog 20093; keylog_start
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -cert "$PKI/wronghost.crt" -key "$PKI/wronghost.key" -rev
  cli_in hold env SSLKEYLOGFILE="$KL" "${GNUTLS_CLI[@]}" -p $P 127.0.0.1 --sni-hostname localhost \
    --verify-hostname localhost
  end_; keylog_end 2
fi

# The server's CertificateRequest (in its encrypted flight) gets an empty Certificate; the server's
# certificate_required goes out after its Finished, under its application traffic secret.
if want tls13-client-cert-required-keylog; then
  begin tls13-client-cert-required-keylog 20094; keylog_start
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -Verify 1 -CAfile "$CA"
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -keylogfile "$KL"
  end_; keylog_end 5
fi

# TLS 1.2, AES-128-GCM, the client rejects the self-signed server certificate. Neither side gets
# as far as a master secret, so s_client's key log holds only its header comment: nothing to
# decrypt (and nothing encrypted: the alert is in clear before any ChangeCipherSpec).
if want tls12-cert-untrusted-keylog-gcm; then
  begin tls12-cert-untrusted-keylog-gcm 20095; keylog_start
  srv "${SSRV[@]}" -accept 127.0.0.1:$P -cert "$PKI/selfsigned.crt" -key "$PKI/selfsigned.key" -rev -tls1_2
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_2 \
    -cipher ECDHE-RSA-AES128-GCM-SHA256 -keylogfile "$KL"
  end_; keylog_end 0
fi

# TLS 1.2 (AES-256-GCM), the other way round: the server rejects the client's self-signed
# certificate, after the client's whole flight (ClientKeyExchange, CCS, encrypted Finished): the
# client's key log (CLIENT_RANDOM) decrypts its Finished; the server's unknown_ca is in clear.
if want tls12-client-cert-untrusted-keylog-gcm; then
  begin tls12-client-cert-untrusted-keylog-gcm 20099; keylog_start
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -tls1_2 -Verify 1 -verify_return_error -CAfile "$CA"
  cli_in hold openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_2 \
    -cert "$PKI/selfsigned.crt" -key "$PKI/selfsigned.key" -keylogfile "$KL"
  end_; keylog_end
fi

# TLS 1.2 (GCM): curl finishes the handshake, then checks the host name and closes with an
# encrypted close_notify.
if want tls12-cert-wronghost-curl-keylog-gcm; then
  begin tls12-cert-wronghost-curl-keylog-gcm 20089; keylog_start
  srv "${PYSRV[@]}" --port $P --mode http --cert "$PKI/wronghost.crt" --key "$PKI/wronghost.key" --max 1.2
  cli env SSLKEYLOGFILE="$KL" curl -sS --cacert "$CA" --resolve localhost:$P:127.0.0.1 https://localhost:$P/
  end_; keylog_end
fi

# TLS 1.2 with a CBC suite (OpenSSL negotiates encrypt_then_mac for it), data, close_notify both
# ways, all in encrypted records.
if want tls12-ok-keylog-cbc; then
  begin tls12-ok-keylog-cbc 20096; keylog_start
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -tls1_2
  cli_in talk openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_2 -cipher ECDHE-RSA-AES128-SHA \
    -keylogfile "$KL"
  end_; keylog_end
fi

# Two connections of the same failure (gnutls-cli vs a self-signed certificate), the key log
# holding the secrets of the first only.
if want tls13-keylog-partial; then
  begin tls13-keylog-partial 20097; keylog_start
  srv "${SSRV[@]/-naccept 1/}" -naccept 2 -accept 127.0.0.1:$P -cert "$PKI/selfsigned.crt" \
    -key "$PKI/selfsigned.key" -rev
  cli_in hold env SSLKEYLOGFILE="$KL" "${GNUTLS_CLI[@]}" -p $P 127.0.0.1 --sni-hostname localhost \
    --verify-hostname localhost
  cli_in hold "${GNUTLS_CLI[@]}" -p $P 127.0.0.1 --sni-hostname localhost --verify-hostname localhost
  end_; keylog_end 2
fi

# =============================================================================================
# Capture oddities, made from good captures or captured differently
# =============================================================================================
# pcapng (editcap), same traffic as tls13-ok-openssl.
if want tls13-ok-pcapng; then
  log "== tls13-ok-pcapng"
  editcap -F pcapng "$OUT/tls13-ok-openssl.pcap" "$OUT/tls13-ok-pcapng.pcapng"
fi

# Linux cooked capture v2: tcpdump on the "any" pseudo-interface.
if want tls12-ok-sll2; then
  begin tls12-ok-sll2 20080 -i any -y LINUX_SLL2
  srv "${SSRV[@]}" -accept 127.0.0.1:$P "${GOOD[@]}" -rev -tls1_2
  cli_in talk openssl s_client -connect 127.0.0.1:$P "${VERIFY[@]}" -tls1_2
  end_
fi

# 802.1Q-tagged (VLAN 100) copy of tls12-ok-openssl, and an 802.1ad + 802.1Q (QinQ) copy of
# tls12-cert-expired-openssl.
if want tls12-ok-vlan; then
  log "== tls12-ok-vlan"
  python3 "$H/pcap_tool.py" vlan "$OUT/tls12-ok-openssl.pcap" "$OUT/tls12-ok-vlan.pcap" --tag 0x8100:100
fi
if want tls12-cert-expired-qinq; then
  log "== tls12-cert-expired-qinq"
  python3 "$H/pcap_tool.py" vlan "$OUT/tls12-cert-expired-openssl.pcap" "$OUT/tls12-cert-expired-qinq.pcap" \
    --tag 0x88a8:200 --tag 0x8100:100
fi

# Reordered and duplicated segments: tls13-split-clienthello with its 3rd and 4th ClientHello
# segments swapped, its 6th segment and the server's first data segment duplicated.
if want tls13-reordered-duplicated; then
  log "== tls13-reordered-duplicated"
  python3 "$H/pcap_tool.py" reorder "$OUT/tls13-split-clienthello.pcap" "$OUT/tls13-reordered-duplicated.pcap" \
    --port 20024 --swap c3,c4 --dup c6 --dup s1
fi

# Snaplen 96: every packet cut after 30 bytes of TCP payload (tls12-ok-openssl).
if want tls12-snaplen96; then
  log "== tls12-snaplen96"
  editcap -s 96 "$OUT/tls12-ok-openssl.pcap" "$OUT/tls12-snaplen96.pcap"
fi

# The non-tls-ssh conversation as if it had run on 443, the HTTPS port (SSH tunnelled through a
# firewall that only lets 443 out): non-TLS traffic where TLS is expected. Port 443 cannot be
# used live here (servers stay in 20000-20999), so the capture's port is renamed.
if want non-tls-on-https-port; then
  log "== non-tls-on-https-port"
  python3 "$H/pcap_tool.py" ports "$OUT/non-tls-ssh.pcap" "$OUT/non-tls-on-https-port.pcap" --map 20063:443
fi

# Only one direction captured (client -> server) of tls12-ok-openssl.
if want tls12-one-direction; then
  log "== tls12-one-direction"
  python3 "$H/pcap_tool.py" onesided "$OUT/tls12-ok-openssl.pcap" "$OUT/tls12-one-direction.pcap" --port 20010
fi

# ---------------------------------------------------------------------------------------------
# Every expectation against tshark's view of its capture.
# ---------------------------------------------------------------------------------------------
if [[ $ONLY == . ]]; then
  python3 "$H/check_expected.py" check "$OUT" || { log "expectations do not hold (see above)"; exit 1; }
fi
END_TIME=$(date +%s)
log "done in $((END_TIME - START_TIME)) s${SKIPPED[*]:+; skipped: ${SKIPPED[*]}}"
