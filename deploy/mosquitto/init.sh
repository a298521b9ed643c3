#!/bin/sh
# compose.yaml's mosquitto-init (eclipse-mosquitto image, as root, before the broker starts):
# hashes the MQTT passwords into the broker's password file and copies the TLS certificate and key
# into the broker's own volume. The broker drops to the "mosquitto" user before it reads either, so
# they must be that user's files; the bind-mounted originals stay untouched on the host.
set -eu
for f in ca.crt server.crt server.key; do
  [ -s "/kit/certs/$f" ] || { echo "mosquitto-init: deploy/certs/$f missing: run deploy/make-certs.sh" >&2; exit 1; }
done
sh /kit/make-passwd.sh /kit/secrets /mosquitto/passwd/passwd
cp /kit/certs/ca.crt /kit/certs/server.crt /kit/certs/server.key /mosquitto/certs/
chown -R mosquitto:mosquitto /mosquitto/certs /mosquitto/passwd
chmod 0644 /mosquitto/certs/ca.crt /mosquitto/certs/server.crt
chmod 0600 /mosquitto/certs/server.key /mosquitto/passwd/passwd
echo "mosquitto-init: certificates and password file ready"
