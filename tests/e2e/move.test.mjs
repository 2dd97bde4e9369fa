// Moving to another device by QR code, between two instances of the built app with two vaults
// (WebKitGTK under Xvfb, through tauri-driver). The old device's "Move to another device" screen
// is screenshotted page by page; each screenshot is decoded by the command line (`tessera qr
// decode`) to check that it holds that page's part, and is then given, in a shuffled order, to
// the new device's Add → "From a picture" (what a user with a screenshot does; on a phone the
// camera reads the same codes). The new device names the code still missing, asks for the one-time
// code, refuses a wrong one, then adds every account. Screenshots of the move screen in English
// and light and in Dutch and dark, and of the Add screen part-way.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { screenshot, settle, startApp, stopApp } from './harness.mjs';
import { sleep } from './webdriver.mjs';

const CLI = process.env.TESSERA_E2E_CLI;
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

const folder = mkdtempSync(join(tmpdir(), 'tessera-move-'));
const oldVault = join(folder, 'old-phone.tessera');
const newVault = join(folder, 'new-phone.tessera');
const picked = join(folder, 'picked.png');
let session;

/** What the old device moves: every kind, algorithm and a few digits and periods. */
const LINKS = [
  'otpauth://totp/GitHub:octocat?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub',
  'otpauth://totp/Bank%20of%20Z%C3%BCrich:j%C3%B6rg?secret=JBSWY3DPEHPK3PXP&issuer=Bank%20of%20Z%C3%BCrich&algorithm=SHA256&digits=8&period=60',
  'otpauth://hotp/Forge:bob?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI&issuer=Forge&counter=42',
  'otpauth://totp/Mail:alice?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=Mail&algorithm=SHA512&digits=7&period=15',
  ...Array.from({ length: 16 }, (_, n) => `otpauth://totp/Shop%20${n}:user${n}?secret=NB2W45DFOIZA${'ABCDEFGHIJKLMNOP'[n]}&issuer=Shop%20${n}`),
];

/** The screenshots of the old device's QR codes, by page (from 1). */
const pages = [];
let oneTimeCode;
let sentNames;

function tessera(args) {
  return execFileSync(CLI, args, { env: { ...process.env, TESSERA_VAULT: oldVault } }).toString();
}

/** The texts of the QR codes in a picture, read by the command line. */
function decoded(picture) {
  return JSON.parse(execFileSync(CLI, ['qr', 'decode', picture]).toString()).texts;
}

/** How many accounts the list holds: the list is virtual, so not every tile is in the page, but
 * each row knows the list's size. */
async function tileCount() {
  return session.script(
    'const row = document.querySelector(\'li[aria-setsize]\'); return row ? Number(row.getAttribute("aria-setsize")) : 0',
  );
}

/** The accounts a vault holds, as the command line lists them (issuer and name, in order). */
function listed(vault) {
  return execFileSync(CLI, ['list'], { env: { ...process.env, TESSERA_VAULT: vault } })
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.split('\t').slice(1, 3).join(' '));
}

/** "Code 3 of 7" (or "Code 3 van 7"): the page shown and how many there are. */
async function pageNumber() {
  const text = await (await session.find('[data-testid="qr-page-number"]')).text();
  const [, page, total] = text.match(/(\d+)\D+(\d+)/);
  return { page: Number(page), total: Number(total) };
}

/** Waits for the QR picture of this page to be drawn, brings it to the middle, and screenshots the window. */
async function screenshotPage(kind, page, file) {
  const picture = await session.find('[data-testid="qr-page"]');
  await session.until(
    () =>
      session.script(
        'const img = arguments[0]; return img.complete && img.naturalWidth > 100 && img.currentSrc.endsWith(arguments[1]);',
        [{ [ELEMENT]: picture.id }, `%2F${page}`],
      ),
    `${kind} code ${page} drawn`,
  );
  await session.script('arguments[0].scrollIntoView({block: "center"})', [{ [ELEMENT]: picture.id }]);
  await sleep(300);
  writeFileSync(file, await session.screenshot());
}

before(() => {
  execFileSync(CLI, ['init'], { env: { ...process.env, TESSERA_VAULT: oldVault } });
  tessera(['add', '--keep-both', ...LINKS]);
});

after(() => stopApp(session));

test('the old device shows numbered QR codes of every account with a one-time code', async () => {
  session = await startApp({ TESSERA_VAULT: oldVault });
  // Wide and tall enough that the whole code is on screen at four pixels a module.
  await session.setWindowSize(560, 1000);
  await session.until(async () => (await tileCount()) === LINKS.length, 'the old device\'s accounts', 30_000);
  sentNames = listed(oldVault);
  // The settings file is shared with the tests before this one, which may have left Dutch or dark.
  await settle(session, 'en', 'light');

  await (await session.find('[data-testid="open-settings"]')).click();
  await (await session.find('[data-testid="open-move"]')).click();
  const code = await session.find('[data-testid="move-code"]', 30_000);
  oneTimeCode = (await code.text()).trim();
  assert.match(oneTimeCode, /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
  const { page, total } = await pageNumber();
  assert.equal(page, 1);
  assert.ok(total >= 7, `a backup is at least 4 KiB: ${total} codes`);
  await screenshot(session, '13-move-en-light');

  for (let part = 1; part <= total; part += 1) {
    const file = join(folder, `move-${part}.png`);
    await screenshotPage('move', part, file);
    const texts = decoded(file);
    assert.equal(texts.length, 1, `one code on screen for part ${part}`);
    assert.match(texts[0], new RegExp(`^tessera://move\\?v=1&id=[0-9A-Z]{8}&part=${part}&of=${total}&data=`));
    assert.ok(!texts[0].includes(oneTimeCode.replace('-', '')), 'the code is not in the QR codes');
    pages[part] = file;
    await (await session.find('[data-testid="qr-next"]')).click();
  }
  assert.equal((await pageNumber()).page, 1, 'after the last code comes the first again');

  // Played, the codes follow one another by themselves.
  await (await session.find('[data-testid="qr-play"]')).click();
  await session.until(async () => (await pageNumber()).page >= 3, 'the codes to play', 10_000);
  await (await session.find('[data-testid="qr-play"]')).click();
});

test('the same screen offers Google export codes for other apps, only after a warning', async () => {
  await (await session.find('[data-testid="move-way-google"]')).click();
  assert.equal((await session.findAll('[data-testid="qr-page"]')).length, 0, 'no code before the warning is answered');
  await (await session.find('[data-testid="move-google-show"]')).click();
  const file = join(folder, 'google-1.png');
  await screenshotPage('google', 1, file);
  const texts = decoded(file);
  assert.match(texts[0], /^otpauth-migration:\/\/offline\?data=/);
  // Google's format takes neither SHA256 nor SHA512 accounts: both are named.
  const leftOut = await (await session.find('[data-testid="move-google-left-out"]')).text();
  assert.match(leftOut, /Bank of Zürich/);
  assert.match(leftOut, /Mail/);
  await screenshot(session, '13b-move-google-en-light');

  // Dutch and dark: the settings, then the move screen again (with new codes and a new code).
  await (await session.find('[data-testid="back"]')).click();
  await (await session.find('[data-testid="open-settings"]')).click();
  await (await session.find('[data-testid="language"]')).select('nl');
  await (await session.find('[data-testid="theme"]')).select('dark');
  await session.until(async () => (await session.script('return document.documentElement.dataset.theme')) === 'dark', 'the dark theme');
  await (await session.find('[data-testid="open-move"]')).click();
  const again = (await (await session.find('[data-testid="move-code"]', 30_000)).text()).trim();
  assert.notEqual(again, oneTimeCode, 'a new code each time the screen opens');
  await session.until(async () => /Code 1 van/.test(await (await session.find('[data-testid="qr-page-number"]')).text()), 'Dutch');
  await screenshot(session, '14-move-nl-dark');
  await (await session.find('[data-testid="back"]')).click();
  await (await session.find('[data-testid="open-settings"]')).click();
  await (await session.find('[data-testid="language"]')).select('en');
  await (await session.find('[data-testid="theme"]')).select('light');
  await session.until(async () => (await session.script('return document.documentElement.dataset.theme')) === 'light', 'the light theme');
  await sleep(500);
  await stopApp(session);
  session = undefined;
});

test('the new device reads the screenshots in any order, asks for the code, and adds every account', async () => {
  session = await startApp({ TESSERA_VAULT: newVault, TESSERA_PICK_FILE: picked });
  await session.find('[data-testid="empty-state"]', 30_000);
  await (await session.find('[data-testid="add-account"]')).click();
  await (await session.find('[data-testid="tab-picture"]')).click();

  const total = pages.length - 1;
  // The last first, then the others from the middle outwards; the one at the middle left for last.
  const order = [total, ...Array.from({ length: total - 1 }, (_, at) => at + 1)];
  const middle = order.splice(Math.floor(order.length / 2), 1)[0];
  for (const [scanned, part] of order.entries()) {
    copyFileSync(pages[part], picked);
    await (await session.find('[data-testid="pick-picture"]')).click();
    const progress = await session.find('[data-testid="move-progress"]');
    await session.until(
      async () => (await progress.text()).includes(`${scanned + 1} of ${total}`),
      `${scanned + 1} codes scanned`,
      20_000,
    );
  }
  const missing = await (await session.find('[data-testid="move-missing"]')).text();
  assert.match(missing, new RegExp(`Code ${middle} of ${total} is still missing`));
  assert.equal((await session.findAll('[data-testid="move-code-input"]')).length, 0, 'no code asked for yet');
  await screenshot(session, '15-add-move-missing-en-light');
  // A code scanned twice changes nothing.
  copyFileSync(pages[total], picked);
  await (await session.find('[data-testid="pick-picture"]')).click();
  await sleep(500);
  assert.match(await (await session.find('[data-testid="move-missing"]')).text(), new RegExp(`Code ${middle} of`));

  copyFileSync(pages[middle], picked);
  await (await session.find('[data-testid="pick-picture"]')).click();
  const field = await session.find('[data-testid="move-code-input"]', 20_000);
  const wrong = `${oneTimeCode[0] === 'Z' ? 'Y' : 'Z'}${oneTimeCode.slice(1)}`;
  await field.type(wrong);
  await (await session.find('[data-testid="move-open"]')).click();
  const problem = await session.find('.error[role="alert"]', 20_000);
  assert.match(await problem.text(), /does not open these QR codes/);
  assert.equal(await tileCount(), 0);

  // The field is drawn again with the message: find it anew.
  const again = await session.find('[data-testid="move-code-input"]');
  await again.clear();
  // Typed loosely: lower case, without the dash.
  await again.type(oneTimeCode.replace('-', '').toLowerCase());
  await (await session.find('[data-testid="move-open"]')).click();
  const confirm = await session.find('[data-testid="confirm-import"]', 20_000);
  assert.match(await confirm.text(), new RegExp(`${LINKS.length} accounts`));
  await screenshot(session, '16-add-move-preview-en-light');
  await confirm.click();
  await session.until(async () => (await tileCount()) === LINKS.length, 'every account on the new device', 20_000);
  assert.deepEqual(listed(newVault), sentNames);
});
