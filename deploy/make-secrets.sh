#!/bin/sh
# make-secrets.sh [DIR] — random passwords for a first install, one file each (default
# deploy/secrets, next to this script; git ignores it). An existing file is kept, so running it
# again only adds what is missing. compose.yaml reads these files as secrets; nothing else needs
# to know a password, except the people and tools you give one to (control-room, gateways).
set -eu

DIR="${1:-$(cd "$(dirname "$0")" && pwd)/secrets}"
# The MQTT users of deploy/mosquitto/acl, then InfluxDB's and Grafana's.
NAMES="mqtt-gaswatch mqtt-control-room mqtt-simulator mqtt-gw-zjk-depot mqtt-gw-hx-station
influxdb-admin influxdb-gaswatch influxdb-grafana grafana-admin"

command -v openssl >/dev/null || { echo "make-secrets.sh: openssl is needed" >&2; exit 1; }
mkdir -p "$DIR"
umask 077
for n in $NAMES; do
  if [ -s "$DIR/$n" ]; then
    echo "kept    $DIR/$n"
  else
    # 24 random bytes, base64 without the characters that need quoting in URLs and YAML.
    openssl rand -base64 24 | tr -d '\n/+=' >"$DIR/$n"
    echo "made    $DIR/$n"
  fi
done
