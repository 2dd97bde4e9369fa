#!/usr/bin/env bash
# Runs Tessera: builds the UI and the desktop app, then starts the app.
# With arguments, runs the command-line tool instead: scripts/run.sh list, scripts/run.sh code github.
cd "$(dirname "$0")/.."
. scripts/setup.sh
base_setup
if [ $# -gt 0 ]; then
  say "Building the tessera command-line tool"
  cargo build --release --quiet -p tessera-cli
  exec target/release/tessera "$@"
fi
app_setup
say "Building the desktop app"
cargo build --release --quiet -p tessera-app --features custom-protocol
say "Starting Tessera"
exec target/release/tessera-app
