// Bringing accounts from another app into the built app (WebKitGTK under Xvfb, through
// tauri-driver): an encrypted Aegis vault, made by the command line from a vault of its own, is
// picked on Add → From another app; the app asks for the file's password, refuses a wrong one in
// words, shows every account before adding, and adds them all at once; their codes are
// oathtool's. Then Settings → Export writes a Tessera backup that the command line restores. Screenshots of the password step and the preview in both languages and themes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { screenshot, settle, startApp, stopApp } from './harness.mjs';

const CLI = process.env.TESSERA_E2E_CLI;
const FILE_PASSWORD = 'the aegis export password';
const ACCOUNTS = [
  ['Forge', 'bob', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'],
  ['Bank of Zürich', 'jörg', 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U'],
  ['Mail', 'kobayashi', 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF'],
];

const folder = mkdtempSync(join(tmpdir(), 'tessera-import-'));
const exported = join(folder, 'aegis-export.json');
const backup = join(folder, 'saved.tessera-backup');
let session;

/** The other app's file: a vault of the command line's own, exported in Aegis's encrypted format. */
function makeAegisFile() {
  const env = {
    ...process.env,
    TESSERA_VAULT: join(folder, 'source.tessera'),
    TESSERA_PASSWORD: 'source vault passphrase',
    TESSERA_EXPORT_PASSWORD: FILE_PASSWORD,
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/no-key-store',
  };
  execFileSync(CLI, ['init', '--password'], { env, stdio: 'ignore' });
  const links = ACCOUNTS.map(
    ([issuer, name, secret]) =>
      `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(name)}?secret=${secret}&issuer=${encodeURIComponent(issuer)}`,
  );
  execFileSync(CLI, ['add', ...links], { env, stdio: 'ignore' });
  execFileSync(CLI, ['export', '--format', 'aegis', '--out', exported], { env, stdio: 'ignore' });
}

function oathtool(secret, at) {
  return execFileSync('oathtool', ['-b', '--totp', `--now=@${at}`, secret]).toString().trim();
}

before(async () => {
  makeAegisFile();
  session = await startApp({
    TESSERA_VAULT: join(folder, 'vault.tessera'),
    TESSERA_PICK_FILE: exported,
    TESSERA_SAVE_FILE: backup,
  });
});

after(async () => {
  await stopApp(session);
  rmSync(folder, { recursive: true, force: true });
});

async function pickTheFile() {
  await (await session.find('[data-testid="add-account"]')).click();
  await (await session.find('[data-testid="tab-file"]')).click();
  await (await session.find('[data-testid="pick-file"]')).click();
  return session.find('[data-testid="file-password"]');
}

test('an encrypted Aegis file asks for its password and refuses a wrong one in words', async () => {
  const password = await pickTheFile();
  await screenshot(session, 'import-01-password-en-light');
  await password.type('not the password');
  await (await session.find('[data-testid="file-open"]')).click();
  const problem = await session.find('[role="alert"]');
  await session.until(async () => /password is not right/.test(await problem.text()), 'the wrong-password message');
  assert.equal((await session.findAll('[data-testid="confirm-import"]')).length, 0, 'nothing to confirm');
});

test('the right password shows every account first, and confirming adds them all', async () => {
  const password = await session.find('[data-testid="file-password"]');
  await password.clear();
  await password.type(FILE_PASSWORD);
  await (await session.find('[data-testid="file-open"]')).click();
  const confirm = await session.find('[data-testid="confirm-import"]');
  const preview = await session.script('return document.querySelector(".preview").textContent');
  for (const [issuer, name] of ACCOUNTS) {
    assert.ok(preview.includes(issuer) && preview.includes(name), `${issuer} ${name} in the preview`);
  }
  assert.equal((await session.findAll('[data-testid="account-tile"]')).length, 0, 'a preview adds nothing');
  await screenshot(session, 'import-02-preview-en-light');
  await confirm.click();
  await session.until(
    async () => (await session.findAll('[data-testid="account-tile"]')).length === ACCOUNTS.length,
    'every account added',
  );
  await session.until(async () => {
    const before = Math.floor(Date.now() / 1000);
    const codes = await session.findAll('[data-testid="account-code"]');
    const shown = await Promise.all(codes.map(async (code) => (await code.text()).replace(/\s/g, '')));
    const after = Math.floor(Date.now() / 1000);
    return (
      Math.floor(before / 30) === Math.floor(after / 30) &&
      shown.join(' ') === ACCOUNTS.map(([, , secret]) => oathtool(secret, before)).join(' ')
    );
  }, "every code equal to oathtool's", 20_000);
});

test('the same file again finds every account already there, in Dutch and dark', async () => {
  await settle(session, 'nl', 'dark');
  const password = await pickTheFile();
  await password.type(FILE_PASSWORD);
  await (await session.find('[data-testid="file-open"]')).click();
  const confirm = await session.find('[data-testid="confirm-import"]');
  await session.until(async () => (await confirm.attribute("disabled")) !== null, 'nothing left to add');
  assert.equal((await session.findAll('.duplicate')).length, ACCOUNTS.length);
  await screenshot(session, 'import-03-duplicates-nl-dark');
  await (await session.find('[data-testid="back"]')).click();
  await settle(session, 'en', 'light');
});

test('Settings → Export writes an encrypted Tessera backup that the command line restores', async () => {
  await (await session.find('[data-testid="open-settings"]')).click();
  await (await session.find('[data-testid="export-format"]')).select('tessera');
  await (await session.find('[data-testid="export-password"]')).type('backup words');
  await (await session.find('[data-testid="export-repeat"]')).type('backup words');
  await screenshot(session, 'import-04-export-en-light');
  await (await session.find('[data-testid="export-now"]')).click();
  const toast = await session.find('[data-testid="toast"]', 20_000);
  assert.match(await toast.text(), /Exported 3 accounts/);
  assert.ok(existsSync(backup), 'the backup was written where the user chose');
  assert.equal(statSync(backup).mode & 0o777, 0o600, 'readable by its owner only');
  const env = {
    ...process.env,
    TESSERA_VAULT: join(folder, 'restored.tessera'),
    TESSERA_PASSWORD: 'restored vault passphrase',
    TESSERA_IMPORT_PASSWORD: 'backup words',
    DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/no-key-store',
  };
  execFileSync(CLI, ['init', '--password'], { env, stdio: 'ignore' });
  execFileSync(CLI, ['import', backup, '--yes'], { env, stdio: 'ignore' });
  const listed = execFileSync(CLI, ['list'], { env }).toString();
  for (const [issuer, name] of ACCOUNTS) assert.ok(listed.includes(issuer) && listed.includes(name), listed);
  await (await session.find('[data-testid="back"]')).click();
});
