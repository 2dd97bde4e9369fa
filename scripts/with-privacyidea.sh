#!/usr/bin/env bash
# Runs a command with a real, private privacyIDEA server: the release pinned in
# tests/privacyidea/requirements.txt, installed from PyPI into target/privacyidea-venv (once),
# with a new SQLite database, keys and admin in a temporary folder, listening on a free loopback
# port, stopped and removed afterwards. The command finds it through TESSERA_TEST_PRIVACYIDEA
# (its address) and TESSERA_TEST_PRIVACYIDEA_ADMIN (user:password of its administrator).
# Usage: scripts/with-privacyidea.sh COMMAND [ARGS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/target/privacyidea-venv"
requirements="$root/tests/privacyidea/requirements.txt"
if [ ! -x "$venv/bin/pi-manage" ] || [ "$requirements" -nt "$venv/.installed" ]; then
  echo "with-privacyidea: installing privacyIDEA into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  touch "$venv/.installed"
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tessera-privacyidea.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
server=
stop() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap stop EXIT
cat >"$scratch/pi.cfg" <<CFG
SUPERUSER_REALM = ['super']
SQLALCHEMY_DATABASE_URI = 'sqlite:///$scratch/data.sqlite'
SECRET_KEY = '$(python3 -c 'import secrets; print(secrets.token_hex(24))')'
PI_PEPPER = '$(python3 -c 'import secrets; print(secrets.token_hex(24))')'
PI_ENCFILE = '$scratch/enckey'
PI_AUDIT_KEY_PRIVATE = '$scratch/private.pem'
PI_AUDIT_KEY_PUBLIC = '$scratch/public.pem'
PI_LOGFILE = '$scratch/privacyidea.log'
PI_LOGLEVEL = 30
CFG
export PRIVACYIDEA_CONFIGFILE="$scratch/pi.cfg"
(
  cd "$scratch"
  "$venv/bin/pi-manage" setup create_enckey
  "$venv/bin/pi-manage" setup create_audit_keys
  "$venv/bin/pi-manage" setup create_tables
  "$venv/bin/pi-manage" admin add admin -p "$password"
) >"$scratch/setup.log" 2>&1 || { cat "$scratch/setup.log" >&2; exit 1; }
(cd "$scratch" && exec "$venv/bin/pi-manage" run -h 127.0.0.1 -p "$port" --no-reload) >"$scratch/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/healthz/', timeout=1)" 2>/dev/null ||
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$scratch/server.log" >&2; exit 1; fi
  sleep 0.2
done
export TESSERA_TEST_PRIVACYIDEA="http://127.0.0.1:$port"
export TESSERA_TEST_PRIVACYIDEA_ADMIN="admin:$password"
"$@"
