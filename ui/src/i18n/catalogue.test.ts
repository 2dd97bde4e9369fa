// The catalogues hold every string the screens use, in both languages.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import nl from './nl.json';

const catalogues: Record<string, Record<string, string>> = { en, nl };
const SOURCE = fileURLToPath(new URL('..', import.meta.url));

const CODE_LIST = fileURLToPath(new URL('../../../src-tauri/src/error/codes.rs', import.meta.url));

/** The codes Rust sends in `AppError.code`: the one list in `codes.rs` (`Name = "code";`). */
function rustErrorCodes(): Set<string> {
  const listed = /^\s*[A-Z]\w* = "([a-z_]+)";$/gm;
  return new Set([...readFileSync(CODE_LIST, 'utf8').matchAll(listed)].map((match) => match[1]));
}

const ERROR_CODES = [...rustErrorCodes()].sort();

/** Keys built at run time, with every value they are built from. */
const DYNAMIC: Record<string, string[]> = {
  'kind.*': ['totp', 'hotp', 'steam'],
  'add.tab.*': ['paste', 'picture', 'file', 'type'],
  'export.format.*': ['tessera', 'aegis', 'otpauth', 'google'],
  'export.explain.*': ['tessera', 'aegis'],
  'settings.language.*': ['system', 'en', 'nl'],
  'settings.theme.*': ['system', 'light', 'dark'],
  'settings.lock.after.*': ['immediately', '30s', '1m', '5m'],
  'approval.outcome.*': ['approved', 'denied', 'wrongNumber', 'notMe', 'gone', 'expired'],
  'preview.warning.*': ['issuer_conflict', 'missing_counter', 'repeated_parameter'],
  'move.way.*': ['tessera', 'google'],
  'move.google.reason.*': ['algorithm', 'steam', 'digits', 'period', 'counter'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(svelte|ts)$/.test(entry) && !entry.endsWith('.test.ts') ? [path] : [];
  });
}

/** Keys in `t('…')`, `$t('…')` and `get(t)('…')` calls; `${…}` parts become `*`. */
function usedKeys(): Set<string> {
  const call = /(?:\$t|(?<![\w.$])t|get\(t\))\(\s*(['"`])([^'"`]+)\1/g;
  const keys = new Set<string>();
  for (const file of sourceFiles(SOURCE)) {
    for (const match of readFileSync(file, 'utf8').matchAll(call)) {
      keys.add(match[2].replace(/\$\{[^}]*\}/g, '*'));
    }
  }
  return keys;
}

/** A key is there as it is, or as the plural forms `.one` and `.other`. */
function has(catalogue: Record<string, string>, key: string): boolean {
  return key in catalogue || (`${key}.one` in catalogue && `${key}.other` in catalogue);
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  it('have the same keys in English and Dutch', () => {
    expect(Object.keys(nl).filter((key) => !(key in en))).toEqual([]);
    expect(Object.keys(en).filter((key) => !(key in nl))).toEqual([]);
  });

  it('have no empty messages', () => {
    for (const [name, catalogue] of Object.entries(catalogues)) {
      const empty = Object.keys(catalogue).filter((key) => catalogue[key].trim() === '');
      expect(empty, name).toEqual([]);
    }
  });

  it('use the same placeholders in both languages', () => {
    const different = Object.keys(en).filter(
      (key) => placeholders(en[key as keyof typeof en]).join() !== placeholders(nl[key as keyof typeof nl]).join(),
    );
    expect(different).toEqual([]);
  });

  it('are not English words in the Dutch file', () => {
    const same = Object.keys(en).filter(
      (key) => en[key as keyof typeof en] === nl[key as keyof typeof nl] && /\s/.test(en[key as keyof typeof en]),
    );
    // Only messages with no words of their own may read the same.
    expect(same.sort()).toEqual(['about.version', 'preview.unusableEntry']);
  });

  it('find the error codes in the Rust list', () => {
    // Guards the scan itself: a broken pattern would find nothing and pass everything.
    expect(ERROR_CODES.length).toBeGreaterThan(40);
    expect(ERROR_CODES).toContain('wrong_password');
    expect(ERROR_CODES).toContain('server_unreachable');
  });

  it('hold a message for every error code from Rust', () => {
    for (const [name, catalogue] of Object.entries(catalogues)) {
      const missing = ERROR_CODES.filter((code) => !(`error.${code}` in catalogue));
      expect(missing, name).toEqual([]);
      expect(catalogue['error.generic'], name).toContain('{code}');
    }
  });
});

describe('keys used in the sources', () => {
  const used = usedKeys();

  it('are found by the scan', () => {
    // Guards the scan itself: a broken pattern would find nothing and pass everything.
    expect(used.size).toBeGreaterThan(80);
    expect(used).toContain('accounts.empty.title');
    expect(used).toContain('kind.*');
  });

  it('exist in both catalogues', () => {
    for (const [name, catalogue] of Object.entries(catalogues)) {
      const missing = [...used].filter((key) => !key.includes('*') && !has(catalogue, key));
      expect(missing, name).toEqual([]);
    }
  });

  it('built at run time are listed here with all their values, which exist', () => {
    const dynamic = [...used].filter((key) => key.includes('*'));
    expect(dynamic.filter((key) => !(key in DYNAMIC))).toEqual([]);
    for (const [name, catalogue] of Object.entries(catalogues)) {
      const missing = Object.entries(DYNAMIC).flatMap(([pattern, values]) =>
        values.map((value) => pattern.replace('*', value)).filter((key) => !has(catalogue, key)),
      );
      expect(missing, name).toEqual([]);
    }
  });
});
