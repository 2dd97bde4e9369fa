# Sourced by scripts/run.sh and scripts/test.sh: installs what a fresh Debian or Ubuntu machine
# lacks, idempotently, and says what it is doing. Nothing is installed that is already there.

set -euo pipefail

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_packages PKG...: installs the Debian packages that are not installed yet.
apt_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# rust_toolchain: a Rust toolchain (stable, 1.85 or newer) with rustfmt and clippy.
rust_toolchain() {
  if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi
  if ! command -v cargo >/dev/null 2>&1; then
    say "Installing Rust with rustup"
    apt_packages curl ca-certificates
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
    . "$HOME/.cargo/env"
  fi
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    say "Adding rustfmt and clippy"
    rustup component add rustfmt clippy
  fi
}

# base_setup: what every command needs.
base_setup() {
  apt_packages build-essential pkg-config python3
  rust_toolchain
}

# app_setup: what building the desktop app needs (Tauri 2 on WebKitGTK), and the UI's packages.
app_setup() {
  apt_packages libwebkit2gtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev libssl-dev libxdo-dev
  if ! command -v npm >/dev/null 2>&1; then
    apt_packages nodejs npm
  fi
  if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
    say "Installing the UI's npm packages"
    # `npm install` rather than `npm ci`: this npm records only the optional packages of the
    # platform it ran on, which `npm ci` then reports as missing.
    npm --prefix ui install --no-audit --no-fund --loglevel=error
  fi
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing the Tauri command line (npm, pinned in package.json)"
    npm install --no-audit --no-fund --loglevel=error
  fi
  say "Building the UI"
  npm --prefix ui run build --silent
}

# cargo_tool NAME: installs a Rust tool with cargo when it is missing.
cargo_tool() {
  if ! command -v "$1" >/dev/null 2>&1; then
    say "Installing $1 (cargo install)"
    cargo install --locked --quiet "$1"
  fi
}

# Debian's Chromium and Playwright's driver for it, for the tests that drive the demo shop
# (tests/approvals, and the app's approval test in tests/e2e).
shop_test_setup() {
  apt_packages chromium curl
  if [ ! -d tests/approvals/node_modules ] ||
    [ tests/approvals/package-lock.json -nt tests/approvals/node_modules/.package-lock.json ]; then
    say "Installing the approval tests' npm packages"
    # `npm install` rather than `npm ci`, as for the UI (see app_setup).
    npm --prefix tests/approvals install --no-audit --no-fund --loglevel=error
  fi
}
