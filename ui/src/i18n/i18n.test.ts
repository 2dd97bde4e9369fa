import { get } from 'svelte/store';
import { afterEach, describe, expect, it } from 'vitest';
import { errorMessage, formatTime, interpolate, locale, resolveLocale, t, translate } from './index';

afterEach(() => locale.set('en'));

describe('interpolate', () => {
  it('fills named placeholders', () =>
    expect(interpolate('{a} and {b}', { a: 'one', b: 2 })).toBe('one and 2'));
  it('fills a placeholder used twice', () => expect(interpolate('{a}{a}', { a: 'x' })).toBe('xx'));
  it('keeps a placeholder without a value', () =>
    expect(interpolate('Hello {name}', { other: 'x' })).toBe('Hello {name}'));
  it('leaves text without params alone', () => expect(interpolate('{a}')).toBe('{a}'));
  it('does not treat a value as a placeholder', () =>
    expect(interpolate('{a} {b}', { a: '{b}', b: 'B' })).toBe('{b} B'));
});

describe('translate', () => {
  it('gives the Dutch message', () =>
    expect(translate('nl', 'toast.copied', { seconds: 30 })).toBe(
      'Gekopieerd. Het klembord wordt over 30 seconden gewist.',
    ));
  it('gives the English message', () =>
    expect(translate('en', 'toast.copied', { seconds: 30 })).toBe(
      'Copied. The clipboard is cleared in 30 seconds.',
    ));
  it('chooses the singular for one', () =>
    expect(translate('en', 'preview.add', { count: 1 })).toBe('Add 1 account'));
  it('chooses the plural for more', () =>
    expect(translate('nl', 'preview.add', { count: 3 })).toBe('3 accounts toevoegen'));
  it('chooses the plural for zero', () =>
    expect(translate('en', 'ring.secondsLeft', { count: 0 })).toBe('0 seconds left'));
  it('falls back to the key when nothing matches', () =>
    expect(translate('nl', 'no.such.key')).toBe('no.such.key'));
});

describe('resolveLocale', () => {
  it('follows an explicit choice', () => expect(resolveLocale('nl', 'en-US')).toBe('nl'));
  it('takes Dutch from a Dutch or Flemish device', () => {
    expect(resolveLocale('system', 'nl-NL')).toBe('nl');
    expect(resolveLocale('system', 'nl-BE')).toBe('nl');
  });
  it('takes English from any other device', () => expect(resolveLocale('system', 'de-DE')).toBe('en'));
});

describe('t', () => {
  it('follows the current language', () => {
    locale.set('nl');
    expect(get(t)('accounts.add')).toBe('Account toevoegen');
    locale.set('en');
    expect(get(t)('accounts.add')).toBe('Add account');
  });
});

describe('errorMessage', () => {
  it('names the error by its code', () =>
    expect(errorMessage({ code: 'wrong_password', detail: null })).toBe('That password is not right.'));
  it('quotes the detail where the message has room for it', () =>
    expect(errorMessage({ code: 'duplicate', detail: 'GitHub (alice)' })).toBe(
      'GitHub (alice) is already in Tessera.',
    ));
  it('leaves out a detail the message has no room for', () =>
    expect(errorMessage({ code: 'disk_full', detail: '/data/vault.db' })).toBe(
      'The device is full. Free up some space and try again.',
    ));
  it('falls back to a general message for an unknown code', () =>
    expect(errorMessage({ code: 'solar_flare', detail: null })).toBe('Something went wrong (solar_flare).'));
  it('speaks Dutch too', () => {
    locale.set('nl');
    expect(errorMessage({ code: 'not_found', detail: null })).toBe('Dat account bestaat niet meer.');
  });
  it('turns anything thrown into an unexpected error', () =>
    expect(errorMessage(new Error('boom'))).toBe('Something unexpected went wrong: Error: boom'));
});

describe('formatTime', () => {
  it('writes the time in the language given', () => {
    const noon = Date.UTC(2024, 0, 1, 12, 0, 5) / 1000;
    expect(formatTime(noon, 'en')).toMatch(/\d{1,2}:\d{2}:05/);
    expect(formatTime(noon, 'nl')).toMatch(/^\d{2}:\d{2}:05$/);
  });
});
