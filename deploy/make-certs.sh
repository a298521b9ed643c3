#!/bin/sh
# make-certs.sh — a private CA and the TLS certificates of a first gaswatch install (openssl).
#
#   deploy/make-certs.sh [-d DIR] [-n NAME]... [-c CLIENT]... [-days N]
#
#   -d DIR     where to write (default deploy/certs, next to this script)
#   -n NAME    a name the broker is reached by: DNS name or IP address; repeatable.
#              Default: mosquitto localhost 127.0.0.1 (compose service name and loopback)
#   -c CLIENT  a client certificate whose CN is CLIENT, e.g. a site gateway's MQTT user
#              (gw-zjk-depot); repeatable. The broker's certificate listener takes the CN as
#              the user name, so the ACL file decides what that gateway may publish.
#   -days N    validity of the server and client certificates (default 825, the longest most
#              TLS clients accept); the CA gets ten years.
#
# Writes ca.crt and ca.key (the CA: keep ca.key offline once the install is done), server.crt and
# server.key (the broker), and CLIENT.crt/CLIENT.key per client. An existing CA is reused, so the
# script can be run again to add a client or renew the server certificate; an existing server or
# client key is never overwritten (delete it to replace it).
# Keys are created mode 0600 (0640 for server.key, so the broker's group can read it when the
# owner is root — chown root:mosquitto it on a package install).
set -eu

DIR="$(cd "$(dirname "$0")" && pwd)/certs"
NAMES=""
CLIENTS=""
DAYS=825

while [ $# -gt 0 ]; do
  case "$1" in
    -d) DIR="$2"; shift 2 ;;
    -n) NAMES="$NAMES $2"; shift 2 ;;
    -c) CLIENTS="$CLIENTS $2"; shift 2 ;;
    -days) DAYS="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "make-certs.sh: unknown argument $1 (try -h)" >&2; exit 2 ;;
  esac
done
[ -n "$NAMES" ] || NAMES="mosquitto localhost 127.0.0.1"

command -v openssl >/dev/null || { echo "make-certs.sh: openssl is needed" >&2; exit 1; }
mkdir -p "$DIR"
umask 077
cd "$DIR"

if [ ! -f ca.key ]; then
  openssl genrsa -out ca.key 4096 2>/dev/null
  openssl req -x509 -new -sha256 -key ca.key -days 3650 -out ca.crt \
    -subj "/CN=gaswatch private CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
  echo "made CA: $DIR/ca.crt"
else
  echo "reusing CA: $DIR/ca.crt"
fi

# One subjectAltName entry per name: IP addresses as IP:, everything else as DNS:.
san=""
for n in $NAMES; do
  case "$n" in
    *[!0-9.]*) entry="DNS:$n" ;;
    *) entry="IP:$n" ;;
  esac
  case "$n" in *:*) entry="IP:$n" ;; esac
  san="${san:+$san,}$entry"
done

# sign NAME KIND(server|client) [SAN]
sign() {
  name="$1"; kind="$2"; alt="${3:-}"
  [ -f "$name.key" ] || openssl genrsa -out "$name.key" 2048 2>/dev/null
  ext="$(mktemp)"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ "$kind" = server ]; then
      echo "extendedKeyUsage=serverAuth"
      echo "subjectAltName=$alt"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  cn="$name"
  if [ "$kind" = server ]; then set -- $NAMES; cn="$1"; fi
  openssl req -new -sha256 -key "$name.key" -subj "/CN=$cn" -out "$name.csr"
  openssl x509 -req -sha256 -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
    -days "$DAYS" -extfile "$ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$ext"
  openssl verify -CAfile ca.crt "$name.crt" >/dev/null
  echo "made $kind certificate: $DIR/$name.crt (CN=$cn${alt:+, $alt})"
}

sign server server "$san"
chmod 0640 server.key
for c in $CLIENTS; do
  case "$c" in
    server|ca) echo "make-certs.sh: a client may not be called $c" >&2; exit 2 ;;
  esac
  sign "$c" client
done
chmod 0644 ca.crt server.crt
for c in $CLIENTS; do chmod 0644 "$c.crt"; done
