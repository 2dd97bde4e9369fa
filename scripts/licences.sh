#!/usr/bin/env bash
# Writes src-tauri/licences.json: the name, version and licence of every Rust crate the app is
# built from and every npm package in the UI's production dependencies, for the about screen.
# Run it after changing dependencies (the test command checks that the file is current).
set -euo pipefail
cd "$(dirname "$0")/.."
{
  cargo metadata --format-version 1 --locked --filter-platform x86_64-unknown-linux-gnu 2>/dev/null \
    | python3 -c '
import json, sys
meta = json.load(sys.stdin)
packages = {p["id"]: p for p in meta["packages"]}
nodes = {node["id"]: node for node in meta["resolve"]["nodes"]}
# Only what the app is built from: its normal and build dependencies, followed down, not the
# server or the command line (which are other programs) and not test-only crates.
app = next(p["id"] for p in meta["packages"] if p["name"] == "tessera-app")
seen, todo = set(), [app]
while todo:
    current = todo.pop()
    if current in seen:
        continue
    seen.add(current)
    for dep in nodes[current]["deps"]:
        if any(kind["kind"] != "dev" for kind in dep["dep_kinds"]):
            todo.append(dep["pkg"])
for package_id in sorted(seen):
    p = packages[package_id]
    if p["source"] is not None:
        print(json.dumps({"name": p["name"], "version": p["version"], "licence": p.get("license") or "see the crate"}))
'
  python3 - <<'PY'
import json, pathlib
lock = json.loads(pathlib.Path("ui/package-lock.json").read_text()) if pathlib.Path("ui/package-lock.json").exists() else {"packages": {}}
for path, package in sorted(lock.get("packages", {}).items()):
    if path.startswith("node_modules/") and not package.get("dev"):
        print(json.dumps({"name": path.split("node_modules/")[-1], "version": package.get("version", ""), "licence": package.get("license", "see the package")}))
PY
} | python3 -c '
import json, sys
rows = sorted({line for line in sys.stdin if line.strip()})
print(json.dumps([json.loads(row) for row in rows], indent=1, ensure_ascii=False))
' > src-tauri/licences.json
echo "wrote src-tauri/licences.json ($(grep -c '"name"' src-tauri/licences.json) packages)"
