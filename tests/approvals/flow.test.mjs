// Signing in to the demo shop with an approval: the real tessera-server and its demo page in
// Chromium, the tessera command line as the phone. Each test is one visitor with an account of
// their own. Run by tests/approvals/run.sh, which starts the server and makes the phone's vault.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as phone from './phone.mjs';
import {
  PASSWORD,
  closeDemo,
  enrollmentLink,
  newUsername,
  openBrowser,
  openDemo,
  outcome,
  screenshots,
  signInForNumber,
  signUp,
  submitSignIn,
} from './shop.mjs';

const folder = mkdtempSync(join(tmpdir(), 'tessera-approvals-flow-'));
let browser;
let page;

before(async () => {
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** A visitor with an account and the phone enrolled for it, on the sign-in form. */
async function enrolledVisitor(what) {
  page = await openDemo(browser.context);
  const username = newUsername(what);
  await signUp(page, username);
  await phone.enroll(await enrollmentLink(page));
  await page.getByTestId('enroll-done').click();
  return username;
}

/** A number from 10 to 99 that is not `number`. */
function otherThan(number) {
  return number === 99 ? 10 : number + 1;
}

test('approving with the number the page shows signs the visitor in', async () => {
  page = await openDemo(browser.context);
  await screenshots(page, '01-sign-up');
  const username = newUsername('approves');
  await signUp(page, username);

  const link = await enrollmentLink(page);
  assert.match(link, /^tessera:\/\/enroll\?/);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    const picture = join(folder, `qr-${scheme}.png`);
    await page.getByTestId('enroll-qr').screenshot({ path: picture });
    assert.deepEqual(await phone.scan(picture), [link], `the QR code on the ${scheme} page holds the link`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  assert.match(await page.getByTestId('enroll-expiry').textContent(), /\d+:\d\d left/);
  await screenshots(page, '02-enroll');
  await phone.enroll(link);

  await page.getByTestId('enroll-done').click();
  assert.equal(await page.getByTestId('sign-in-username').inputValue(), username);
  await screenshots(page, '03-sign-in');
  const number = await signInForNumber(page, username);
  assert.match(await page.getByTestId('sign-in-countdown').textContent(), /^Expires in \d+:\d\d$/);
  await screenshots(page, '04-waiting');

  const approval = await phone.pendingApproval(username);
  assert.match(JSON.stringify(approval.relying_party), /Demo shop/);
  const approved = await phone.approve(approval.id, number);
  assert.equal(approved.status, 0, approved.output);

  const result = await outcome(page);
  assert.equal(result.state, 'signed_in');
  assert.equal(result.message, `Signed in as ${username}`);
  await screenshots(page, '05-signed-in');
  await closeDemo(page);
});

test('a wrong number refuses the sign-in for good', async () => {
  const username = await enrolledVisitor('wrong-number');
  const number = await signInForNumber(page, username);
  const approval = await phone.pendingApproval(username);

  const wrong = await phone.approve(approval.id, otherThan(number));
  assert.notEqual(wrong.status, 0, 'the phone reports the wrong number as a failure');
  assert.match(wrong.output, /denied/i);
  const result = await outcome(page);
  assert.deepEqual([result.state, result.reason], ['refused', 'wrong_number']);
  assert.match(result.message, /refused for good/);
  await screenshots(page, '06-refused-wrong-number');

  const late = await phone.approve(approval.id, number);
  assert.notEqual(late.status, 0, 'the right number, after a wrong one, is not accepted');
  assert.match(late.output, /already denied/);
  await sleep(1000); // time for a sign-in that wrongly went through to reach the page
  assert.equal(await page.getByTestId('sign-in-state').getAttribute('data-state'), 'refused');
  await closeDemo(page);
});

test('"this wasn\'t me" refuses the sign-in and pauses approvals for the account', async () => {
  const username = await enrolledVisitor('not-me');
  await signInForNumber(page, username);
  const approval = await phone.pendingApproval(username);

  const denied = await phone.deny(approval.id, '--not-me');
  assert.equal(denied.status, 0, denied.output);
  const result = await outcome(page);
  assert.deepEqual([result.state, result.reason], ['refused', 'not_me']);
  assert.match(result.hint, /paused/);
  await screenshots(page, '07-refused-not-me');

  await page.getByTestId('result-again').click();
  await page.getByTestId('sign-in-password').fill(PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  const error = page.getByTestId('sign-in-error');
  await error.waitFor();
  assert.match(await error.textContent(), /paused.*Try again after .+ \(in \d+ minutes\)/);
  assert.ok(await page.getByTestId('sign-in-number').isHidden(), 'no number is shown while paused');
  await screenshots(page, '08-sign-in-paused');
  await closeDemo(page);
});

test('declining refuses the sign-in, and the next sign-in may go ahead', async () => {
  const username = await enrolledVisitor('declines');
  await signInForNumber(page, username);
  const denied = await phone.deny((await phone.pendingApproval(username)).id);
  assert.equal(denied.status, 0, denied.output);
  const result = await outcome(page);
  assert.deepEqual([result.state, result.reason], ['refused', 'declined']);
  await screenshots(page, '09-refused-declined');

  await page.getByTestId('result-again').click();
  await signInForNumber(page, username);
  await closeDemo(page);
});

test('a sign-in nobody answers expires', async () => {
  const username = await enrolledVisitor('unanswered');
  await signInForNumber(page, username);
  const approvalSeconds = Number(process.env.TESSERA_APPROVALS_SECONDS ?? 90);
  const result = await outcome(page, (approvalSeconds + 15) * 1000);
  assert.equal(result.state, 'expired');
  assert.equal(result.message, 'Nobody answered on the phone in time.');
  await screenshots(page, '10-expired');
  await closeDemo(page);
});

test('a wrong password is refused on the page', async () => {
  const username = await enrolledVisitor('wrong-password');
  await submitSignIn(page, username, 'not the password');
  const error = page.getByTestId('sign-in-error');
  await error.waitFor();
  assert.equal(await error.textContent(), 'The username or password is not right.');
  assert.equal(await page.getByTestId('sign-in-password').getAttribute('aria-invalid'), 'true');
  assert.ok(await page.getByTestId('sign-in-number').isHidden(), 'no number without the password');
  await screenshots(page, '11-sign-in-wrong-password');
  await closeDemo(page);
});

test('a taken username is refused on the page', async () => {
  page = await openDemo(browser.context);
  const username = newUsername('taken');
  await signUp(page, username);
  await enrollmentLink(page);
  await signUp(page, username, 'another password');
  const error = page.getByTestId('sign-up-error');
  await error.waitFor();
  assert.equal(await error.textContent(), 'That username is taken. Choose another one, or sign in.');
  assert.equal(await page.getByTestId('sign-up-username').getAttribute('aria-invalid'), 'true');
  await screenshots(page, '12-sign-up-taken');
  await closeDemo(page);
});

test('"Sign in with Tessera" needs only the username, and the phone verifies the user', async () => {
  const username = await enrolledVisitor('passwordless');
  if (!(await page.getByTestId('sign-in-username').isVisible())) {
    await page.getByRole('navigation').getByRole('link', { name: 'Sign in' }).click();
  }
  await page.getByTestId('sign-in-username').fill('');
  await page.getByTestId('sign-in-with-tessera').click();
  assert.equal(await page.getByTestId('sign-in-error').textContent(), 'Enter your username first.');
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-with-tessera').click();
  const shown = page.getByTestId('sign-in-number');
  await shown.waitFor();
  const number = Number((await shown.textContent()).trim());
  const approval = await phone.pendingApproval(username);
  assert.equal(approval.passwordless, true, 'the phone is told there was no password');
  // The phone's vault asks for its password, so approving from it verifies the user.
  const approved = await phone.approve(approval.id, number);
  assert.equal(approved.status, 0, approved.output);
  const result = await outcome(page);
  assert.equal(result.state, 'signed_in', JSON.stringify(result));
  await closeDemo(page);
});
