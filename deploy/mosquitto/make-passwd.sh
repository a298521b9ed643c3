#!/bin/sh
# make-passwd.sh SECRETS_DIR PASSWD_FILE — the broker's password file, from secret files.
#
# Every file SECRETS_DIR/mqtt-USER becomes user USER with the file's first line as password
# (deploy/make-secrets.sh makes them). The passwords are hashed by `mosquitto_passwd -U`
# (PBKDF2-SHA512) and never appear on a command line. Run it again after changing a secret, then
# reload the broker (docker compose restart mosquitto, or `systemctl reload mosquitto`).
# compose.yaml runs it in the mosquitto-passwd service before the broker starts.
set -eu

[ $# -eq 2 ] || { echo "usage: make-passwd.sh SECRETS_DIR PASSWD_FILE" >&2; exit 2; }
src="$1"
out="$2"
command -v mosquitto_passwd >/dev/null || { echo "make-passwd.sh: mosquitto_passwd is needed" >&2; exit 1; }

umask 077
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
: >"$tmp"
count=0
for f in "$src"/mqtt-*; do
  [ -f "$f" ] || continue
  user="${f##*/mqtt-}"
  pw="$(head -n 1 "$f" | tr -d '\r\n')"
  case "$user" in
    *:* | '') echo "make-passwd.sh: bad user name in $f" >&2; exit 1 ;;
  esac
  if [ ${#pw} -lt 12 ]; then
    echo "make-passwd.sh: the password in $f is shorter than 12 characters" >&2
    exit 1
  fi
  printf '%s:%s\n' "$user" "$pw" >>"$tmp"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "make-passwd.sh: no $src/mqtt-* files (run deploy/make-secrets.sh)" >&2; exit 1; }
mosquitto_passwd -U "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "make-passwd.sh: $count users written to $out"
