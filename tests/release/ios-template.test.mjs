// The iOS project template (src-tauri/ios/project.yml), read as the Tauri command line would
// render it and as XcodeGen would read it: it adds the push entitlement and the privacy manifest,
// and keeps the placeholders the command line fills in. Nothing here runs XcodeGen or Xcode: they
// need a Mac (the ios and release workflows run them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";

const root = new URL("../../", import.meta.url);
const read = (path) => readFileSync(new URL(path, root), "utf8");
const conf = JSON.parse(read("src-tauri/tauri.conf.json"));
const templatePath = conf.bundle.iOS.template;
const template = read(templatePath);
// `tauri ios init` writes the rendered template to gen/apple/project.yml: its paths start there.
const generated = new URL("src-tauri/gen/apple/", root);
const fromGenerated = (path) => new URL(path.replace("$(SRCROOT)/", ""), generated);

/**
 * The template rendered with no optional data, as far as its YAML is concerned: every block
 * (`#each`, `#if`) renders nothing, every value becomes `placeholder`, and `~` trims the
 * whitespace on its side, as in Handlebars.
 */
function renderWithoutData(text) {
  let out = "";
  let hidden = 0;
  let trimNext = false;
  let last = 0;
  for (const tag of text.matchAll(/\{\{(~?)\s*([#/]?)([^}]*?)\s*(~?)\}\}/g)) {
    const [whole, trimBefore, block, , trimAfter] = tag;
    if (hidden === 0) {
      const before = text.slice(last, tag.index);
      out += trimNext ? before.trimStart() : before;
      if (trimBefore) out = out.trimEnd();
    }
    if (block === "#") hidden += 1;
    else if (block === "/") hidden -= 1;
    else if (hidden === 0) out += "placeholder";
    trimNext = trimAfter === "~";
    last = tag.index + whole.length;
  }
  const rest = text.slice(last);
  return out + (trimNext ? rest.trimStart() : rest);
}

/**
 * Reads an XML property list, strictly: the elements Tessera's plists use (dict, key, array,
 * string, integer, true, false), balanced, with no stray text. Anything else throws.
 */
function parsePlist(xml) {
  const tokens = xml
    .replace(/^<\?xml[^>]*\?>/, "")
    .replace(/<!DOCTYPE[^>]*>/, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .match(/<[^>]+>|[^<]+/g)
    .filter((token) => token.trim() !== "");
  let at = 0;
  const next = () => tokens[at++];
  const expect = (wanted) => {
    const found = next();
    if (found !== wanted) throw new Error(`expected ${wanted}, found ${found}`);
  };
  const text = () => {
    const found = tokens[at]?.startsWith("<") ? "" : next();
    const entities = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
    return found.replace(/&(lt|gt|amp|quot|apos);/g, (_, name) => entities[name]);
  };
  const value = () => {
    const open = next();
    switch (open) {
      case "<true/>":
        return true;
      case "<false/>":
        return false;
      case "<array/>":
        return [];
      case "<dict/>":
        return {};
      case "<string>":
      case "<integer>": {
        const content = text();
        expect(open.replace("<", "</"));
        return open === "<integer>" ? Number(content) : content;
      }
      case "<array>": {
        const items = [];
        while (tokens[at] !== "</array>") items.push(value());
        next();
        return items;
      }
      case "<dict>": {
        const dict = {};
        while (tokens[at] !== "</dict>") {
          expect("<key>");
          const key = text();
          expect("</key>");
          dict[key] = value();
        }
        next();
        return dict;
      }
      default:
        throw new Error(`not a plist element Tessera uses: ${open}`);
    }
  };
  expect('<plist version="1.0">');
  const result = value();
  expect("</plist>");
  if (at !== tokens.length) throw new Error(`text after </plist>: ${tokens.slice(at).join("")}`);
  return result;
}

const spec = parse(renderWithoutData(template));
const [targetName, target] = Object.entries(spec.targets).find(([name]) => name.endsWith("_iOS"));

test("tauri.conf.json hands the command line Tessera's template, by a path from the repository's root", () => {
  assert.equal(templatePath, "src-tauri/ios/project.yml");
  assert.ok(existsSync(new URL(templatePath, root)));
  // The command line reads the template from its working directory, so `tauri ios init` must run
  // from the root (as `npm run tauri` does), never in another folder.
  for (const [workflow, job] of [
    ["ios.yml", "simulator-build"],
    ["release.yml", "ios"],
  ]) {
    const steps = parse(read(`.github/workflows/${workflow}`)).jobs[job].steps;
    const init = steps.find((step) => /ios init/.test(step.run ?? ""));
    assert.ok(init, `${workflow} runs tauri ios init`);
    assert.match(init.run, /npm run tauri -- ios init/);
    assert.equal(init["working-directory"], undefined, `${workflow} runs it from the root`);
  }
});

test("the template keeps the placeholders the command line fills in", () => {
  for (const placeholder of [
    "name: {{app.name}}",
    "bundleIdPrefix: {{app.identifier}}",
    "iOS: {{apple.ios-version}}",
    "PRODUCT_NAME: {{app.stylized-name}}",
    "DEVELOPMENT_TEAM: {{apple.development-team}}",
    "{{app.name}}_iOS:",
    "path: {{app.asset-dir}}",
    "path: {{app.name}}_iOS/Info.plist",
    "CFBundleShortVersionString: {{apple.bundle-version-short}}",
    "{{~#each apple.plist-pairs}}",
    "ARCHS: [{{join ios-valid-archs}}]",
    "framework: {{ lib-output-file-name }}",
    "{{~#each ios-frameworks}}",
    "{{~#each ios-pre-build-scripts}}",
    '"{{ tauri-binary }}" {{ tauri-binary-args-str }}',
  ]) {
    assert.ok(template.includes(placeholder), `the template has ${placeholder}`);
  }
  assert.equal(targetName, "placeholder_iOS");
  const build = target.preBuildScripts.find((script) => script.name === "Build Rust Code");
  assert.match(build.script, /^"placeholder" placeholder -v --platform "\$\{PLATFORM_DISPLAY_NAME:\?\}" /);
  assert.match(build.script, /--configuration "\$\{CONFIGURATION:\?\}" \$\{FORCE_COLOR\} \$\{ARCHS:\?\}$/);
});

test("debug builds get APNs's development gateway and release builds its production one", () => {
  // XcodeGen's own `entitlements:` would write an empty file and point both builds at it.
  assert.equal(target.entitlements, undefined);
  const entitlements = {};
  for (const [config, gateway] of [
    ["debug", "development"],
    ["release", "production"],
  ]) {
    const path = target.settings.configs[config].CODE_SIGN_ENTITLEMENTS;
    entitlements[config] = parsePlist(readFileSync(fromGenerated(path), "utf8"));
    assert.equal(entitlements[config]["aps-environment"], gateway, `${config}: ${path}`);
  }
  assert.deepEqual(Object.keys(entitlements.debug), Object.keys(entitlements.release));
  // With an App Store Connect API key the command line archives unsigned and signs the app with
  // gen/apple/<target>/<target>.entitlements: that must be the release file.
  const release = target.settings.configs.release.CODE_SIGN_ENTITLEMENTS.replace("$(SRCROOT)/", "");
  assert.equal(spec.options.postGenCommand, `cp ${release} ${targetName}/${targetName}.entitlements`);
});

test("the privacy manifest is one of the app's resources: no tracking, no data collected", () => {
  const source = target.sources.find((entry) => entry.path?.endsWith("PrivacyInfo.xcprivacy"));
  assert.deepEqual(source, { path: "../../ios/PrivacyInfo.xcprivacy", buildPhase: "resources" });
  const manifest = parsePlist(readFileSync(fromGenerated(source.path), "utf8"));
  assert.equal(manifest.NSPrivacyTracking, false);
  assert.deepEqual(manifest.NSPrivacyTrackingDomains, []);
  assert.deepEqual(manifest.NSPrivacyCollectedDataTypes, []);
  const categories = manifest.NSPrivacyAccessedAPITypes.map((entry) => entry.NSPrivacyAccessedAPIType);
  assert.deepEqual(categories, [
    "NSPrivacyAccessedAPICategoryFileTimestamp",
    "NSPrivacyAccessedAPICategoryDiskSpace",
    "NSPrivacyAccessedAPICategorySystemBootTime",
  ]);
  for (const entry of manifest.NSPrivacyAccessedAPITypes) {
    assert.ok(entry.NSPrivacyAccessedAPITypeReasons.length > 0, entry.NSPrivacyAccessedAPIType);
    for (const reason of entry.NSPrivacyAccessedAPITypeReasons) assert.match(reason, /^[0-9A-F]{4}\.\d$/);
  }
});

test("the plist reader refuses a broken file", () => {
  const plist = (body) => `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">${body}</plist>`;
  assert.deepEqual(parsePlist(plist("<dict><key>a</key><array><string>x &amp; y</string></array></dict>")), {
    a: ["x & y"],
  });
  assert.throws(() => parsePlist(plist("<dict><key>a</key><string>x</dict>")));
  assert.throws(() => parsePlist(plist("<dict><key>a</key></dict>")));
  assert.throws(() => parsePlist(plist("<dict><key>a</key><false/></dict><dict/>")));
});
