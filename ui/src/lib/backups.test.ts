import { describe, expect, it } from 'vitest';
import { translate } from '../i18n';
import type { BackupsView } from './api';
import { backupWarning, keepFrom, lastBackup } from './backups';

const en = (key: string, params?: Record<string, string | number>) => translate('en', key, params);
const nl = (key: string, params?: Record<string, string | number>) => translate('nl', key, params);

const on: BackupsView = {
  on: true,
  folder: '/media/alice/USB/Tessera',
  keep: 10,
  lastWrittenAt: 1_796_687_941,
  lastWrittenName: 'tessera-2026-12-07T23-59-01Z.tessera-backup',
  lastWrittenAccounts: 12,
  failure: null,
  folderPicker: true,
};
const failure = { at: 1_796_688_000, error: { code: 'backup_folder_missing', detail: on.folder } };

describe('automatic backups', () => {
  it('warn only while they are on and the last one failed', () => {
    expect(backupWarning(null)).toBeNull();
    expect(backupWarning(on)).toBeNull();
    expect(backupWarning({ ...on, failure })).toEqual(failure);
    expect(backupWarning({ ...on, on: false, failure })).toBeNull();
  });

  it('keep a whole number of backups from 1 to 1000', () => {
    expect(keepFrom('10')).toBe(10);
    expect(keepFrom(' 1000 ')).toBe(1000);
    for (const typed of ['0', '1001', '', '2.5', '-3', 'ten', '1e2']) expect(keepFrom(typed), typed).toBeNull();
  });

  it('say when the last backup was written and how many accounts it holds', () => {
    const words = lastBackup(en, on, 'en');
    expect(words).toContain('12 accounts');
    expect(words).toContain('2026');
    expect(lastBackup(en, { ...on, lastWrittenAccounts: 1 }, 'en')).toContain('1 account');
    expect(lastBackup(en, { ...on, lastWrittenAt: null }, 'en')).toBe(en('backups.none'));
    expect(lastBackup(nl, on, 'nl')).not.toBe(words);
  });
});
