// The store texts in fastlane/metadata, as the stores' upload tools read them (supply for Play,
// deliver for the App Store): every language has the privacy statement, and no text is longer
// than its store accepts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";

const root = new URL("../../", import.meta.url);
const metadata = new URL("fastlane/metadata/", root);
const languages = ["en-US", "nl-NL"];
const read = (store, language, file) => readFileSync(new URL(`${store}/${language}/${file}`, metadata), "utf8").trim();

test("both stores have the same languages", () => {
  assert.deepEqual(readdirSync(new URL("android/", metadata)).sort(), languages);
  assert.deepEqual(readdirSync(new URL("ios/", metadata)).sort(), languages);
});

test("the App Store listing links the privacy statement in every language", () => {
  assert.ok(existsSync(new URL("docs/privacy.md", root)));
  for (const language of languages) {
    // The owner is a placeholder until the repository is published (docs/release.md).
    const url = read("ios", language, "privacy_url.txt");
    assert.match(url, /^https:\/\/github\.com\/[^/\s]+\/[^/\s]+\/blob\/main\/docs\/privacy\.md$/);
  }
});

test("the Play listing states the privacy statement in every language", () => {
  // Play takes no privacy link from supply (it is set in the Play Console): the description says it.
  assert.match(
    read("android", "en-US", "full_description.txt"),
    /\nPrivacy: Tessera collects no data\..*only the approval servers you enrolled with/,
  );
  assert.match(
    read("android", "nl-NL", "full_description.txt"),
    /\nPrivacy: Tessera verzamelt geen gegevens\..*alleen contact op met de goedkeuringsservers/,
  );
});

test("no text is longer than its store accepts", () => {
  const limits = {
    android: { "title.txt": 30, "short_description.txt": 80, "full_description.txt": 4000 },
    ios: { "name.txt": 30, "subtitle.txt": 30, "keywords.txt": 100, "description.txt": 4000 },
  };
  for (const [store, files] of Object.entries(limits)) {
    for (const language of languages) {
      for (const [file, limit] of Object.entries(files)) {
        const length = [...read(store, language, file)].length;
        assert.ok(length <= limit, `${store}/${language}/${file}: ${length} characters, at most ${limit}`);
      }
    }
  }
});
