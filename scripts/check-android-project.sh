#!/usr/bin/env bash
# Checks that src-tauri/gen/android is what `tauri android init` and `tauri icon` make from the
# committed configuration, apart from the files Tessera changed on purpose (below). Regenerates in
# a temporary copy of the repository, with a stand-in Android SDK folder: the generator only reads
# the NDK's version from it, and nothing here builds for Android.
set -euo pipefail
cd "$(dirname "$0")/.."

# Changed on purpose, and kept when the project is regenerated (docs/release.md):
customised=(
  app/build.gradle.kts                             # release signing from keystore.properties
  app/src/main/AndroidManifest.xml                 # no Android backup of the app's data
  app/src/main/res/xml/data_extraction_rules.xml   # ... and what that excludes
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git ls-files -z | grep -zv '^src-tauri/gen/' | xargs -0 cp --parents -t "$work"
ln -s "$PWD/node_modules" "$work/node_modules"
mkdir -p "$work/sdk/ndk/28.2.13676358"
printf 'Pkg.Desc = Android NDK\nPkg.Revision = 28.2.13676358\n' > "$work/sdk/ndk/28.2.13676358/source.properties"
(
  cd "$work"
  export ANDROID_HOME="$work/sdk" NDK_HOME="$work/sdk/ndk/28.2.13676358" CARGO_TARGET_DIR="$work/target"
  npm run --silent tauri -- android init --ci --skip-targets-install >/dev/null
  npm run --silent tauri -- icon icons/icon.png -o src-tauri/icons-tmp >/dev/null
)

# Git keeps no empty folders (the generator makes an empty app/src/main/assets).
find "$work/src-tauri/gen/android" -type d -empty -delete
for file in "${customised[@]}"; do
  [ -f "src-tauri/gen/android/$file" ] || { echo "missing: src-tauri/gen/android/$file" >&2; exit 1; }
  cp "src-tauri/gen/android/$file" "$work/src-tauri/gen/android/$file"
done
if ! diff -r "$work/src-tauri/gen/android" src-tauri/gen/android; then
  echo "src-tauri/gen/android differs from what the generator makes: regenerate it (docs/release.md)" >&2
  exit 1
fi
echo "src-tauri/gen/android matches the generator, apart from ${#customised[@]} files changed on purpose"
