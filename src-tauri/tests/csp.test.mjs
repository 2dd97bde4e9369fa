// The app's Content Security Policy, read from tauri.conf.json as Tauri reads it: no plugins
// (`object-src`), no <base> that re-points relative URLs (`base-uri`), no form that posts
// anywhere (`form-action`). A plain check of the JSON, so that it runs without building the app:
// `node --test src-tauri/tests/`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const config = JSON.parse(
  readFileSync(new URL("../tauri.conf.json", import.meta.url), "utf8"),
);
const directives = new Map(
  config.app.security.csp
    .split(";")
    .map((part) => part.trim().split(/\s+/))
    .filter((words) => words[0])
    .map(([name, ...values]) => [name, values]),
);

test("plugins, base and forms are shut off", () => {
  assert.deepEqual(directives.get("object-src"), ["'none'"]);
  assert.deepEqual(directives.get("base-uri"), ["'none'"]);
  assert.deepEqual(directives.get("form-action"), ["'none'"]);
});

test("scripts come only from the app itself", () => {
  assert.deepEqual(directives.get("default-src"), ["'self'"]);
  assert.equal(directives.has("script-src"), false);
});
