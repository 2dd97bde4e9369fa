#!/usr/bin/env bash
# Runs Tessera. Until the desktop app exists, this builds the command-line tool and shows its help.
# Usage: scripts/run.sh [tessera arguments...]
cd "$(dirname "$0")/.."
. scripts/setup.sh
base_setup
say "Building the tessera command-line tool"
cargo build --release --quiet -p tessera-cli
if [ $# -eq 0 ]; then set -- --help; fi
exec target/release/tessera "$@"
