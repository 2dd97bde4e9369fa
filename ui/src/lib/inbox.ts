// The sign-ins waiting, as the page knows them: asked of Rust on start, on unlock and whenever the
// app comes back, and told by Rust as they arrive (Rust follows the servers; the page only
// listens). The approval screen shows whatever is here.

import { listen } from '@tauri-apps/api/event';
import { writable } from 'svelte/store';
import { api, asAppError, type ApprovalView } from './api';
import { merge, replaceWith, without } from './approvals';

/** Oldest first. */
export const waiting = writable<ApprovalView[]>([]);
/** The servers that could not be asked last time, by origin. */
export const unreachable = writable<string[]>([]);

/** Asks Rust what is waiting. A locked vault has nothing to show until it is unlocked. */
export async function loadPending(): Promise<void> {
  try {
    const pending = await api.pendingApprovals();
    waiting.set(replaceWith(pending.approvals));
    unreachable.set(pending.unreachable);
  } catch (error) {
    if (asAppError(error).code === 'locked') waiting.set([]);
  }
}

/** The sign-in is answered or gone: it leaves the list. */
export function settled(approval: ApprovalView): void {
  waiting.update((list) => without(list, approval));
}

/** The vault locked: nothing of the sign-ins stays in the page. */
export function forgetPending(): void {
  waiting.set([]);
  unreachable.set([]);
}

/** Listens for Rust's news of sign-ins; returns how to stop. */
export function followInbox(): () => void {
  const stops = [
    listen<ApprovalView>('approval_arrived', (event) => waiting.update((list) => merge(list, [event.payload]))),
    listen('approvals_changed', () => loadPending()),
  ].map((listening) => listening.catch(() => () => {}));
  return () => stops.forEach((stop) => stop.then((unlisten) => unlisten()));
}
