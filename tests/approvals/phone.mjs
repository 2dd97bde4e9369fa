// The phone, played by the tessera command line: it enrolls with the demo's link and answers
// approvals, from the password-only vault that run.sh made (TESSERA_VAULT, TESSERA_PASSWORD).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const CLI = process.env.TESSERA_APPROVALS_CLI;

/** Runs `tessera args…`; resolves with its exit status and output, whatever the status. */
export function tessera(...args) {
  return new Promise((resolve) => {
    execFile(CLI, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ status, stdout, stderr, output: `${stdout}${stderr}` });
    });
  });
}

/** What the phone's camera reads in a picture: the texts of the QR codes in it. */
export async function scan(picture) {
  const decoded = await tessera('qr', 'decode', picture);
  assert.equal(decoded.status, 0, `tessera qr decode failed:\n${decoded.output}`);
  return JSON.parse(decoded.stdout).texts;
}

/** Enrolls the phone with an enrollment link, as scanning its QR code would. */
export async function enroll(link) {
  const enrolled = await tessera('approvals', 'enroll', link, '--name', 'test laptop');
  assert.equal(enrolled.status, 0, `tessera approvals enroll failed:\n${enrolled.output}`);
}

/** The pending approvals the phone sees. */
export async function approvals() {
  const listed = await tessera('approvals', 'list', '--json');
  assert.equal(listed.status, 0, `tessera approvals list failed:\n${listed.output}`);
  const parsed = JSON.parse(listed.stdout);
  assert.ok(Array.isArray(parsed), `tessera approvals list --json printed no array: ${listed.stdout}`);
  return parsed;
}

/** The approval for `account` once it reaches the phone (a real phone is woken by a push). */
export async function pendingApproval(account, within = 20_000) {
  const deadline = Date.now() + within;
  for (;;) {
    const found = (await approvals()).find((approval) => approval.account === account);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no approval for ${account} reached the phone`);
    await sleep(500);
  }
}

export function approve(id, number) {
  return tessera('approvals', 'approve', id, '--number', String(number));
}

export function deny(id, ...flags) {
  return tessera('approvals', 'deny', id, ...flags);
}
