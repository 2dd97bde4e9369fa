// Automatic backups in the built app (WebKitGTK under Xvfb, through tauri-driver): turned on in
// Settings with a folder (TESSERA_PICK_FOLDER stands in for the system's folder dialog, which
// WebDriver cannot drive) and a password typed twice, a backup file appears at once and after
// every change, the command line's changes included, and the accounts screen warns while the
// folder cannot be written. Screenshots of Settings → Backups and of the warning.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { screenshot, startApp, stopApp } from './harness.mjs';

const CLI = process.env.TESSERA_E2E_CLI;
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const BACKUP_PASSWORD = 'a backup passphrase for the e2e test';

const folder = mkdtempSync(join(tmpdir(), 'tessera-backups-'));
const vault = join(folder, 'vault.tessera');
const backups = join(folder, 'Backups');
let session;

function tessera(args) {
  return execFileSync(CLI, args, { env: { ...process.env, TESSERA_VAULT: vault } }).toString();
}

/** The backup files in the folder, by name. */
function backupFiles() {
  try {
    return readdirSync(backups).filter((name) => /^tessera-.*\.tessera-backup$/.test(name)).sort();
  } catch {
    return [];
  }
}

after(() => stopApp(session));

test('automatic backups turned on in Settings write a file at once and after every change', async () => {
  session = await startApp({ TESSERA_VAULT: vault, TESSERA_PICK_FOLDER: backups });
  await session.find('[data-testid="empty-state"]', 30_000);
  await (await session.find('[data-testid="open-settings"]')).click();
  const off = await session.find('[data-testid="backups-state"]');
  assert.ok((await off.text()).length > 0);
  await (await session.find('[data-testid="backups-on"]')).click();
  const chosen = await session.find('[data-testid="backups-chosen"]');
  assert.match(await chosen.text(), /Backups/);
  await (await session.find('[data-testid="backups-password-new"]')).type(BACKUP_PASSWORD);
  await (await session.find('[data-testid="backups-password-repeat"]')).type(BACKUP_PASSWORD);
  const keep = await session.find('[data-testid="backups-keep-new"]');
  await keep.clear();
  await keep.type('3');
  await screenshot(session, '40-backups-turning-on-en-light');
  await (await session.find('[data-testid="backups-confirm"]')).click();
  const last = await session.find('[data-testid="backups-last"]', 20_000);
  assert.match(await last.text(), /0 accounts/);
  assert.equal(backupFiles().length, 1, 'the first backup is in the folder');
  await screenshot(session, '41-backups-on-en-light');

  // A change in the app, and one by the command line on the same vault: a backup after each.
  await (await session.find('[data-testid="back"]')).click();
  await (await session.find('[data-testid="add-account"]')).click();
  await (await session.find('[data-testid="tab-paste"]')).click();
  await (await session.find('[data-testid="link-input"]')).type(`otpauth://totp/GitHub:octocat?secret=${SECRET}&issuer=GitHub`);
  await (await session.find('[data-testid="confirm-import"]')).click();
  await session.find('[data-testid="account-tile"]');
  await session.until(async () => backupFiles().length === 2, 'a second backup file');
  tessera(['add', 'otpauth://totp/Shop:carol?secret=JBSWY3DPEHPK3PXP&issuer=Shop']);
  assert.equal(backupFiles().length, 3);
  const listed = tessera(['backups', 'list']).trim().split('\n');
  assert.deepEqual(
    listed.map((line) => line.split('\t')[1]),
    ['0', '1', '2'],
    'each backup opens with the key the vault keeps and holds the accounts of its moment',
  );

  // The folder taken away (a file in its place): the change is kept, the accounts screen warns.
  rmSync(backups, { recursive: true });
  writeFileSync(backups, 'not a folder');
  tessera(['rename', '1', '--name', 'octocat@example.com']);
  await (await session.find('[data-testid="open-settings"]')).click();
  await session.find('[data-testid="backups-failure"]', 10_000);
  await (await session.find('[data-testid="back"]')).click();
  const warning = await session.find('[data-testid="backup-warning"]', 10_000);
  assert.match(await warning.text(), /not a folder/);
  await screenshot(session, '42-backup-warning-en-light');

  // Put right, "Back up now" clears the warning.
  rmSync(backups);
  mkdirSync(backups);
  await (await session.find('[data-testid="backup-warning-settings"]')).click();
  await (await session.find('[data-testid="backups-now"]')).click();
  await session.until(async () => (await session.findAll('[data-testid="backups-failure"]')).length === 0, 'the failure to clear');
  await (await session.find('[data-testid="back"]')).click();
  await session.find('[data-testid="account-tile"]');
  assert.equal((await session.findAll('[data-testid="backup-warning"]')).length, 0);
  assert.equal(backupFiles().length, 1);
});
