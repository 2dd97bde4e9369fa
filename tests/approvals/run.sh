#!/usr/bin/env bash
# Sign-in approvals end to end: builds tessera-server and the tessera command line, starts the
# server on a free loopback port with an empty database, makes a password-only vault for the
# command line (which plays the phone), and drives the server's demo sign-in site in Debian's
# Chromium (tests/approvals/*.test.mjs). Screenshots of every screen go to
# target/approvals-screenshots. Exits with the tests' status; the server is always stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/setup.sh

shop_test_setup
cargo build --quiet -p tessera-server -p tessera-cli

folder=$(mktemp -d "${TMPDIR:-/tmp}/tessera-approvals.XXXXXX")
server=
stop() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$folder"
}
trap stop EXIT

# Approvals live 30 s instead of 90, so that the expiry test waits half a minute, not one and a half.
approval_seconds=30
port=$(node -e '
  const probe = require("net").createServer().listen(0, "127.0.0.1", () => {
    console.log(probe.address().port);
    probe.close();
  });')
target/debug/tessera-server --listen "127.0.0.1:$port" --data "$folder/server" \
  --approval-seconds "$approval_seconds" >"$folder/server.log" 2>&1 &
server=$!
demo="http://127.0.0.1:$port/demo"
for _ in $(seq 100); do
  if curl --silent --fail --output /dev/null "$demo"; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "tessera-server did not start:" >&2
    cat "$folder/server.log" >&2
    exit 1
  fi
  sleep 0.2
done
cat "$folder/server.log"

# The phone's vault opens with a password alone: the tests need no keyring, and must not write
# into the desktop's (no session bus at this address).
export DBUS_SESSION_BUS_ADDRESS="unix:path=$folder/no-session-bus"
export TESSERA_VAULT="$folder/vault.tessera"
export TESSERA_PASSWORD="the approval tests' vault"
target/debug/tessera init --password 2>"$folder/init.log" || { cat "$folder/init.log" >&2; exit 1; }

export TESSERA_APPROVALS_DEMO="$demo"
export TESSERA_APPROVALS_SECONDS="$approval_seconds"
export TESSERA_APPROVALS_CLI="$PWD/target/debug/tessera"
export TESSERA_APPROVALS_SCREENSHOTS="$PWD/target/approvals-screenshots"
rm -rf "$TESSERA_APPROVALS_SCREENSHOTS"
status=0
# --test-force-exit: a browser left open by a failed test must not keep the run waiting.
timeout 900 node --test --test-force-exit --test-concurrency=1 tests/approvals/*.test.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "The server's log:" >&2
  cat "$folder/server.log" >&2
fi
echo "Screenshots of every screen: $TESSERA_APPROVALS_SCREENSHOTS"
exit "$status"
