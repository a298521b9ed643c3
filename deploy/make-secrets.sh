#!/bin/sh
# make-secrets.sh [DIR] — random passwords for a first install, one file each (default
# deploy/secrets, next to this script; git ignores it). An existing file is kept, so running it
# again only adds what is missing. compose.yaml reads these files as secrets; nothing else needs
# to know a password, except the people and tools you give one to (control-room, gateways, the
# console's admin login in gaswatch-admin).
#
# The directory is 0700 and the files 0644: containers that run as their own user (Grafana 472,
# gaswatch 1000) must read the file bind-mounted at /run/secrets, while nobody on the host can
# reach it through the directory.
set -eu

KIT="$(cd "$(dirname "$0")" && pwd)"
DIR="${1:-$KIT/secrets}"
# The MQTT users of deploy/mosquitto/acl, then InfluxDB's, Grafana's and the console's.
NAMES="mqtt-gaswatch mqtt-control-room mqtt-simulator mqtt-gw-zjk-depot mqtt-gw-hx-station
influxdb-admin influxdb-gaswatch influxdb-grafana grafana-admin gaswatch-admin"

command -v openssl >/dev/null || { echo "make-secrets.sh: openssl is needed" >&2; exit 1; }
mkdir -p "$DIR"
chmod 0700 "$DIR"
umask 022
for n in $NAMES; do
  if [ -s "$DIR/$n" ]; then
    echo "kept    $DIR/$n"
  else
    # 24 random bytes, base64 without the characters that need quoting in URLs and YAML.
    openssl rand -base64 24 | tr -d '\n/+=' >"$DIR/$n"
    echo "made    $DIR/$n"
  fi
done

# Prometheus reads /metrics with a viewer's bearer token; gaswatch wants at least 32 random
# characters (hex keeps every one of them).
if [ -s "$DIR/gaswatch-prometheus-token" ]; then
  echo "kept    $DIR/gaswatch-prometheus-token"
else
  openssl rand -hex 32 | tr -d '\n' >"$DIR/gaswatch-prometheus-token"
  echo "made    $DIR/gaswatch-prometheus-token"
fi

# The console login "admin" (deploy/gaswatch/gaswatch.yaml) needs the scrypt hash of its password.
if [ ! -s "$DIR/gaswatch-admin.hash" ]; then
  MAIN="$KIT/../dist/src/main.js"
  if command -v node >/dev/null && [ -f "$MAIN" ]; then
    node "$MAIN" hash-password <"$DIR/gaswatch-admin" >"$DIR/gaswatch-admin.hash"
    echo "made    $DIR/gaswatch-admin.hash"
  else
    echo "to do:  docker compose run --rm -T --no-deps gaswatch hash-password" \
      "<$DIR/gaswatch-admin >$DIR/gaswatch-admin.hash"
  fi
fi
