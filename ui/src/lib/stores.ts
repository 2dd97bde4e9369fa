// The state the screens share: where the user is, the accounts with their codes, the settings, the
// clock and the one toast on screen. Each store is small; Rust stays the source of truth.

import { get, readable, writable } from 'svelte/store';
import { api, asAppError, type AccountView, type CodeView, type LockStatus, type Settings } from './api';
import { refreshDelay } from './countdown';
import { errorMessage, setLanguage } from '../i18n';
import { applyTheme } from './theme';

export type Route =
  | { screen: 'accounts' }
  | { screen: 'account'; id: number }
  | { screen: 'add' }
  | { screen: 'settings' }
  | { screen: 'move' };

export const route = writable<Route>({ screen: 'accounts' });

/**
 * Opens a screen. Screens other than the list get a history entry, so the phone's back gesture
 * (and the browser's back button) returns to the list instead of leaving the app.
 */
export function go(to: Route): void {
  const inHistory = typeof history !== 'undefined';
  if (inHistory && to.screen === 'accounts' && history.state?.screen) {
    history.back();
  } else if (inHistory && to.screen !== 'accounts') {
    if (get(route).screen === 'accounts') history.pushState(to, '');
    else history.replaceState(to, '');
  }
  // Starting a new task clears an old message, which could otherwise cover the new screen's
  // buttons. (Returning to the list keeps it: that is where Undo is offered.)
  if (to.screen === 'add' || to.screen === 'settings' || to.screen === 'move') toast.set(null);
  route.set(to);
}

/** Follows the back gesture: the state of an entry is the route it was opened for. */
export function followHistory(state: unknown): void {
  const wanted = state as Route | null;
  route.set(wanted?.screen ? wanted : { screen: 'accounts' });
}

/** Asks Rust for everything the first screen shows: the accounts, unless the vault is locked. */
export function startLoading(): void {
  loadSettings().catch(() => {});
  // Asked for at once, not after the lock status: a vault that opens without asking (the usual
  // case) shows its codes as fast as before; a locked one refuses, and nothing is shown.
  loadAccounts().catch(() => {});
  refreshCodes();
  loadLockStatus().catch((error) => showToast(errorMessage(error)));
}

/** Where the vault stands; `null` until Rust has said. */
export const lock = writable<LockStatus | null>(null);

export async function loadLockStatus(): Promise<LockStatus> {
  const status = await api.lockStatus();
  lock.set(status);
  if (status.locked) forgetAccounts();
  return status;
}

/** After unlocking: the accounts and codes, then the list. */
export async function unlocked(): Promise<void> {
  lock.update((status) => (status ? { ...status, locked: false } : status));
  await loadAccounts();
  await refreshCodes();
  route.set({ screen: 'accounts' });
  await loadLockStatus();
}

/** The vault locked (by Rust's lock watch, or Lock now): nothing of it stays in the page. */
export function forgetAccounts(): void {
  clearTimeout(refreshTimer);
  accounts.set([]);
  codes.set({});
  accountsLoaded.set(false);
  toast.set(null);
  lock.update((status) => (status ? { ...status, locked: true } : status));
}

export const accounts = writable<AccountView[]>([]);
/** False until the first list arrives, so the empty state does not flash at start. */
export const accountsLoaded = writable(false);

export async function loadAccounts(): Promise<void> {
  accounts.set(await api.listAccounts());
  accountsLoaded.set(true);
}

/** Codes by account id. */
export const codes = writable<Record<number, CodeView>>({});

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const RETRY_AFTER_ERROR_MS = 5000;

/** Fetches the codes, then again when the first of them expires (not on every tick). */
export async function refreshCodes(): Promise<void> {
  clearTimeout(refreshTimer);
  let delay: number | null;
  try {
    const list = await api.currentCodes();
    if (get(lock)?.locked) return;
    codes.set(Object.fromEntries(list.map((code) => [code.id, code])));
    delay = refreshDelay(list, Date.now() / 1000);
  } catch (error) {
    // A locked vault has no codes to give until it is unlocked, which fetches them again.
    if (asAppError(error).code === 'locked') return;
    delay = RETRY_AFTER_ERROR_MS;
  }
  if (delay !== null) refreshTimer = setTimeout(refreshCodes, delay);
}

export function setCode(code: CodeView): void {
  codes.update((all) => ({ ...all, [code.id]: code }));
}

/** Unix seconds, ticking on every whole second while something on screen shows a countdown. */
export const now = readable(Date.now() / 1000, (set) => {
  let timer: ReturnType<typeof setTimeout>;
  const tick = () => {
    set(Date.now() / 1000);
    timer = setTimeout(tick, 1000 - (Date.now() % 1000));
  };
  // A countdown that starts showing starts from now, not from when the last one stopped.
  tick();
  return () => clearTimeout(timer);
});

export const settings = writable<Settings>({
  language: 'system',
  theme: 'system',
  lockAfter: '30s',
  screenProtection: true,
  hideCodes: false,
});

function applySettings(chosen: Settings): void {
  setLanguage(chosen.language);
  applyTheme(chosen.theme);
}

export async function loadSettings(): Promise<void> {
  try {
    settings.set(await api.settings());
  } finally {
    settings.subscribe(applySettings)();
  }
}

/** Applies at once, then stores; the screen shows the change even if storing fails. */
export async function saveSettings(chosen: Settings): Promise<void> {
  settings.set(chosen);
  applySettings(chosen);
  await api.setSettings(chosen);
}

export interface Toast {
  message: string;
  action?: { label: string; testid: string; run: () => void };
}

export const toast = writable<Toast | null>(null);
let toastTimer: ReturnType<typeof setTimeout> | undefined;

/** One short message at a time; a new one replaces the last. */
export function showToast(message: string, action?: Toast['action'], seconds = 4): void {
  clearTimeout(toastTimer);
  toast.set({ message, action });
  toastTimer = setTimeout(() => toast.set(null), seconds * 1000);
}

export function dismissToast(): void {
  clearTimeout(toastTimer);
  toast.set(null);
}
