#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a real, unlocked gnome-keyring (the Secret
# Service), so that device slots are tested against the real key store. Nothing touches the
# user's own keyring: HOME and XDG_RUNTIME_DIR point at a temporary folder.
# Usage: scripts/with-keyring.sh COMMAND [ARGS...]
set -euo pipefail
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tessera-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -m 700 "$scratch/home" "$scratch/run"
export TESSERA_REAL_HOME="$HOME"
HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/run" dbus-run-session -- bash -c '
  # --unlock reads the new login keyring password on stdin and creates the keyring.
  printf %s "tessera-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  export CARGO_HOME="${CARGO_HOME:-$TESSERA_REAL_HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$TESSERA_REAL_HOME/.rustup}"
  exec "$@"' bash "$@"
