import { describe, expect, it } from 'vitest';
import { groupCode, hueOf, initials, spokenCode } from './code';

describe('groupCode', () => {
  it('splits six digits in two threes', () => expect(groupCode('123456')).toBe('123 456'));
  it('splits seven digits three then four', () => expect(groupCode('1234567')).toBe('123 4567'));
  it('splits eight digits in two fours', () => expect(groupCode('12345678')).toBe('1234 5678'));
  it('splits ten digits in two fives', () => expect(groupCode('1234567890')).toBe('12345 67890'));
  it('keeps leading zeros', () => expect(groupCode('000123')).toBe('000 123'));
  it('leaves a Steam code as it is', () => expect(groupCode('5RT2K')).toBe('5RT2K'));
  it('leaves short codes as they are', () => expect(groupCode('12345')).toBe('12345'));
  it('leaves long codes with letters as they are', () => expect(groupCode('ABC123')).toBe('ABC123'));
});

describe('spokenCode', () => {
  it('separates every digit', () => expect(spokenCode('123456')).toBe('1 2 3 4 5 6'));
  it('ignores the grouping space', () => expect(spokenCode('123 456')).toBe('1 2 3 4 5 6'));
  it('separates letters of a Steam code', () => expect(spokenCode('5RT2K')).toBe('5 R T 2 K'));
});

describe('initials', () => {
  it('takes the first letters of two words of the issuer', () =>
    expect(initials('Microsoft Azure', 'alice')).toBe('MA'));
  it('takes one letter of a one-word issuer', () => expect(initials('GitHub', 'alice')).toBe('G'));
  it('falls back to the name before the @', () =>
    expect(initials(null, 'alice@example.com')).toBe('A'));
  it('uses the name when the issuer is blank', () => expect(initials('  ', 'bob smith')).toBe('BS'));
  it('handles letters outside ASCII', () => expect(initials('Überweisung', 'x')).toBe('Ü'));
  it('gives a question mark when nothing is usable', () => expect(initials(null, '@@')).toBe('?'));
});

describe('hueOf', () => {
  it('is stable and within a circle', () => {
    expect(hueOf('GitHub')).toBe(hueOf('GitHub'));
    expect(hueOf('GitHub')).toBeGreaterThanOrEqual(0);
    expect(hueOf('GitHub')).toBeLessThan(360);
  });
  it('differs between issuers', () => expect(hueOf('GitHub')).not.toBe(hueOf('GitLab')));
});
