#!/usr/bin/env bash
# make-test-certs.sh: the X.509 fixtures of tests/unit/analysis/certificate_check_test.cpp.
# Writes DER certificates into tests/data/certs/ (or DIR). Keys live in DIR/keys/ and are made only
# when missing, so a rerun with the committed keys gives byte-identical certificates: fixed dates,
# fixed serials, and RSA PKCS#1 v1.5 signatures (deterministic). Delete DIR/keys/ to start over;
# the fingerprints and key-dependent values in the test must then be updated.
# Usage: scripts/make-test-certs.sh [DIR]
#        scripts/make-test-certs.sh --from-samples   (re-extract DIR/from-samples/ with tshark)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

# The server chains of four sample captures, as DER, plus manifest.txt: one line per certificate,
# "FILE SNI CAPTURE_TIME_NS" with the time of the packet that carried the Certificate message.
# Rerun after scripts/make-samples.sh rewrites the captures.
if [[ ${1:-} == --from-samples ]]; then
  dest=$here/tests/data/certs/from-samples
  mkdir -p "$dest"
  rm -f "$dest"/*.der "$dest/manifest.txt"
  for name in tls12-cert-expired-openssl tls12-cert-wronghost-openssl tls12-cert-notyetvalid-openssl \
              tls12-cert-missing-intermediate-curl; do
    pcap=$here/samples/$name.pcap
    sni=$(tshark -r "$pcap" -Y tls.handshake.extensions_server_name -T fields \
            -e tls.handshake.extensions_server_name 2>/dev/null | head -1)
    IFS=$'\t' read -r secs hexes < <(tshark -r "$pcap" -Y tls.handshake.certificate -T fields \
            -e frame.time_epoch -e tls.handshake.certificate 2>/dev/null | head -1)
    ns=$(python3 -c "import decimal,sys; print(int(decimal.Decimal(sys.argv[1]) * 10**9))" "$secs")
    i=0
    IFS=, read -ra certs <<< "$hexes"
    for hex in "${certs[@]}"; do
      xxd -r -p <<< "$hex" > "$dest/$name.$i.der"
      echo "$name.$i.der ${sni:--} $ns" >> "$dest/manifest.txt"
      i=$((i + 1))
    done
  done
  cat "$dest/manifest.txt"
  exit 0
fi
out=$(realpath -m "${1:-$here/tests/data/certs}")
mkdir -p "$out/keys"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Validity windows (UTC). Everything is judged against a capture time the test chooses.
CA_FROM=20200101000000Z;      CA_TO=20400101000000Z
LEAF_FROM=20240101000000Z;    LEAF_TO=20250101000000Z
EXPIRED_FROM=20200101000000Z; EXPIRED_TO=20210101000000Z
FUTURE_FROM=20900101000000Z;  FUTURE_TO=20950101000000Z

key() {  # key NAME ALGORITHM-OPTIONS...: keys/NAME.pem, kept when it exists
  local file=$out/keys/$1.pem; shift
  [[ -f $file ]] || openssl genpkey "$@" -out "$file" 2>/dev/null
}
key root         -algorithm RSA -pkeyopt rsa_keygen_bits:2048
key intermediate -algorithm RSA -pkeyopt rsa_keygen_bits:2048
key impostor     -algorithm RSA -pkeyopt rsa_keygen_bits:2048
key leaf         -algorithm RSA -pkeyopt rsa_keygen_bits:2048
key rsa1024      -algorithm RSA -pkeyopt rsa_keygen_bits:1024
key ec           -algorithm EC  -pkeyopt ec_paramgen_curve:P-256

cat > "$work/ca.cnf" <<CNF
[ ca ]
default_ca = this
[ this ]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
preserve = yes
[ anything ]
organizationName = optional
commonName = supplied
[ req ]
distinguished_name = dn
[ dn ]
[ ca_root ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ ca_sub ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
# One extension section per leaf: the common part plus its subjectAltName (if any).
leaf_section() {  # leaf_section NAME [SAN]
  cat >> "$work/ca.cnf" <<SECTION
[ $1 ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
SECTION
  if [[ -n ${2:-} ]]; then echo "subjectAltName = $2" >> "$work/ca.cnf"; fi
}
leaf_section ext_www        "DNS:www.example.com,DNS:example.com"
leaf_section ext_wronghost  "DNS:wrong.example.net"
leaf_section ext_wildcard   "DNS:*.example.com"
leaf_section ext_ip         "IP:192.0.2.10,IP:2001:db8::1"
leaf_section ext_cn_only    ""
leaf_section ext_self       "DNS:self.example.com"
leaf_section ext_weak_key   "DNS:weak-key.example.com"
leaf_section ext_sha1       "DNS:sha1.example.com"
leaf_section ext_ec         "DNS:ec.example.com"

# issue OUT SERIAL SUBJECT KEY EXT FROM TO MD SIGNER (SIGNER "self" = self-signed with KEY)
issue() {
  local name=$1 serial=$2 subject=$3 keyname=$4 ext=$5 from=$6 to=$7 md=$8 signer=$9
  : > "$work/index.txt"
  echo "$serial" > "$work/serial"
  openssl req -new -config "$work/ca.cnf" -key "$out/keys/$keyname.pem" -subj "$subject" \
    -out "$work/$name.csr"
  local signing=(-keyfile "$out/keys/$signer.pem" -cert "$out/$signer.pem")
  [[ $signer == self ]] && signing=(-selfsign -keyfile "$out/keys/$keyname.pem")
  openssl ca -batch -config "$work/ca.cnf" "${signing[@]}" -extensions "$ext" -md "$md" \
    -startdate "$from" -enddate "$to" -notext -in "$work/$name.csr" -out "$out/$name.pem" 2>/dev/null
  openssl x509 -in "$out/$name.pem" -outform der -out "$out/$name.der"
}

O="/O=tlsdiag tests"
issue root         01   "$O/CN=tlsdiag test root CA"         root         ca_root      $CA_FROM      $CA_TO      sha256 self
issue intermediate 02   "$O/CN=tlsdiag test intermediate CA" intermediate ca_sub       $CA_FROM      $CA_TO      sha256 root
# Same name as the intermediate, other key: leaf + impostor looks linked by name only.
issue impostor     03   "$O/CN=tlsdiag test intermediate CA" impostor     ca_sub       $CA_FROM      $CA_TO      sha256 root
issue leaf         1001 "$O/CN=www.example.com"              leaf         ext_www      $LEAF_FROM    $LEAF_TO    sha256 intermediate
issue expired      1002 "$O/CN=www.example.com"              leaf         ext_www      $EXPIRED_FROM $EXPIRED_TO sha256 intermediate
issue notyetvalid  1003 "$O/CN=www.example.com"              leaf         ext_www      $FUTURE_FROM  $FUTURE_TO  sha256 intermediate
issue wronghost    1004 "$O/CN=wrong.example.net"            leaf         ext_wronghost $LEAF_FROM   $LEAF_TO    sha256 intermediate
issue wildcard     1005 "$O/CN=*.example.com"                leaf         ext_wildcard $LEAF_FROM    $LEAF_TO    sha256 intermediate
issue ip           1006 "$O/CN=192.0.2.10"                   leaf         ext_ip       $LEAF_FROM    $LEAF_TO    sha256 intermediate
issue cn-only      1007 "$O/CN=legacy.example.com"           leaf         ext_cn_only  $LEAF_FROM    $LEAF_TO    sha256 intermediate
issue selfsigned   1008 "$O/CN=self.example.com"             leaf         ext_self     $LEAF_FROM    $LEAF_TO    sha256 self
issue rsa1024      1009 "$O/CN=weak-key.example.com"         rsa1024      ext_weak_key $LEAF_FROM    $LEAF_TO    sha256 intermediate
issue sha1         100A "$O/CN=sha1.example.com"             leaf         ext_sha1     $LEAF_FROM    $LEAF_TO    sha1   intermediate
issue ec           100B "$O/CN=ec.example.com"               ec           ext_ec       $LEAF_FROM    $LEAF_TO    sha256 intermediate

# DER is what TLS carries and what the test reads. root.pem stays as a CA file for the trust
# check (X509_STORE_load_file reads PEM); the other PEM copies were only needed to sign.
find "$out" -maxdepth 1 -name '*.pem' ! -name root.pem -delete
ls "$out"/*.der
