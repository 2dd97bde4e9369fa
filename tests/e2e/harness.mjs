// Starting and stopping the built app for the end-to-end tests: tauri-driver (which starts
// WebKitWebDriver and the app) with the environment a test gives, a phone-sized window, and
// screenshots into $TESSERA_E2E_SCREENSHOTS.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session, sleep } from './webdriver.mjs';

const APP = process.env.TESSERA_E2E_APP;
const SHOTS = process.env.TESSERA_E2E_SCREENSHOTS;
const DRIVER = 'http://127.0.0.1:4444';

let driver;

/** Starts the app with these environment variables (TESSERA_VAULT and the like); its session. */
export async function startApp(environment) {
  driver = spawn('tauri-driver', ['--port', '4444'], {
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const session = await Session.start(DRIVER, APP);
  await session.setWindowSize(420, 760);
  return session;
}

/** Quits the app and its driver. */
export async function stopApp(session) {
  if (session) await session.quit().catch(() => {});
  if (driver) {
    const running = driver;
    driver = undefined;
    if (running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill();
      await Promise.race([exited, sleep(5000)]);
    }
  }
}

/** Saves a screenshot under this name, once transitions have settled. */
export async function screenshot(session, name) {
  mkdirSync(SHOTS, { recursive: true });
  await sleep(300);
  writeFileSync(join(SHOTS, `${name}.png`), await session.screenshot());
}

/** Chooses the language and theme in Settings, as a user would, and returns to the screen before. */
export async function settle(session, language, theme) {
  await (await session.find('[data-testid="open-settings"]')).click();
  await (await session.find('[data-testid="language"]')).select(language);
  await (await session.find('[data-testid="theme"]')).select(theme);
  await session.until(
    async () => (await session.script('return document.documentElement.dataset.theme')) === theme,
    `the ${theme} theme`,
  );
  await (await session.find('[data-testid="back"]')).click();
}

/** The approval screen, once it shows (by itself: nothing in the app is touched to open it). */
export async function approvalScreen(session, timeoutMs = 20_000) {
  return session.find('[data-testid="approval-screen"]', timeoutMs);
}

/** The message an answered, expired or withdrawn sign-in leaves on the approval screen. */
export async function approvalMessage(session, timeoutMs = 15_000) {
  const message = await session.find('[data-testid="approval-message"]', timeoutMs);
  await session.until(async () => (await message.text()).trim() !== '', 'a message on the approval screen', timeoutMs);
  return (await message.text()).trim();
}

/** Waits for the approval screen to close. */
export async function approvalGone(session) {
  await session.until(
    async () => (await session.findAll('[data-testid="approval-screen"]')).length === 0,
    'the approval screen to close',
    20_000,
  );
}
