// App lock in the built app (WebKitGTK under Xvfb, through tauri-driver), on a vault that the
// command line made and then took the device slot from: it starts locked with the focus in the
// password field, refuses a wrong password in words, opens with the right one, locks again on
// "Lock now", opens with the recovery code, and app lock off and on round-trips through the
// vault file across restarts. Screenshots of the unlock screen in both languages and themes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { screenshot, settle, startApp, stopApp } from './harness.mjs';

const CLI = process.env.TESSERA_E2E_CLI;
const SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';
const PASSWORD = 'a long and memorable passphrase';

const folder = mkdtempSync(join(tmpdir(), 'tessera-lock-'));
const vault = join(folder, 'vault.tessera');
let session;
let recoveryCode;

function tessera(args, input, environment = {}) {
  return execFileSync(CLI, args, {
    env: { ...process.env, TESSERA_VAULT: vault, TESSERA_PASSWORD: PASSWORD, ...environment },
    input,
  }).toString();
}

function oathtool(at) {
  return execFileSync('oathtool', ['-b', '--totp', `--now=@${at}`, SECRET]).toString().trim();
}

async function open() {
  session = await startApp({ TESSERA_VAULT: vault });
}

async function restart() {
  await stopApp(session);
  await open();
}

async function pageText() {
  return session.script('return document.documentElement.outerHTML');
}

async function unlockWith(secret) {
  const field = await session.find('[data-testid="unlock-secret"]');
  await field.clear();
  await field.type(`${secret}\uE007`); // Enter
}

async function codeMatchesOathtool() {
  await session.until(async () => {
    const before = Math.floor(Date.now() / 1000);
    const codes = await session.findAll('[data-testid="account-code"]');
    if (codes.length === 0) return false;
    const shown = (await codes[0].text()).replace(/\s/g, '');
    const after = Math.floor(Date.now() / 1000);
    return Math.floor(before / 30) === Math.floor(after / 30) && shown === oathtool(before);
  }, "the shown code to equal oathtool's", 20_000);
}


before(() => {
  tessera(['init', '--password']);
  tessera(['add', `otpauth://totp/Lockbank:lena?secret=${SECRET}&issuer=Lockbank`]);
  recoveryCode = tessera(['slots', 'add-recovery']).trim();
  // The device slot: the vault now asks. Removing it re-keys the vault, so the recovery slot that
  // stays needs its code to be wrapped again (the password comes from TESSERA_PASSWORD).
  tessera(['slots', 'remove', '1'], undefined, { TESSERA_RECOVERY_CODE: recoveryCode });
  assert.match(tessera(['slots', 'status']), /^asks before opening/);
});

after(() => stopApp(session));

test('a vault that asks starts on the unlock screen, the password field focused, nothing shown', async () => {
  await open();
  await session.find('[data-testid="unlock-screen"]', 30_000);
  await session.until(
    async () => (await session.script('return document.activeElement?.dataset.testid')) === 'unlock-secret',
    'the focus in the password field',
  );
  const page = await pageText();
  assert.doesNotMatch(page, /Lockbank|lena/, 'no issuer or account name in the page');
  assert.equal((await session.findAll('[data-testid="account-code"]')).length, 0);
  await screenshot(session, 'lock-01-unlock-en-light');
});

test('a wrong password is refused in words, keeps the field and changes nothing', async () => {
  const before = readFileSync(vault);
  await unlockWith('not the passphrase');
  const problem = await session.find('[data-testid="unlock-problem"]');
  await session.until(async () => /not right/.test(await problem.text()), 'the refusal');
  assert.ok(await session.find('[data-testid="unlock-secret"]'));
  assert.doesNotMatch(await pageText(), /Lockbank/);
  assert.deepEqual(readFileSync(vault), before, 'the vault file is unchanged');
  await screenshot(session, 'lock-02-wrong-password-en-light');
});

test('the right password shows the accounts and their codes', async () => {
  await unlockWith(PASSWORD);
  await session.find('[data-testid="account-tile"]', 20_000);
  await codeMatchesOathtool();
});

test('lock now returns to the unlock screen and takes the accounts out of the page', async () => {
  await (await session.find('[data-testid="lock-now"]')).click();
  await session.find('[data-testid="unlock-screen"]');
  await session.until(async () => !/Lockbank/.test(await pageText()), 'no account left in the page');
  await unlockWith(PASSWORD);
  await session.find('[data-testid="account-tile"]', 20_000);
});

test('the unlock screen in Dutch and English, light and dark', async () => {
  for (const [language, theme] of [['nl', 'light'], ['nl', 'dark'], ['en', 'dark']]) {
    await settle(session, language, theme);
    await (await session.find('[data-testid="lock-now"]')).click();
    const heading = await session.find('[data-testid="unlock-screen"] h1');
    const expected = language === 'nl' ? /vergrendeld/ : /locked/;
    await session.until(async () => expected.test(await heading.text()), `the ${language} heading`);
    await screenshot(session, `lock-03-unlock-${language}-${theme}`);
    await unlockWith(PASSWORD);
    await session.find('[data-testid="account-tile"]', 20_000);
  }
  await settle(session, 'en', 'light');
});

test('the recovery code opens the vault when the password is forgotten', async () => {
  await restart();
  await session.find('[data-testid="unlock-screen"]', 30_000);
  await (await session.find('[data-testid="use-recovery"]')).click();
  await unlockWith(recoveryCode.toLowerCase().replaceAll('-', ' '));
  await session.find('[data-testid="account-tile"]', 20_000);
  await codeMatchesOathtool();
});

test('app lock off opens without asking after a restart, and on again asks', async () => {
  await (await session.find('[data-testid="open-settings"]')).click();
  await screenshot(session, 'lock-04-settings-app-lock-on-en-light');
  await (await session.find('[data-testid="app-lock-off"]')).click();
  await session.find('[data-testid="app-lock-on"]', 20_000);
  assert.match(tessera(['slots', 'status']), /^opens without asking/);
  await restart();
  await session.find('[data-testid="account-tile"]', 30_000);
  assert.equal((await session.findAll('[data-testid="unlock-screen"]')).length, 0);

  await (await session.find('[data-testid="open-settings"]')).click();
  await (await session.find('[data-testid="app-lock-on"]')).click();
  // The password slot is still there: it is asked for, to wrap the new vault key (turning app
  // lock on re-keys the vault), and a new recovery code replaces the old one.
  await (await session.find('[data-testid="app-lock-current"]')).type(PASSWORD);
  await (await session.find('[data-testid="app-lock-confirm"]')).click();
  await session.find('[data-testid="app-lock-off"]', 30_000);
  assert.match(tessera(['slots', 'status']), /^asks before opening.*\tpassword,recovery$/m);
  await restart();
  await session.find('[data-testid="unlock-screen"]', 30_000);
  await unlockWith(PASSWORD);
  await session.find('[data-testid="account-tile"]', 20_000);
});
