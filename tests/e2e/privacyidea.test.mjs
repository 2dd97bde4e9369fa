// privacyIDEA push tokens in the built app, against the real privacyIDEA that
// scripts/with-privacyidea.sh starts (tests/e2e/run.sh runs inside it): its administrator rolls
// out a push token, the app connects by pasting the token's link, a website's /validate/check
// starts a challenge that opens the approval screen by itself, and approving, declining, picking
// the number the sign-in page shows, and picking a wrong one end as privacyIDEA's finishing
// /validate/check says (ACCEPT or REJECT). Skipped, with a message, without the server.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { approvalGone, approvalMessage, approvalScreen, screenshot, settle, startApp, stopApp } from './harness.mjs';

const CLI = process.env.TESSERA_E2E_CLI;
const BASE = process.env.TESSERA_TEST_PRIVACYIDEA;
const ADMIN = process.env.TESSERA_TEST_PRIVACYIDEA_ADMIN;
const skip = BASE && ADMIN ? false : 'no privacyIDEA server (tests/e2e/run.sh starts one)';

const folder = mkdtempSync(join(tmpdir(), 'tessera-e2e-privacyidea-'));
const vault = join(folder, 'vault.tessera');
let session;
let adminSession;
let serial;

/** A form to privacyIDEA, as its administrator (`admin`) or as a website; its JSON envelope. */
async function privacyidea(method, path, form, admin = false) {
  const body = new URLSearchParams(form);
  const url = method === 'GET' ? `${BASE}${path}?${body}` : `${BASE}${path}`;
  const answer = await fetch(url, {
    method,
    headers: admin ? { authorization: adminSession } : {},
    body: method === 'GET' ? undefined : body,
  });
  return answer.json();
}

/** Poll-only push tokens at this server; with `presence`, the user picks the page's number. */
async function pushPolicies(presence) {
  const policies = {
    push_enroll: ['enrollment', `push_firebase_configuration=poll only, push_registration_url=${BASE}/ttype/push, push_ssl_verify=0, push_ttl=10`],
    push_auth: [
      'authentication',
      'push_text_on_mobile=Sign in from {client_ip}?, push_title_on_mobile=Work account' +
        (presence ? ', push_require_presence, push_presence_options=NUMERIC, push_presence_num_options=3' : ''),
    ],
  };
  for (const [name, [scope, action]] of Object.entries(policies)) {
    const answer = await privacyidea('POST', `/policy/${name}`, { scope, action, active: 'true' }, true);
    assert.equal(answer.result.status, true, JSON.stringify(answer));
  }
}

/** A website checks the token's PIN: a challenge starts. */
async function trigger() {
  const answer = await privacyidea('POST', '/validate/check', { serial, pass: '1234' });
  assert.ok(answer.detail?.transaction_id, JSON.stringify(answer));
  return answer.detail;
}

/** The website finishes the sign-in: ACCEPT or REJECT. */
async function finish(challenge) {
  const answer = await privacyidea('POST', '/validate/check', { serial, pass: '', transaction_id: challenge.transaction_id });
  return answer.result.authentication;
}

before(async () => {
  if (skip) return;
  const [username, password] = ADMIN.split(/:(.*)/s);
  const auth = await fetch(`${BASE}/auth`, { method: 'POST', body: new URLSearchParams({ username, password }) });
  adminSession = (await auth.json()).result.value.token;
  await pushPolicies(false);
  // A vault that opens without asking: approving needs no unlock here (lock.test.mjs and the
  // command tests cover "approvals need the user").
  execFileSync(CLI, ['init'], { env: { ...process.env, TESSERA_VAULT: vault } });
});

after(async () => {
  await stopApp(session);
  rmSync(folder, { recursive: true, force: true });
});

test('the app connects to a privacyIDEA push token by its link, showing issuer, serial and address', { skip }, async () => {
  const rolledOut = await privacyidea('POST', '/token/init', { type: 'push', genkey: '1', pin: '1234' }, true);
  serial = rolledOut.detail.serial;
  const link = rolledOut.detail.pushurl.value;
  assert.match(link, /^otpauth:\/\/pipush\//);

  session = await startApp({ TESSERA_VAULT: vault });
  await session.find('[data-testid="empty-state"]', 30_000);
  await (await session.find('[data-testid="add-account"]')).click();
  await (await session.find('[data-testid="tab-paste"]')).click();
  await (await session.find('[data-testid="link-input"]')).type(link);
  const card = await session.find('[data-testid="connect-card"]', 15_000);
  assert.equal((await (await session.find('[data-testid="connect-serial"]')).text()).trim(), serial);
  assert.equal((await (await session.find('[data-testid="connect-url"]')).text()).trim(), `${BASE}/ttype/push`);
  assert.match(await card.text(), /privacyIDEA/);
  assert.equal((await session.findAll('[data-testid="connect-device-name"]')).length, 0, 'privacyIDEA takes no device name');
  await screenshot(session, 'privacyidea-01-connect-en-light');
  await (await session.find('[data-testid="connect-button"]')).click();
  await session.until(
    async () => (await session.findAll('[data-testid="connect-card"]')).length === 0,
    'connected',
    30_000,
  );
  const token = await privacyidea('GET', '/token/', { serial }, true);
  assert.equal(token.result.value.tokens[0].rollout_state, 'enrolled');
});

test('a challenge opens the approval screen by itself; Approve signs in, Deny refuses', { skip }, async () => {
  let challenge = await trigger();
  const screen = await approvalScreen(session);
  const question = (await (await session.find('[data-testid="approval-question"]')).text()).trim();
  assert.match(question, /^Sign in from 127\.0\.0\.1\?/);
  assert.match(await screen.text(), /Work account/);
  assert.match(await screen.text(), new RegExp(serial));
  await session.until(
    async () => (await session.script('return document.activeElement?.dataset.testid')) === 'approval-approve',
    'the focus on Approve',
  );
  await screenshot(session, 'privacyidea-02-approve-en-light');
  await (await session.find('[data-testid="approval-approve"]')).click();
  assert.match(await approvalMessage(session), /approved/i);
  assert.equal(await finish(challenge), 'ACCEPT');
  await approvalGone(session);

  challenge = await trigger();
  await approvalScreen(session);
  await (await session.find('[data-testid="approval-deny"]')).click();
  assert.match(await approvalMessage(session), /denied/i);
  assert.equal(await finish(challenge), 'REJECT');
  await approvalGone(session);
});

test('with number matching the options are buttons: the page’s number signs in, another ends the sign-in', { skip }, async () => {
  await pushPolicies(true);
  let challenge = await trigger();
  await approvalScreen(session);
  const buttons = await session.findAll('[data-testid^="approval-option-"]');
  assert.equal(buttons.length, 3);
  const labels = await Promise.all(buttons.map(async (button) => (await button.text()).trim()));
  const right = labels.indexOf(challenge.presence_answer);
  assert.ok(right >= 0, `${challenge.presence_answer} among ${labels}`);
  await screenshot(session, 'privacyidea-03-pick-en-light');
  await buttons[right].click();
  assert.match(await approvalMessage(session), /approved/i);
  assert.equal(await finish(challenge), 'ACCEPT');
  await approvalGone(session);

  await settle(session, 'nl', 'dark');
  challenge = await trigger();
  await approvalScreen(session);
  await screenshot(session, 'privacyidea-04-pick-nl-dark');
  const again = await session.findAll('[data-testid^="approval-option-"]');
  const shown = await Promise.all(again.map(async (button) => (await button.text()).trim()));
  const wrong = shown.findIndex((label) => label !== challenge.presence_answer);
  await again[wrong].click();
  assert.match(await approvalMessage(session), /klopte niet/);
  const polled = await privacyidea('GET', '/validate/polltransaction', { transaction_id: challenge.transaction_id });
  assert.equal(polled.result.value, false, 'not approved');
  assert.equal(await finish(challenge), 'REJECT');
  await approvalGone(session);
  await settle(session, 'en', 'light');
  await pushPolicies(false);
});

test('Settings lists the token as a privacyIDEA push token', { skip }, async () => {
  await (await session.find('[data-testid="open-settings"]')).click();
  const row = await session.find('[data-testid="server-row"]', 15_000);
  const text = await row.text();
  assert.match(text, new RegExp(serial));
  assert.match(text, /privacyIDEA push token/);
  await (await session.find('[data-testid="server-disconnect"]')).click();
  assert.match(await row.text(), /administrator/);
  await screenshot(session, 'privacyidea-05-settings-en-light');
  await (await session.find('[data-testid="server-disconnect-cancel"]')).click();
  await (await session.find('[data-testid="back"]')).click();
});
