// Sign-in approvals across the real parts: tessera-server on loopback, its demo shop in Debian's
// Chromium (Playwright, as in tests/approvals), and the built app (WebKitGTK under Xvfb, through
// tauri-driver) as the phone. The visitor signs up on the shop, the app scans the enrollment QR
// code from a screenshot of the shop's page, the visitor signs in, the approval screen appears in
// the app by itself, the number the shop shows is typed, and the shop signs the visitor in. Then a
// wrong number, "this wasn't me", an approval that expires on screen, and disconnecting.
// Choose mode comes from the server's relying-party API (the shop asks in typed mode only). Also
// prints the time from a site's request to the approval screen drawn in the app, over 50 sign-ins.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approvalGone, approvalMessage, approvalScreen, screenshot, settle, startApp, stopApp } from './harness.mjs';
import { sleep } from './webdriver.mjs';

const CLI = process.env.TESSERA_E2E_CLI;
const SERVER = process.env.TESSERA_E2E_SERVER;
const APPROVAL_SECONDS = 15;

const folder = mkdtempSync(join(tmpdir(), 'tessera-e2e-approvals-'));
const vault = join(folder, 'vault.tessera');
const enrollmentPicture = join(folder, 'shop-page.png');
let server;
let shop; // tests/approvals/shop.mjs, loaded once the server's address is known
let browser;
let page;
let session;
let username;
let base; // the server's origin
let secondUser; // connected in the expiry test, and still connected at the end
let apiKey; // a relying party's, for choose mode and the figures

function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startServer() {
  const port = await freePort();
  server = spawn(
    SERVER,
    ['--listen', `127.0.0.1:${port}`, '--data', join(folder, 'server'), '--approval-seconds', String(APPROVAL_SECONDS)],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  base = `http://127.0.0.1:${port}`;
  const demo = `${base}/demo`;
  for (let tries = 0; tries < 100; tries += 1) {
    try {
      if ((await fetch(demo)).ok) return demo;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error('tessera-server did not start');
}

before(async () => {
  process.env.TESSERA_APPROVALS_DEMO = await startServer();
  process.env.TESSERA_APPROVALS_SCREENSHOTS = join(process.env.TESSERA_E2E_SCREENSHOTS, 'shop');
  shop = await import('../approvals/shop.mjs');
  browser = await shop.openBrowser();
  // A vault that opens without asking (a device slot in the session's keyring): approving needs
  // no unlock here; the command tests cover app lock's "approvals need the user".
  execFileSync(CLI, ['init'], { env: { ...process.env, TESSERA_VAULT: vault } });
  const registered = execFileSync(SERVER, ['add-relying-party', 'Figures shop', '--data', join(folder, 'server')]).toString();
  apiKey = registered.trim().split('\n').pop();
});

/** A call to the relying-party API. */
async function site(path, body) {
  const answer = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await answer.json();
  assert.ok(answer.ok, `${path}: ${JSON.stringify(json)}`);
  return json;
}


/** Connects the app to an account of the relying party, by pasting the link the site gives. */
async function connectByPasting(link) {
  await (await session.find('[data-testid="add-account"]')).click();
  await (await session.find('[data-testid="tab-paste"]')).click();
  await (await session.find('[data-testid="link-input"]')).type(link);
  await (await session.find('[data-testid="connect-button"]')).click();
  await session.until(
    async () => (await session.findAll('[data-testid="connect-card"]')).length === 0,
    'connected',
    20_000,
  );
}

after(async () => {
  await stopApp(session);
  await browser?.close();
  server?.kill();
  rmSync(folder, { recursive: true, force: true });
});

test('the app connects by scanning the shop page, and approving with its number signs the visitor in', async () => {
  page = await shop.openDemo(browser.context);
  username = shop.newUsername('app');
  await shop.signUp(page, username);
  await page.getByTestId('enroll-qr').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="enroll-qr"]').naturalWidth > 0);
  await page.screenshot({ path: enrollmentPicture });

  session = await startApp({ TESSERA_VAULT: vault, TESSERA_PICK_FILE: enrollmentPicture });
  await session.find('[data-testid="empty-state"]', 30_000);
  await (await session.find('[data-testid="add-account"]')).click();
  await (await session.find('[data-testid="tab-picture"]')).click();
  await (await session.find('[data-testid="pick-picture"]')).click();
  const card = await session.find('[data-testid="connect-card"]');
  assert.match(await card.text(), new RegExp(process.env.TESSERA_APPROVALS_DEMO.replace('/demo', '').replace(/[.:/]/g, '\\$&')));
  await screenshot(session, 'approvals-01-connect-en-light');
  await (await session.find('[data-testid="connect-button"]')).click();
  await session.until(
    async () => (await session.findAll('[data-testid="connect-card"]')).length === 0,
    'the connect card to close once connected',
    20_000,
  );
  await page.getByTestId('enroll-done').click();

  const number = await shop.signInForNumber(page, username);
  await approvalScreen(session);
  await session.until(
    async () => (await session.script('return document.activeElement?.dataset.testid')) === 'approval-number',
    'the focus in the number field',
  );
  const shown = await (await approvalScreen(session)).text();
  assert.match(shown, /Demo shop/);
  assert.match(shown, new RegExp(username));
  await screenshot(session, 'approvals-02-typed-en-light');
  await (await session.find('[data-testid="approval-number"]')).type(`${number}\uE007`);
  const result = await shop.outcome(page);
  assert.equal(result.state, 'signed_in', JSON.stringify(result));
  assert.match(await approvalMessage(session), /approved/i);
  await approvalGone(session);
});

test('a wrong number is refused for good, in the app and on the shop', async () => {
  const number = await shop.signInForNumber(page, username);
  await approvalScreen(session);
  const wrong = number === 99 ? 10 : number + 1;
  await (await session.find('[data-testid="approval-number"]')).type(String(wrong));
  await (await session.find('[data-testid="approval-approve"]')).click();
  const message = await approvalMessage(session);
  assert.match(message, /did not match/);
  await screenshot(session, 'approvals-03-wrong-number-en-light');
  const result = await shop.outcome(page);
  assert.deepEqual([result.state, result.reason], ['refused', 'wrong_number']);
  await approvalGone(session);
});

test("\"this wasn't me\" denies, and the shop shows that approvals pause", async () => {
  await settle(session, 'nl', 'dark');
  await shop.signInForNumber(page, username);
  await approvalScreen(session);
  await screenshot(session, 'approvals-04-typed-nl-dark');
  await (await session.find('[data-testid="approval-not-me"]')).click();
  const result = await shop.outcome(page);
  assert.deepEqual([result.state, result.reason], ['refused', 'not_me']);
  await approvalGone(session);
  await shop.submitSignIn(page, username);
  await page.getByTestId('sign-in-error').waitFor();
  assert.match(await page.getByTestId('sign-in-error').textContent(), /paused/);
});

test('an approval that expires while on screen leaves it with a message', async () => {
  const other = shop.newUsername('expires');
  secondUser = other;
  const fresh = await shop.openDemo(browser.context);
  await shop.signUp(fresh, other);
  const link = await shop.enrollmentLink(fresh);
  await connectByPasting(link);
  await fresh.getByTestId('enroll-done').click();
  await shop.signInForNumber(fresh, other);
  await approvalScreen(session);
  assert.match(await approvalMessage(session, (APPROVAL_SECONDS + 10) * 1000), /verlopen/, 'the countdown ends with a message (in Dutch here)');
  await approvalGone(session);
  await fresh.close();
});

test('choose mode offers three numbers, and picking the right one approves', async () => {
  await settle(session, 'en', 'dark');
  const { link } = await site('/v1/enrollments', { account: 'chooser' });
  await connectByPasting(link);
  const choose = async (name, expected) => {
    const created = await site('/v1/approvals', {
      account: 'chooser',
      mode: 'choose',
      context: { site: 'Figures shop', browser: 'Firefox on Linux', place: 'Utrecht, NL', ip: '192.0.2.7' },
    });
    await approvalScreen(session);
    assert.equal((await session.findAll('[data-testid^="approval-choice-"]')).length, 3);
    await screenshot(session, name);
    await (await session.find(`[data-testid="approval-choice-${created.number}"]`)).click();
    assert.match(await approvalMessage(session), expected);
    await approvalGone(session);
  };
  await choose('approvals-05-choose-en-dark', /approved/);
  await settle(session, 'nl', 'light');
  await choose('approvals-06-choose-nl-light', /goedgekeurd/);
  await settle(session, 'en', 'light');
});

test('the servers are listed in Settings, and disconnecting makes the shop forget the app', async () => {
  await (await session.find('[data-testid="open-settings"]')).click();
  await session.until(async () => (await session.findAll('[data-testid="server-row"]')).length === 3, 'three servers');
  await screenshot(session, 'approvals-07-servers-en-light');
  const rows = await session.findAll('[data-testid="server-row"]');
  assert.match(await rows[0].text(), /Demo shop/);
  await (await session.findAll('[data-testid="server-disconnect"]'))[0].click();
  await (await session.find('[data-testid="server-disconnect-confirm"]')).click();
  await session.until(async () => (await session.findAll('[data-testid="server-row"]')).length === 2, 'two servers left');
  await shop.submitSignIn(page, username);
  await page.getByTestId('sign-in-error').waitFor();
  assert.match(await page.getByTestId('sign-in-error').textContent(), /No phone is connected/);
  await (await session.find('[data-testid="back"]')).click();
});

test('from the site asking to the approval screen drawn, over 50 sign-ins (printed, not asserted)', async () => {
  // Spread over accounts: a server asks one account at most 10 times a minute.
  const accounts = ['figures-1', 'figures-2', 'figures-3', 'figures-4', 'figures-5', 'figures-6'];
  for (const account of accounts) {
    const { link } = await site('/v1/enrollments', { account });
    await connectByPasting(link);
  }
  const shownKey = () => session.script('return window.tesseraApprovalShown?.key ?? null');
  const latencies = [];
  for (let index = 0; index < 50; index += 1) {
    const before = await shownKey();
    const asked = Date.now();
    const created = await site('/v1/approvals', {
      account: accounts[index % accounts.length],
      context: { site: 'Figures shop' },
    });
    await session.until(async () => {
      const key = await shownKey();
      return key !== before && key?.endsWith(`/${created.id}`);
    }, 'the approval screen', 15_000);
    const drawn = await session.script('return window.tesseraApprovalShown.at');
    latencies.push(drawn - asked);
    await (await session.find('[data-testid="approval-number"]')).type(`${created.number}\uE007`);
    await approvalGone(session);
  }
  latencies.sort((a, b) => a - b);
  const at = (share) => latencies[Math.min(latencies.length - 1, Math.ceil(share * latencies.length) - 1)];
  console.log(
    `site's request to approval screen drawn, over SSE on loopback, ${latencies.length} sign-ins: ` +
      `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${latencies.at(-1)} ms`,
  );
  assert.equal(latencies.length, 50);
});

test('"Sign in with Tessera" needs app lock; with it on, the unlock approves a sign-in without a password', async () => {
  const shopPage = await shop.openDemo(browser.context);
  const askWithoutPassword = async () => {
    if (!(await shopPage.getByTestId('sign-in-username').isVisible())) {
      await shopPage.getByRole('navigation').getByRole('link', { name: 'Sign in' }).click();
    }
    await shopPage.getByTestId('sign-in-username').fill(secondUser);
    await shopPage.getByTestId('sign-in-with-tessera').click();
    const shown = shopPage.getByTestId('sign-in-number');
    await shown.waitFor();
    return Number((await shown.textContent()).trim());
  };

  // This vault opens without asking: a sign-in without a password cannot be approved with it.
  let number = await askWithoutPassword();
  await approvalScreen(session);
  await session.find('[data-testid="approval-passwordless"]');
  await (await session.find('[data-testid="approval-number"]')).type(`${number}\uE007`);
  const problem = await session.find('[data-testid="approval-problem"]');
  assert.match(await problem.text(), /app lock/);
  await screenshot(session, 'approvals-08-passwordless-needs-app-lock-en-light');
  await (await session.find('[data-testid="approval-deny"]')).click();
  await approvalGone(session);
  assert.deepEqual(Object.values(await shop.outcome(shopPage)).slice(0, 2), ['refused', 'declined']);

  // App lock on (a password in, the device slot out, by the command line), and a new start.
  await stopApp(session);
  const vaultEnv = { ...process.env, TESSERA_VAULT: vault, TESSERA_NEW_PASSWORD: 'a passphrase for the phone' };
  execFileSync(CLI, ['slots', 'add-password'], { env: vaultEnv });
  execFileSync(CLI, ['slots', 'remove', '1'], { env: { ...vaultEnv, TESSERA_PASSWORD: 'a passphrase for the phone' } });
  session = await startApp({ TESSERA_VAULT: vault });
  await (await session.find('[data-testid="unlock-screen"]', 30_000)).text();

  number = await askWithoutPassword();
  // Locked, the app shows nothing of it; the unlock is the verification the sign-in needs.
  assert.equal((await session.findAll('[data-testid="approval-screen"]')).length, 0);
  await (await session.find('[data-testid="unlock-secret"]')).type('a passphrase for the phone\uE007');
  await approvalScreen(session);
  await screenshot(session, 'approvals-09-passwordless-en-light');
  await (await session.find('[data-testid="approval-number"]')).type(`${number}\uE007`);
  assert.match(await approvalMessage(session), /approved/);
  const result = await shop.outcome(shopPage);
  assert.equal(result.state, 'signed_in', JSON.stringify(result));
  await approvalGone(session);
  await shopPage.close();
});
