// The GitHub workflows, read as YAML: each job runs the commands a release needs, and every
// secret a workflow uses is described in docs/release.md. Nothing here runs a workflow: they
// need GitHub's Android, macOS and Windows runners.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { parse } from "yaml";

const root = new URL("../../", import.meta.url);
const workflowDir = new URL(".github/workflows/", root);
const read = (name) => parse(readFileSync(new URL(name, workflowDir), "utf8"));
const releaseDoc = readFileSync(new URL("docs/release.md", root), "utf8");

/** Every `run:` of a job, joined, and the `uses:` of its steps. */
function jobText(job) {
  const steps = job.steps ?? [];
  return {
    runs: steps.map((step) => step.run ?? "").join("\n"),
    uses: steps.map((step) => step.uses ?? "").filter(Boolean),
    text: JSON.stringify(job),
  };
}

test("ci runs the README's test command through .ci/run", () => {
  const readme = readFileSync(new URL("README.md", root), "utf8");
  assert.match(readme, /scripts\/test\.sh/);
  assert.match(readFileSync(new URL(".ci/run", root), "utf8"), /scripts\/test\.sh/);
  const { runs } = jobText(read("ci.yml").jobs.test);
  assert.match(runs, /\.ci\/run/);
});

test("android builds a debug APK for x86_64 and starts it on an emulator", () => {
  const workflow = read("android.yml");
  assert.ok("pull_request" in workflow.on);
  const { runs, text } = jobText(workflow.jobs["debug-apk"]);
  assert.match(runs, /npm run tauri -- android build --debug --apk --target x86_64/);
  assert.match(text, /android-emulator-runner/);
  assert.match(text, /am start -W -n app\.tessera\.authenticator\/\.MainActivity/);
});

test("ios generates gen/apple and builds for the simulator without signing", () => {
  const { runs } = jobText(read("ios.yml").jobs["simulator-build"]);
  assert.match(runs, /tauri -- ios init --ci/);
  assert.match(runs, /tauri -- ios build --debug --target aarch64-sim --no-sign/);
});

test("release signs Android, uploads the IPA, bundles the desktops, and attests", () => {
  const workflow = read("release.yml");
  assert.deepEqual(workflow.on.push.tags, ["v*"]);
  const android = jobText(workflow.jobs.android);
  assert.match(android.runs, /keystore\.properties/);
  assert.match(android.runs, /android build --apk --aab/);
  const ios = jobText(workflow.jobs.ios);
  assert.match(ios.runs, /ios build --export-method app-store-connect/);
  assert.match(ios.runs, /xcrun altool --upload-app/);
  const bundles = workflow.jobs.desktop.strategy.matrix.include.map((entry) => entry.bundles).join(",");
  for (const bundle of ["deb", "appimage", "dmg", "msi"]) assert.ok(bundles.includes(bundle), bundle);
  const publish = jobText(workflow.jobs.publish);
  assert.match(publish.runs, /sha256sum/);
  assert.ok(publish.uses.some((uses) => uses.startsWith("actions/attest-build-provenance")));
  assert.match(publish.runs, /gh release create/);
});

test("every secret a workflow uses is described in docs/release.md", () => {
  const used = new Set();
  for (const name of readdirSync(workflowDir)) {
    const text = readFileSync(new URL(name, workflowDir), "utf8");
    for (const match of text.matchAll(/secrets\.([A-Z0-9_]+)/g)) used.add(match[1]);
  }
  assert.ok(used.size >= 6, `the release uses its secrets: ${[...used]}`);
  for (const secret of used) {
    assert.match(releaseDoc, new RegExp("`" + secret + "`"), `${secret} is described in docs/release.md`);
  }
});
