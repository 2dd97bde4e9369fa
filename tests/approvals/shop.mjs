// The demo shop's page in Debian's Chromium (never a downloaded browser), driven as a visitor
// would: by labels and the data-testids the page gives, reading what the page shows. Screenshots
// of each screen go to $TESSERA_APPROVALS_SCREENSHOTS in English and Dutch, light and dark, and at
// a phone's width.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const DEMO = process.env.TESSERA_APPROVALS_DEMO;
const SHOTS = process.env.TESSERA_APPROVALS_SCREENSHOTS;
export const PASSWORD = 'correct horse battery';
const DESKTOP = { width: 1024, height: 800 };
const PHONE = { width: 390, height: 844 };

/** A fresh Chromium profile, closed (and removed) by the returned `close`. */
export async function openBrowser({ locale = 'en-GB' } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'tessera-approvals-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    locale,
    viewport: DESKTOP,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A tab on the demo. `problems` collects what must never happen: uncaught errors and anything
 * the server's Content Security Policy blocked.
 */
export async function openDemo(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) page.problems.push(message.text());
  });
  await page.goto(DEMO);
  await page.getByTestId('sign-up-username').waitFor();
  return page;
}

export async function closeDemo(page) {
  const { problems } = page;
  await page.close();
  assert.deepEqual(problems, [], 'the page had errors or was blocked by its CSP');
}

let users = 0;

/** A username of its own for each test (each run starts with an empty server). */
export function newUsername(what) {
  users += 1;
  return `${what}-${users}`;
}

export async function signUp(page, username, password = PASSWORD) {
  await page.getByRole('navigation').getByRole('link', { name: 'Create account' }).click();
  await page.getByTestId('sign-up-username').fill(username);
  await page.getByTestId('sign-up-password').fill(password);
  await page.getByTestId('sign-up-submit').click();
}

/** The enrollment link the page shows, once it shows one. */
export async function enrollmentLink(page) {
  const link = page.getByTestId('enroll-link');
  await link.waitFor();
  return (await link.textContent()).trim();
}

/** Fills in and sends the sign-in form (from wherever the page is). */
export async function submitSignIn(page, username, password = PASSWORD) {
  if (!(await page.getByTestId('sign-in-username').isVisible())) {
    await page.getByRole('navigation').getByRole('link', { name: 'Sign in' }).click();
  }
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

/** Signs in with the password and returns the number the page then asks to enter on the phone. */
export async function signInForNumber(page, username, password = PASSWORD) {
  await submitSignIn(page, username, password);
  const number = page.getByTestId('sign-in-number');
  await number.waitFor();
  const shown = (await number.textContent()).trim();
  assert.match(shown, /^[1-9][0-9]$/, 'the page shows a two-digit number');
  assert.equal(await page.getByTestId('sign-in-prompt').textContent(), `Open Tessera and enter ${shown}`);
  return Number(shown);
}

/** How the sign-in stands on the page once it is no longer waiting: `{state, reason, message}`. */
export async function outcome(page, timeout = 30_000) {
  const status = page.getByTestId('sign-in-state');
  await page.waitForFunction(
    () => {
      const state = document.querySelector('[data-testid="sign-in-state"]')?.dataset.state;
      return state && state !== 'waiting';
    },
    null,
    { timeout },
  );
  return {
    state: await status.getAttribute('data-state'),
    reason: await status.getAttribute('data-reason'),
    message: (await page.getByTestId('result-message').textContent()).trim(),
    hint: (await page.getByTestId('result-hint').textContent()).trim(),
  };
}

/**
 * Screenshots of the screen as it is, numbered `name` (English and Dutch, light and dark, and
 * in English at a phone's width), after checking what every language and width must get right:
 * no placeholder left unfilled, the Dutch words really Dutch, nothing wider than a phone.
 */
export async function screenshots(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const visibleText = () => page.locator('main').innerText();
  const english = await visibleText();
  for (const language of ['en', 'nl']) {
    await page.getByTestId(`language-${language}`).click();
    const text = await visibleText();
    assert.doesNotMatch(text, /[{}]/, `${name} (${language}) shows an unfilled placeholder`);
    if (language === 'nl') assert.notEqual(text, english, `${name} shows no Dutch`);
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      await shoot(page, `${name}-${language}-${scheme}`);
    }
    await page.setViewportSize(PHONE);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} (${language}) is ${overflow}px wider than a phone`);
    if (language === 'en') {
      await page.emulateMedia({ colorScheme: 'light' });
      await shoot(page, `${name}-phone-en-light`);
    }
    await page.setViewportSize(DESKTOP);
  }
  await page.getByTestId('language-en').click();
  await page.emulateMedia({ colorScheme: 'light' });
}

function shoot(page, name) {
  return page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}
