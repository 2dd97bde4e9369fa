// The demo shop's page on its own, against the real tessera-server: languages, the keyboard, a
// missing phone, and an enrollment code that lapses. No phone answers anything here.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeDemo,
  enrollmentLink,
  newUsername,
  openBrowser,
  openDemo,
  screenshots,
  signUp,
  submitSignIn,
} from './shop.mjs';

let browser;

before(async () => {
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
});

test('the page speaks Dutch to a browser set to Dutch, and English on request', async () => {
  const dutch = await openBrowser({ locale: 'nl-NL' });
  try {
    const page = await openDemo(dutch.context);
    const heading = page.getByRole('heading', { level: 1 }).filter({ visible: true });
    assert.equal(await heading.textContent(), 'Account maken');
    assert.equal(await page.getAttribute('html', 'lang'), 'nl');
    const field = page.getByRole('textbox', { name: 'Gebruikersnaam' });
    assert.equal(await field.getAttribute('data-testid'), 'sign-up-username');
    assert.equal(await page.getByTestId('language-nl').getAttribute('aria-pressed'), 'true');

    await page.getByTestId('language-en').click();
    assert.equal(await heading.textContent(), 'Create an account');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.getByTestId('language-en').getAttribute('aria-pressed'), 'true');
    await closeDemo(page);
  } finally {
    await dutch.close();
  }
});

test('signing up works from the keyboard alone, with the focus always visible', async () => {
  const page = await openDemo(browser.context);
  const username = newUsername('keyboard');
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement;
      const style = getComputedStyle(element);
      return { testid: element.dataset.testid ?? element.tagName, outline: style.outlineStyle };
    });
  for (let presses = 0; ; presses += 1) {
    assert.ok(presses < 15, 'Tab reaches the username field');
    await page.keyboard.press('Tab');
    const now = await focused();
    assert.notEqual(now.outline, 'none', `${now.testid} shows no focus`);
    if (now.testid === 'sign-up-username') break;
  }
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  assert.equal((await focused()).testid, 'sign-up-password');
  await page.keyboard.type('correct horse battery');
  await page.keyboard.press('Enter');
  assert.match(await enrollmentLink(page), /^tessera:\/\/enroll\?/);
  await closeDemo(page);
});

test('signing in before a phone is connected offers to connect one', async () => {
  const page = await openDemo(browser.context);
  const username = newUsername('no-phone');
  await signUp(page, username);
  await enrollmentLink(page);
  await submitSignIn(page, username);
  const error = page.getByTestId('sign-in-error');
  await error.waitFor();
  assert.equal(
    await error.textContent(),
    'No phone is connected to this account yet. Connect one first, then sign in.',
  );
  await screenshots(page, '13-sign-in-no-phone');

  await page.getByTestId('sign-in-connect').click();
  assert.match(await enrollmentLink(page), /^tessera:\/\/enroll\?/);
  await closeDemo(page);
});

test('an enrollment code that lapses makes way for a new one', async () => {
  const ownClock = await openBrowser(); // the fake clock is the whole browser's
  await ownClock.context.clock.install();
  const page = await openDemo(ownClock.context);
  await signUp(page, newUsername('lapses'));
  const first = await enrollmentLink(page);

  await page.clock.fastForward('10:01');
  const lapsed = page.getByTestId('enroll-lapsed');
  await lapsed.waitFor();
  assert.ok(await page.getByTestId('enroll-link').isHidden(), 'a lapsed link is put away');
  await screenshots(page, '14-enroll-lapsed');

  await page.getByTestId('enroll-renew').click();
  await page.getByTestId('enroll-link').waitFor();
  assert.notEqual(await page.getByTestId('enroll-link').textContent(), first);
  assert.ok(await lapsed.isHidden(), 'the new code is not lapsed');
  await closeDemo(page);
  await ownClock.close();
});
