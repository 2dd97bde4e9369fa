#!/usr/bin/env bash
# The phones' type-check: `cargo clippy -D warnings` of the app and of Tessera's native plugin
# (crates/tauri-plugin-tessera, whose Rust holds the iOS Keychain and Android's FLAG_SECURE) for
# aarch64-linux-android and aarch64-apple-ios. Nothing is linked and no C is compiled for iOS (a
# stand-in compiler answers for it; Debian's aarch64 gcc stands in for Android's): only the Rust is
# checked. Where the Rust targets cannot be added (no network to the toolchain server), the stage
# says so and is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

if ! rustup target add aarch64-linux-android aarch64-apple-ios >/dev/null 2>&1; then
  say "Skipped: the Rust targets aarch64-linux-android and aarch64-apple-ios cannot be added here"
  exit 0
fi
apt_packages gcc-aarch64-linux-gnu libc6-dev-arm64-cross

stand_in=$(mktemp -d)
trap 'rm -rf "$stand_in"' EXIT
# cc-rs probes the compiler, then compiles; for iOS there is no SDK, so the stand-in answers the
# probe and writes empty objects. Only `cargo clippy` runs: nothing is linked.
cat > "$stand_in/apple-cc" <<'CC'
#!/bin/sh
case " $* " in *" -? "*|*" --version "*) echo "clang version 17 (stand-in)"; exit 0 ;; esac
out=""
while [ $# -gt 0 ]; do [ "$1" = "-o" ] && out="$2"; shift; done
[ -n "$out" ] && : > "$out"
exit 0
CC
# ... and an archiver that only makes the archive (GNU ar refuses the empty objects).
cat > "$stand_in/apple-ar" <<'AR'
#!/bin/sh
: > "$2"
AR
chmod +x "$stand_in/apple-cc" "$stand_in/apple-ar"
mkdir -p "$stand_in/sdk"

android() {
  CC_aarch64_linux_android=aarch64-linux-gnu-gcc AR_aarch64_linux_android=aarch64-linux-gnu-ar \
    cargo clippy --quiet --target aarch64-linux-android "$@" -- -D warnings
}
ios() {
  CC_aarch64_apple_ios="$stand_in/apple-cc" AR_aarch64_apple_ios="$stand_in/apple-ar" SDKROOT="$stand_in/sdk" \
    IPHONEOS_DEPLOYMENT_TARGET=15.0 \
    cargo clippy --quiet --target aarch64-apple-ios "$@" -- -D warnings
}

say "Type-checking the native plugin for Android (cargo clippy, aarch64-linux-android)"
android -p tauri-plugin-tessera
say "Type-checking the app for Android (cargo clippy, aarch64-linux-android)"
android -p tessera-app

say "Type-checking the native plugin for iOS (cargo clippy, aarch64-apple-ios)"
ios -p tauri-plugin-tessera
say "Type-checking the app for iOS (cargo clippy, aarch64-apple-ios)"
ios -p tessera-app
