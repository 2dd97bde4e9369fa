#!/usr/bin/env bash
# The end-to-end tests of the desktop app: builds the UI and the app (serving the built UI) and
# the approval server (whose demo shop the approval test drives in Chromium), then
# runs tests/e2e/*.test.mjs under Xvfb, in a private D-Bus session with gnome-keyring, with a
# private privacyIDEA, through tauri-driver and WebKitWebDriver. Screenshots go to target/e2e-screenshots.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/setup.sh
shop_test_setup
# Built by the Tauri command line, as a release is (it refuses to build when the Tauri crates and
# packages disagree); --debug and --no-bundle keep it to the binary the tests drive, and
# e2e-stand-ins lets TESSERA_PICK_FILE stand in for the file dialog, which WebDriver cannot drive.
npm run --silent tauri -- build --debug --no-bundle --features custom-protocol e2e-stand-ins
cargo build --quiet -p tessera-cli -p tessera-server
export TESSERA_E2E_APP="$PWD/target/debug/tessera-app"
export TESSERA_E2E_CLI="$PWD/target/debug/tessera"
export TESSERA_E2E_SERVER="$PWD/target/debug/tessera-server"
export TESSERA_E2E_SCREENSHOTS="$PWD/target/e2e-screenshots"
rm -rf "$TESSERA_E2E_SCREENSHOTS"
# --test-force-exit: a WebDriver connection left open must not keep the run waiting.
timeout 900 scripts/with-keyring.sh scripts/with-privacyidea.sh xvfb-run -a -s "-screen 0 1280x1024x24" \
  node --test --test-force-exit --test-concurrency=1 tests/e2e/
echo "Screenshots of the main screens: $TESSERA_E2E_SCREENSHOTS"
