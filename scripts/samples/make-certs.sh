#!/usr/bin/env bash
# Throwaway PKI for the sample captures: a root CA, an intermediate CA, and leaf certificates
# (valid, expired, not yet valid, wrong host name, self-signed, signed by the intermediate,
# revoked + CRL, client certificate). Usage: make-certs.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"

# Fixed, long-gone or far-future dates so every rerun yields the same verification outcome.
VALID_FROM=20240101000000Z
VALID_TO=20991231000000Z
EXPIRED_FROM=20200101000000Z
EXPIRED_TO=20210101000000Z
FUTURE_FROM=20900101000000Z
FUTURE_TO=20950101000000Z

ca_conf() {  # ca_conf NAME: minimal `openssl ca` configuration for the CA in NAME/
  local name=$1
  mkdir -p "$name/newcerts"
  : > "$name/index.txt"
  [[ -f $name/serial ]] || echo 1000 > "$name/serial"
  [[ -f $name/crlnumber ]] || echo 1000 > "$name/crlnumber"
  cat > "$name/ca.cnf" <<CNF
[ ca ]
default_ca = this
[ this ]
dir = $PWD/$name
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = \$dir/cert.pem
private_key = \$dir/key.pem
default_md = sha256
default_crl_days = 36500
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
[ leaf_localhost ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:localhost,IP:127.0.0.1,IP:::1
[ leaf_wronghost ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example.net
[ leaf_client ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
[ sub_ca ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
CNF
}

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; }

# Root CA (self-signed).
mkdir -p root
key root/key.pem
openssl req -x509 -new -key root/key.pem -sha256 -days 36500 -subj "/CN=tlsdiag sample root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out root/cert.pem
ca_conf root

sign() {  # sign CA NAME CN EXT FROM TO
  local ca=$1 name=$2 cn=$3 ext=$4 from=$5 to=$6
  key "$name.key"
  openssl req -new -key "$name.key" -subj "/CN=$cn" -out "$name.csr"
  openssl ca -batch -config "$ca/ca.cnf" -extensions "$ext" -startdate "$from" -enddate "$to" \
    -in "$name.csr" -out "$name.crt" -notext 2>/dev/null
}

# Intermediate CA signed by the root.
mkdir -p inter
sign root inter/ca "tlsdiag sample intermediate CA" sub_ca "$VALID_FROM" "$VALID_TO"
mv inter/ca.key inter/key.pem; mv inter/ca.crt inter/cert.pem
ca_conf inter

sign root good     localhost          leaf_localhost "$VALID_FROM"   "$VALID_TO"
sign root expired  localhost          leaf_localhost "$EXPIRED_FROM" "$EXPIRED_TO"
sign root future   localhost          leaf_localhost "$FUTURE_FROM"  "$FUTURE_TO"
sign root wronghost wrong.example.net leaf_wronghost "$VALID_FROM"   "$VALID_TO"
sign root revoked  localhost          leaf_localhost "$VALID_FROM"   "$VALID_TO"
sign root client   "tlsdiag sample client" leaf_client "$VALID_FROM" "$VALID_TO"
sign inter viainter localhost         leaf_localhost "$VALID_FROM"   "$VALID_TO"
cat viainter.crt inter/cert.pem > viainter-chain.crt

# Revoke one leaf and publish a CRL.
openssl ca -batch -config root/ca.cnf -revoke revoked.crt -crl_reason keyCompromise 2>/dev/null
openssl ca -batch -config root/ca.cnf -gencrl -out root/crl.pem 2>/dev/null

# Self-signed leaf for localhost (no CA at all).
key selfsigned.key
openssl req -x509 -new -key selfsigned.key -sha256 -days 36500 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out selfsigned.crt

cp root/cert.pem ca.crt
cp root/crl.pem crl.pem
