#!/usr/bin/env bash
# Makes sure the servers the integration tests start are installed: Mosquitto, InfluxDB 1.x and
# Chromium (console tests), with the Noto CJK font: without it Chromium draws the Chinese console
# as empty boxes, and the header-overlap test would measure boxes, not real Chinese text. Installs the missing Debian packages; a no-op when all are present.
# The tests run their own servers on free loopback ports, so the packages' system services must
# not start on install: a temporary policy-rc.d forbids it (invoke-rc.d and deb-systemd-invoke
# both honour it).
set -euo pipefail

declare -A binary_of=(
  [mosquitto]=/usr/sbin/mosquitto
  [influxdb]=/usr/bin/influxd
  [chromium]=/usr/bin/chromium
  [fonts-noto-cjk]=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
)

missing=()
for pkg in mosquitto influxdb chromium fonts-noto-cjk; do
  if [[ -e "${binary_of[$pkg]}" ]]; then
    echo "ensure-servers: $pkg present (${binary_of[$pkg]})"
  else
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "ensure-servers: installing ${missing[*]}"

as_root=()
if ((EUID != 0)); then
  if command -v sudo >/dev/null; then
    as_root=(sudo)
  else
    echo "ensure-servers: need root (or sudo) to install ${missing[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure-servers: no apt-get; install ${missing[*]} by hand" >&2
  exit 1
fi

policy=/usr/sbin/policy-rc.d
backup=""
if [[ -e $policy ]]; then
  backup=$(mktemp)
  "${as_root[@]}" cp -p "$policy" "$backup"
fi
restore_policy() {
  if [[ -n $backup ]]; then
    "${as_root[@]}" cp -p "$backup" "$policy"
    rm -f "$backup"
  else
    "${as_root[@]}" rm -f "$policy"
  fi
}
trap restore_policy EXIT
# 101 = "action forbidden by policy" (Debian policy-rc.d interface).
printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
"${as_root[@]}" chmod 755 "$policy"

"${as_root[@]}" apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

for pkg in "${missing[@]}"; do
  if [[ ! -e "${binary_of[$pkg]}" ]]; then
    echo "ensure-servers: $pkg installed but ${binary_of[$pkg]} is missing" >&2
    exit 1
  fi
  echo "ensure-servers: installed $pkg $(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)"
done
