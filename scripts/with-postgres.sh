#!/usr/bin/env bash
# Runs a command with a real, private Postgres server: a new cluster in a temporary folder,
# listening on a free loopback port, removed afterwards. The command finds it through
# TESSERA_TEST_POSTGRES (a postgres:// address of a database it may create databases from).
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then
  echo "with-postgres: Debian's postgresql package is not installed" >&2
  exit 1
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tessera-postgres.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Postgres refuses to run as root: the cluster belongs to the postgres user when we are root.
run_as=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$scratch"
  run_as=(runuser -u postgres --)
fi
stop() {
  "${run_as[@]}" "$bin/pg_ctl" -D "$scratch/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap stop EXIT
"${run_as[@]}" "$bin/initdb" -D "$scratch/data" -U tessera --auth=trust --no-sync >/dev/null
"${run_as[@]}" "$bin/pg_ctl" -D "$scratch/data" -l "$scratch/log" -w -o \
  "-c listen_addresses=127.0.0.1 -p $port -k $scratch -c fsync=${TESSERA_PG_FSYNC:-off} -c max_connections=300" start >/dev/null
export TESSERA_TEST_POSTGRES="postgres://tessera@127.0.0.1:$port/postgres"
"$@"
