// Automatic backups in the page: how they stand (Rust is the source of truth), the warning the
// accounts screen shows while the last backup failed, and the words for the last backup.

import { writable } from 'svelte/store';
import { api, type BackupsView } from './api';
import type { Params } from '../i18n';

type Translate = (key: string, params?: Params) => string;

/** How automatic backups stand; `null` until Rust has said (or while the vault is locked). */
export const backups = writable<BackupsView | null>(null);

export async function loadBackups(): Promise<BackupsView> {
  const view = await api.backupStatus();
  backups.set(view);
  return view;
}

/** The failure the accounts screen warns about: while backups are on and the last one failed. */
export function backupWarning(view: BackupsView | null): BackupsView['failure'] {
  return view?.on ? view.failure : null;
}

/** The number of backups to keep as the user typed it: a whole number from 1 to 1000, else null. */
export function keepFrom(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,4}$/.test(trimmed)) return null;
  const keep = Number(trimmed);
  return keep >= 1 && keep <= 1000 ? keep : null;
}

/** A moment in the user's language: date and time of day. */
export function when(unixSeconds: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(unixSeconds * 1000),
  );
}

/** "Last backup: 7 Dec 2026, 23:59, 12 accounts", or that there is none yet. */
export function lastBackup(t: Translate, view: BackupsView, locale: string): string {
  if (view.lastWrittenAt === null) return t('backups.none');
  return t('backups.last', { when: when(view.lastWrittenAt, locale), count: view.lastWrittenAccounts ?? 0 });
}
