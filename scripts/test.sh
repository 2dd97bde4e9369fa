#!/usr/bin/env bash
# Runs every test, from a fresh Debian or Ubuntu machine: installs what is missing, checks
# formatting and lints, runs the unit, property, peer and end-to-end tests, then the benchmarks.
cd "$(dirname "$0")/.."
. scripts/setup.sh
started=$(date +%s)
# A fresh build gains nothing from incremental compilation, and its files would double what the
# build writes to disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# The app's dependencies are built once, as the end-to-end run needs them (serving the built UI),
# for the tests too. Only the end-to-end build adds e2e-stand-ins (tests/e2e/run.sh), so the tests
# here run the app as people get it, where TESSERA_PICK_FILE is ignored.
app_features=(--features tessera-app/custom-protocol)

base_setup
apt_packages oathtool dbus gnome-keyring qrencode imagemagick fonts-dejavu-core zbar-tools xvfb webkit2gtk-driver xclip \
  postgresql openssl chromium curl python3 python3-venv python3-cryptography python3-argon2
app_setup
cargo_tool tauri-driver

say "Checking formatting (cargo fmt)"
cargo fmt --all -- --check

say "Linting (cargo clippy)"
cargo clippy --workspace --all-targets "${app_features[@]}" --quiet -- -D warnings

# The fuzz crate is outside the workspace (cargo-fuzz builds it with a sanitizer), so nothing
# else compiles it: without this, a change to the readers' API would break the targets unseen.
say "Compiling the fuzz targets (cargo check of crates/core/fuzz)"
cargo check --quiet --manifest-path crates/core/fuzz/Cargo.toml --bins

say "Type-checking the UI (svelte-check)"
npm --prefix ui run check

say "Running the tests (cargo test), with a real gnome-keyring in a private D-Bus session, a private Postgres, a private privacyIDEA, under Xvfb"
scripts/with-keyring.sh scripts/with-postgres.sh scripts/with-privacyidea.sh xvfb-run -a cargo test --workspace "${app_features[@]}"

say "Checking that the about screen's licence list is current"
scripts/licences.sh >/dev/null
if ! git diff --quiet -- src-tauri/licences.json; then
  echo "src-tauri/licences.json is stale: run scripts/licences.sh and commit it" >&2
  exit 1
fi

say "Checking that src-tauri/gen/android is what the generator makes"
scripts/check-android-project.sh

say "Reading the release workflows (YAML): their commands, every secret described in docs/release.md; the iOS template, its plists, the store texts"
node --test tests/release/

say "Type-checking the app for the phones (Android, iOS)"
scripts/mobile-check.sh

say "Testing the UI's logic (Vitest)"
npm --prefix ui test --silent
node --test src-tauri/tests/

say "Driving the built app (tauri-driver, WebKitWebDriver, Xvfb)"
tests/e2e/run.sh

say "Signing in on the demo site in Chromium, approving with the command line (Playwright)"
tests/approvals/run.sh

say "Benchmarks (figures only; nothing is asserted about speed)"
cargo bench --quiet -p tessera-core --bench codes
scripts/with-keyring.sh cargo bench --quiet -p tessera-core --bench vault
cargo bench --quiet -p tessera-core --bench qr   # generates its corpus into target/qr-corpus once
# Reading a 1,000-account encrypted Aegis file, and writing and reading a 1,000-account Tessera
# backup, each without its key derivation (timed apart).
cargo bench --quiet -p tessera-core --bench import
cargo bench --quiet -p tessera-core --bench backup
# Postgres with fsync on for the approvals benchmark: durable commits, as in production.
TESSERA_PG_FSYNC=on scripts/with-postgres.sh cargo bench --quiet -p tessera-server --bench approvals
# What one SQLite statement costs through sqlx's worker thread, next to rusqlite.
cargo bench --quiet -p tessera-server --bench sqlite_statements
# privacyIDEA push: how soon 'watch' shows a challenge, and what one poll costs the phone.
scripts/with-privacyidea.sh cargo test --quiet -p tessera-cli --test privacyidea_cli -- --nocapture \
  --test-threads=1 the_command_line_approves one_poll_costs 2>&1 | grep -o 'privacyIDEA push:.*'

say "Everything passed in $(( $(date +%s) - started )) s; the build takes $(du -sh target | cut -f1) on disk"
